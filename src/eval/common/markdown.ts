import type { EncoderSource } from './experimentModels.js';
import type { CodeVersion } from './runFolder.js';

/** A GitHub-flavoured markdown table; `align` per column, 'r' for numbers (default 'l' for the first column, 'r' after). */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, align?: ReadonlyArray<'l' | 'r'>): string {
  const al = header.map((_, i) => align?.[i] ?? (i === 0 ? 'l' : 'r'));
  rows.forEach((r, i) => {
    if (r.length !== header.length) throw new RangeError(`markdownTable: row ${i} has ${r.length} cells, expected ${header.length}`);
  });
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `| ${al.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** "0.123 ± 0.045" (or "-" for NaN). */
export function fmtMeanStd(mean: number, std: number, digits = 3): string {
  if (!Number.isFinite(mean)) return '-';
  return `${mean.toFixed(digits)} ± ${Number.isFinite(std) ? std.toFixed(digits) : '-'}`;
}

/** "45.2%" (or "-"). */
export function fmtPct(v: number, digits = 1): string {
  return Number.isFinite(v) ? `${(100 * v).toFixed(digits)}%` : '-';
}

export function fmtNum(v: number, digits = 3): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '-';
}

/** What every experiment report records about its run. */
export interface ReportMeta {
  readonly command: string;
  readonly code: CodeVersion;
  readonly seed: number;
  readonly durationS: number;
  readonly quick: boolean;
  readonly source: EncoderSource;
  readonly configSummary: string;
}

/** The lines every experiment report starts with: title, command, code version, seed, duration. */
export function reportHeader(title: string, meta: ReportMeta): string[] {
  const commit = meta.code.commit ? `, commit ${meta.code.commit.slice(0, 12)}` : '';
  return [
    `# ${title}`,
    '',
    `\`${meta.command}\` — jepa-agent ${meta.code.version}${commit}; seed ${meta.seed}; ${meta.quick ? 'quick' : 'full'} mode; ${(meta.durationS / 60).toFixed(1)} min.`,
    '',
  ];
}

/** Where the trained encoder came from, in words. */
export function describeSource(source: EncoderSource): string {
  return source.kind === 'checkpoint'
    ? `checkpoint \`${source.dir}\``
    : `trained here on motor babbling (${source.episodes} episodes, ${source.frames} frames, ${source.steps} learner steps, ${source.seconds.toFixed(0)} s${source.finalLoss === undefined ? '' : `, final loss ${source.finalLoss.toFixed(3)}`})`;
}
