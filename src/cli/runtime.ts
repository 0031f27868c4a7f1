import type { Command } from 'commander';
import type { Config } from '../core/config/Config.js';
import { applyOverrides, parseConfig } from '../core/config/Config.js';
import type { Logger } from '../core/Logger.js';
import { createLogger } from '../log/createLogger.js';
import { loadConfigFile } from './loadConfigFile.js';

/** Options every command accepts. */
export interface GlobalOptions {
  config?: string;
  set: string[];
  seed?: string;
  logLevel?: string;
  logFile?: string;
}

export interface Runtime {
  readonly config: Readonly<Config>;
  readonly logger: Logger;
  close(): Promise<void>;
}

export function addGlobalOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'YAML or JSON config file')
    .option('-s, --set <key=value>', 'override a config key (repeatable), e.g. --set sim.task=push', collect, [])
    .option('--seed <n>', 'seed of every random stream (same as --set seed=N)')
    .option('--log-level <level>', 'error | warn | info | debug (same as --set log.level=...)')
    .option('--log-file <file>', 'also write JSON-lines logs to this file');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Builds the run's frozen config (defaults <- file <- --set <- dedicated flags) and its
 * logger. `extra` holds command-specific overrides in key=value form.
 */
export function createRuntime(options: GlobalOptions, extra: string[] = [], loggerOptions: { console?: boolean } = {}): Runtime {
  const raw = options.config ? loadConfigFile(options.config) : {};
  const overrides = [...options.set, ...extra];
  if (options.seed !== undefined) overrides.push(`seed=${options.seed}`);
  if (options.logLevel !== undefined) overrides.push(`log.level=${JSON.stringify(options.logLevel)}`);
  if (options.logFile !== undefined) overrides.push(`log.file=${JSON.stringify(options.logFile)}`);
  const source = [options.config, overrides.length > 0 ? 'command-line overrides' : undefined].filter(Boolean).join(' + ') || 'defaults';
  const config = parseConfig(applyOverrides(raw, overrides), source);
  const logger = createLogger({ level: config.log.level, file: config.log.file || undefined, console: loggerOptions.console });
  return { config, logger, close: () => logger.close() };
}
