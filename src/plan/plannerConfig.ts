import type { ActionSpace, PlanConfig } from '../core/index.js';
import type { JointLimits } from './cost.js';
import type { PlannerConfig } from './Planner.js';

/** A planner's config from the `plan` section, the action space's bounds and, if known, the joint limits. */
export function plannerConfig(
  plan: PlanConfig,
  space: Pick<ActionSpace, 'low' | 'high'>,
  jointLimits?: JointLimits,
): PlannerConfig {
  return Object.freeze({ ...plan, low: space.low, high: space.high, ...(jointLimits === undefined ? {} : { jointLimits }) });
}
