import type { Observable } from 'rxjs';
import type { Observation } from '../core/Observation.js';

/**
 * How a decision was made: the planner proper, exploration (babbling, curiosity: actions
 * chosen without the planner), a hold (no goal), or the continuation of the last planned
 * action (plan.actionRepeat: each planned action spans several ticks; no planning time).
 * Controllers that do not say are counted as planning (a scripted controller's decision is its plan).
 */
export type DecisionMode = 'plan' | 'explore' | 'hold' | 'continue';

/** What a controller decided for one observation. */
export interface Decision {
  /** Action values in the source's action space (clipped again by the loop and the sink). */
  readonly values: Float32Array;
  /** Time spent deciding, milliseconds (measured by the controller, excludes queueing). */
  readonly planningMs: number;
  /** Predicted cost of the chosen plan, when the controller plans. */
  readonly predictedCost?: number;
  readonly mode?: DecisionMode;
  /** Controller-specific figures for logs and bags (e.g. fusion weights). */
  readonly info?: Readonly<Record<string, number>>;
}

/**
 * Turns the freshest synchronised observation into an action: the world-model planner
 * (Mode-2), motor babbling, or a scripted controller. `decide` may be synchronous or return
 * a Promise or an Observable (the first value counts); the loop drops observations that
 * arrive while it is busy.
 */
export interface Controller {
  decide(observation: Observation): Decision | Promise<Decision> | Observable<Decision>;
  /** A new goal observation (cameras only). */
  setGoal(goal: Observation): void;
}
