import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { htmlReport, renderChart } from '../../report/index.js';
import type { ChartSpec, RenderedChart } from '../../report/index.js';
import type { Bitmap } from '../../viz/Bitmap.js';
import { encodePng } from '../../viz/encodePng.js';

/** What code produced a report: the package version and, in a git checkout, the commit. */
export interface CodeVersion {
  readonly version: string;
  readonly commit?: string;
}

/** runs/<ISO time>-<name>/ (created), unique per start. */
export function newExperimentDir(runsDir: string, name: string): string {
  const dir = resolve(runsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${name}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The package version from package.json and the commit from .git (read as files, so no git
 * binary is needed; absent outside a checkout). `root` defaults to this package's root.
 */
export function codeVersion(root = packageRoot()): CodeVersion {
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    // A report without a version is still a report.
  }
  const commit = gitCommit(join(root, '.git'));
  return { version, ...(commit === undefined ? {} : { commit }) };
}

function packageRoot(): string {
  // dist/src/eval/common/runFolder.js or src/eval/common/runFolder.ts: walk up to package.json.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

function gitCommit(gitDir: string): string | undefined {
  try {
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref:')) return /^[0-9a-f]{40}$/.test(head) ? head : undefined;
    const ref = head.slice(4).trim();
    const loose = join(gitDir, ref);
    if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
    const packed = readFileSync(join(gitDir, 'packed-refs'), 'utf8');
    const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
    return line?.split(' ')[0];
  } catch {
    return undefined;
  }
}

export interface RunFolderContents {
  /** report.json (must be JSON-serialisable; NaN and infinities are written as null). */
  readonly json: unknown;
  /** report.md; report.html is built from it. */
  readonly markdown: string;
  /** plots/<name>.svg and plots/<name>.png, and the interactive chart in report.html. */
  readonly charts?: Readonly<Record<string, ChartSpec>>;
  /** images/<name>.png */
  readonly images?: Readonly<Record<string, Bitmap>>;
  /** frames/<name>.png (pictures of the simulation) */
  readonly frames?: Readonly<Record<string, Bitmap>>;
  /** The configuration report.html shows; default `json.config` where the JSON has one. */
  readonly config?: unknown;
}

/**
 * Writes report.json, report.md, plots/ (each chart as SVG and PNG), images/, frames/ and
 * report.html (the same report as one self-contained page) into `dir`; returns the files
 * written.
 */
export async function writeRunFolder(dir: string, contents: RunFolderContents): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const write = (path: string, data: string | Uint8Array): void => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
    written.push(path);
  };
  write(join(dir, 'report.json'), `${JSON.stringify(contents.json, jsonNumbers, 2)}\n`);
  write(join(dir, 'report.md'), contents.markdown);
  const charts: Record<string, RenderedChart> = {};
  for (const [name, spec] of Object.entries(contents.charts ?? {})) {
    const chart = await renderChart(spec);
    write(join(dir, 'plots', `${name}.svg`), chart.svg);
    write(join(dir, 'plots', `${name}.png`), chart.png);
    charts[name] = chart;
  }
  const pngs: Record<string, Uint8Array> = {};
  for (const [folder, bitmaps] of [['images', contents.images], ['frames', contents.frames]] as const) {
    for (const [name, b] of Object.entries(bitmaps ?? {})) {
      const png = encodePng(b.width, b.height, b.rgb, 3);
      write(join(dir, folder, `${name}.png`), png);
      pngs[`${folder}/${name}.png`] = png;
    }
  }
  const config = contents.config ?? (typeof contents.json === 'object' && contents.json !== null && 'config' in contents.json ? contents.json.config : undefined);
  write(join(dir, 'report.html'), htmlReport({ markdown: contents.markdown, charts, images: pngs, config: toJsonValue(config) }));
  return written;
}

/** What report.json holds for a value: typed arrays as arrays, NaN as null. */
function toJsonValue(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value, jsonNumbers)) as unknown;
}

/** NaN and infinities are not JSON: write them as null rather than failing or lying. */
function jsonNumbers(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (value instanceof Float32Array || value instanceof Float64Array) return Array.from(value);
  return value;
}
