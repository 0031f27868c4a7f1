import { z } from 'zod';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

export const logConfigSchema = z
  .strictObject({
    /** Console and file level. */
    level: z.enum(LOG_LEVELS).default('info'),
    /** JSON-lines log file; none when empty. */
    file: z.string().default(''),
  })
  .prefault({});
