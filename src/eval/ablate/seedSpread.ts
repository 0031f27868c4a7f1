/** Mean and spread of one number over seeds (sample std: few seeds, so n - 1 matters). */
export interface SeedSpread {
  readonly mean: number;
  /** Sample standard deviation (n - 1); 0 for a single value. */
  readonly std: number;
  readonly n: number;
}

/** Mean and sample std of the finite values (NaN mean when there is none). */
export function seedSpread(values: readonly number[]): SeedSpread {
  const v = values.filter(Number.isFinite);
  const n = v.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, n: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
}

/** "mean ± std" with `digits` decimals, or as percentages ("62 ± 8%"). */
export function formatSpread(m: SeedSpread, options: { percent?: boolean; digits?: number } = {}): string {
  if (m.n === 0) return '-';
  if (options.percent) return `${(100 * m.mean).toFixed(options.digits ?? 0)} ± ${(100 * m.std).toFixed(options.digits ?? 0)}%`;
  const d = options.digits ?? 3;
  return `${m.mean.toFixed(d)} ± ${m.std.toFixed(d)}`;
}
