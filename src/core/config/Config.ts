import { z } from 'zod';
import { logConfigSchema } from './logConfig.js';
import { simConfigSchema } from './simConfig.js';
import { engineConfigSchema } from './engineConfig.js';
import { modelConfigSchema } from './modelConfig.js';
import { planConfigSchema } from './planConfig.js';
import { agentConfigSchema } from './agentConfig.js';
import { learnConfigSchema } from './learnConfig.js';
import { baselinesConfigSchema } from './baselinesConfig.js';
import { describeZodIssues } from './describeZodIssues.js';
import { isUnsafeKey } from './isUnsafeKey.js';

/**
 * The one typed configuration of a run, grouped by concern. Every key has a default; an
 * unknown key or an out-of-range value is an error that names the key. Parsed once at start
 * and frozen; components read it, never write it.
 */
export const configSchema = z.strictObject({
  /** Seed of every random stream of the run. */
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
  log: logConfigSchema,
  sim: simConfigSchema,
  engine: engineConfigSchema,
  model: modelConfigSchema,
  plan: planConfigSchema,
  agent: agentConfigSchema,
  learn: learnConfigSchema,
  baselines: baselinesConfigSchema,
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

export class ConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/**
 * Validates a raw config object (from a file, merged with overrides). `source` names where it
 * came from, for the error message.
 */
export function parseConfig(raw: unknown, source = 'config'): Readonly<Config> {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) {
    const text = describeZodIssues(result.error.issues, raw, { unknown: (k) => `unknown key '${k}'`, key: (k) => `'${k || '(root)'}'` });
    throw new ConfigError(`${source}: ${text}`);
  }
  return deepFreeze(result.data);
}

/** Default configuration. */
export function defaultConfig(): Readonly<Config> {
  return parseConfig({}, 'defaults');
}

/**
 * Applies `key.path=value` overrides (from the command line) to a raw config object, in
 * place order. Values are parsed as JSON where they can be (numbers, booleans, arrays) and
 * kept as strings otherwise.
 */
export function applyOverrides(raw: Record<string, unknown>, overrides: readonly string[]): Record<string, unknown> {
  const out = structuredClone(raw);
  for (const override of overrides) {
    const eq = override.indexOf('=');
    if (eq <= 0) throw new ConfigError(`override '${override}': expected key.path=value`);
    const path = override.slice(0, eq).split('.');
    if (path.some((p) => p === '')) throw new ConfigError(`override '${override}': empty key segment`);
    const unsafe = path.find(isUnsafeKey);
    if (unsafe !== undefined) throw new ConfigError(`override '${override}': '${unsafe}' is not a config key`);
    const text = override.slice(eq + 1);
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
    let node: Record<string, unknown> = out;
    for (const segment of path.slice(0, -1)) {
      // Own keys only: an inherited one (toString, hasOwnProperty) is no group of the config.
      const next = Object.hasOwn(node, segment) ? node[segment] : undefined;
      if (next === undefined) node[segment] = {};
      else if (typeof next !== 'object' || next === null || Array.isArray(next)) {
        throw new ConfigError(`override '${override}': '${segment}' is not a group of keys`);
      }
      node = node[segment] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = value;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
