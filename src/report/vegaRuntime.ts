import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let runtime: string | undefined;

/**
 * The Vega runtime for browsers (the package's self-contained minified UMD build, which
 * defines `vega` as a global), read once from the installed `vega` package: a report inlines
 * it so that its charts draw without network. The package exports only its module entry, so
 * the bundle is found beside it.
 */
export function vegaRuntime(): string {
  if (runtime === undefined) {
    const path = join(dirname(fileURLToPath(import.meta.resolve('vega'))), 'vega.min.js');
    try {
      runtime = readFileSync(path, 'utf8');
    } catch (cause) {
      throw new Error(`vegaRuntime: cannot read the Vega browser bundle at ${path}: ${(cause as Error).message}`, { cause });
    }
  }
  return runtime;
}

/** The version of the inlined runtime, from the `vega` package's package.json. */
export function vegaVersion(): string {
  const path = join(dirname(fileURLToPath(import.meta.resolve('vega'))), '..', 'package.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version ?? 'unknown';
}
