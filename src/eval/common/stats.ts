/** Mean and (population) standard deviation; NaN for an empty list. */
export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN };
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(v / n) };
}

/**
 * Per-column standardisation statistics of rows [n, d] (std floored so constant columns
 * map to 0 rather than blowing up).
 */
export interface Standardizer {
  readonly mean: Float64Array;
  readonly std: Float64Array;
  apply(x: ArrayLike<number>, n: number): Float64Array;
}

export function fitStandardizer(x: ArrayLike<number>, n: number, d: number, floor = 1e-6): Standardizer {
  if (x.length !== n * d) throw new RangeError(`standardizer: ${x.length} values, expected ${n} x ${d}`);
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= Math.max(n, 1);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (x[i * d + j] - mean[j]) ** 2;
  for (let j = 0; j < d; j++) std[j] = Math.max(Math.sqrt(std[j] / Math.max(n, 1)), floor);
  return {
    mean,
    std,
    apply: (rows, m) => {
      if (rows.length !== m * d) throw new RangeError(`standardizer.apply: ${rows.length} values, expected ${m} x ${d}`);
      const out = new Float64Array(m * d);
      for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) out[i * d + j] = (rows[i * d + j] - mean[j]) / std[j];
      return out;
    },
  };
}

/**
 * Coefficient of determination of predictions [n, k] against truth [n, k], over all
 * components together (1 - residual sum of squares / total sum of squares around each column's mean).
 */
export function rSquared(predicted: ArrayLike<number>, truth: ArrayLike<number>, n: number, k: number): number {
  const mean = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) mean[j] += truth[i * k + j] / n;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      res += (truth[i * k + j] - predicted[i * k + j]) ** 2;
      tot += (truth[i * k + j] - mean[j]) ** 2;
    }
  }
  return tot > 0 ? 1 - res / tot : NaN;
}

/** Euclidean distance of each row of predictions [n, k] to the truth, e.g. position errors. */
export function rowDistances(predicted: ArrayLike<number>, truth: ArrayLike<number>, n: number, k: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += (predicted[i * k + j] - truth[i * k + j]) ** 2;
    out[i] = Math.sqrt(s);
  }
  return out;
}

/** Mean absolute error of each row (over its k components). */
export function rowMae(predicted: ArrayLike<number>, truth: ArrayLike<number>, n: number, k: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.abs(predicted[i * k + j] - truth[i * k + j]);
    out[i] = s / k;
  }
  return out;
}
