import winston from 'winston';
import type { Logger } from '../core/Logger.js';
import type { LOG_LEVELS } from '../core/config/logConfig.js';

export interface LoggerOptions {
  level: (typeof LOG_LEVELS)[number];
  /** JSON-lines file; none when empty or absent. */
  file?: string;
  /** Console output; off for commands whose stdout is data (e.g. `bench --json`). */
  console?: boolean;
}

/**
 * Human-readable console lines (to stderr, so stdout stays free for data such as JSON
 * benchmark results) and, when asked, one JSON object per line in a file.
 */
export function createLogger(options: LoggerOptions): Logger & { close(): Promise<void> } {
  const transports: winston.transport[] = [];
  if (options.console !== false) {
    transports.push(
      new winston.transports.Console({
        stderrLevels: ['error', 'warn', 'info', 'debug'],
        format: winston.format.combine(
          winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
          ...(process.stderr.isTTY === true ? [winston.format.colorize()] : []),
          winston.format.printf(({ timestamp, level, message, component, ...meta }) => {
            const where = typeof component === 'string' ? ` [${component}]` : '';
            const rest = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : '';
            return `${String(timestamp)} ${level}${where} ${String(message)}${rest}`;
          }),
        ),
      }),
    );
  }
  if (options.file) {
    transports.push(
      new winston.transports.File({
        filename: options.file,
        format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
      }),
    );
  }
  const root = winston.createLogger({ level: options.level, transports, silent: transports.length === 0 });
  const wrap = (w: winston.Logger): Logger => ({
    error: (m, meta) => void w.error(m, meta),
    warn: (m, meta) => void w.warn(m, meta),
    info: (m, meta) => void w.info(m, meta),
    debug: (m, meta) => void w.debug(m, meta),
    child: (meta) => wrap(w.child(meta)),
  });
  return {
    ...wrap(root),
    close: () =>
      new Promise<void>((resolve) => {
        root.on('finish', () => resolve());
        root.end();
      }),
  };
}
