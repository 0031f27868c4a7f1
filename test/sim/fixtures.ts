import { defaultConfig } from '../../src/core/config/Config.js';
import type { SimConfig } from '../../src/core/config/simConfig.js';
import { applyOverrides, parseConfig } from '../../src/core/config/Config.js';
import { SimEnv } from '../../src/sim/SimEnv.js';

/** A sim config with overrides such as 'task=push' (keys relative to sim.). */
export function simConfig(...overrides: string[]): SimConfig {
  if (overrides.length === 0) return defaultConfig().sim;
  return parseConfig(applyOverrides({}, overrides.map((o) => `sim.${o}`))).sim;
}

export async function makeEnv(...overrides: string[]): Promise<SimEnv> {
  return SimEnv.create(simConfig(...overrides));
}
