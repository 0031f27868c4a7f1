/**
 * The logging interface that components receive. Core stays free of I/O: the winston-backed
 * implementation lives in src/log, and tests pass `silentLogger` or a recording logger.
 */
export interface Logger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
  /** A logger that adds `meta` (e.g. { component: 'sim' }) to every record. */
  child(meta: Record<string, unknown>): Logger;
}

const noop = (): void => undefined;

export const silentLogger: Logger = {
  error: noop,
  warn: noop,
  info: noop,
  debug: noop,
  child: () => silentLogger,
};
