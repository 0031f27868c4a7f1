import { resolve } from 'node:path';
import { createRuntime } from './runtime.js';
import type { GlobalOptions, Runtime } from './runtime.js';

/** runs/<ISO time>/, unique per start. */
export function newRunDir(runsDir: string): string {
  return resolve(runsDir, new Date().toISOString().replace(/[:.]/g, '-'));
}

/** Runs a command body with a runtime, turning errors into one clear line and exit code 1. */
export async function withRuntime(
  options: GlobalOptions,
  extra: string[],
  body: (runtime: Runtime) => Promise<unknown>,
  loggerOptions: { console?: boolean } = {},
): Promise<void> {
  let runtime: Runtime | undefined;
  try {
    runtime = createRuntime(options, extra, loggerOptions);
    await body(runtime);
  } catch (err) {
    const e = err as Error;
    process.stderr.write(`jepa-agent: ${e.message}\n`);
    if (e.cause instanceof Error && !e.message.includes(e.cause.message)) process.stderr.write(`  caused by: ${e.cause.message}\n`);
    if (runtime?.config.log.level === 'debug' && e.stack) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
  } finally {
    await runtime?.close();
  }
}
