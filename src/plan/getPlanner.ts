import type { PlannerKind } from '../core/index.js';
import { PLANNER_KINDS } from '../core/index.js';
import { cem } from './cem.js';
import { gradientPlanner } from './gradientPlanner.js';
import { mppi } from './mppi.js';
import type { Planner } from './Planner.js';

// All planners are small and share one dependency (tfjs), so a static table serves better
// than lazy imports here.
const PLANNERS: Readonly<Record<PlannerKind, Planner>> = Object.freeze({
  cem,
  mppi,
  gradient: gradientPlanner,
});

/** The planner named by `plan.planner` in the config. */
export function getPlanner(kind: PlannerKind): Planner {
  // hasOwn, not `in`: 'toString' must not resolve to Object.prototype's.
  if (!Object.hasOwn(PLANNERS, kind)) {
    throw new RangeError(`plan.planner: unknown planner '${String(kind)}', expected one of ${PLANNER_KINDS.join(', ')}`);
  }
  return PLANNERS[kind];
}
