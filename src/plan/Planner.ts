import type * as tf from '@tensorflow/tfjs';
import type { PlanConfig, PlannerKind, Rng } from '../core/index.js';
import type { JointLimits, ObjectGoal, ProprioGoal } from './cost.js';
import type { LatentDynamics } from './LatentDynamics.js';

/** A latent vector of `model.latentDim` values: a typed array, a plain array, or a tensor of shape [D] or [1, D]. */
export type LatentInput = ArrayLike<number> | tf.Tensor;

/**
 * Everything a planner is told besides the model and the two latents: the `plan` config
 * section plus what the config cannot know, the action bounds (from the action space) and the
 * robot's joint limits (for the joint-limit cost).
 */
export type PlannerConfig = PlanConfig & {
  /** Lower action bound per component, length `model.actionDim`. */
  readonly low: ArrayLike<number>;
  /** Upper action bound per component, length `model.actionDim`. */
  readonly high: ArrayLike<number>;
  /** Joint limits in the decoded proprioception; used when the model has `decodeProprio`. */
  readonly jointLimits?: JointLimits;
  /** Decoded proprio components the goal term compares (e.g. end-effector xyz); used when plan.cost.proprioGoalWeight > 0. */
  readonly proprioGoal?: ProprioGoal;
  /** Where the object should be; used when plan.cost.objectGoalWeight > 0 and the model has decodeObject. */
  readonly objectGoal?: ObjectGoal;
  /** Weight of each latent component in the goal distance (see CostSpec.goalWeights); equal when omitted. */
  readonly goalWeights?: ArrayLike<number>;
  /** The action the agent executed last (length model.actionDim): the smoothness cost counts the change from it to the plan's first action. */
  readonly previousAction?: ArrayLike<number>;
  /** Return this many of the last iteration's elites with the plan (a live view draws them); none when 0 or omitted. Sampling planners only. */
  readonly keepElites?: number;
};

export interface PlanResult {
  readonly planner: PlannerKind;
  /** Best action sequence found, step-major: [horizon * actionDim]. Inside the bounds. */
  readonly actions: Float32Array;
  /** The action to execute now: the first step of `actions`. */
  readonly firstAction: Float32Array;
  /** Predicted cost of `actions`. */
  readonly cost: number;
  readonly planningMs: number;
  /** Iterations (sampling planners) or gradient steps run. */
  readonly iterations: number;
  readonly horizon: number;
  readonly actionDim: number;
  /** One-step predictions spent (rows through `model.predict`): the compute budget actually used. */
  readonly predictions: number;
  /**
   * With `config.keepElites`: the cheapest sequences of the last iteration, cheapest first,
   * step-major [count * horizon * actionDim], and their predicted costs. For display.
   */
  readonly elites?: { readonly actions: Float32Array; readonly costs: Float32Array };
}

/**
 * A planner is a pure function of its arguments except for `rng`, which it advances. Pass the
 * previous plan's `actions` as `warmStart`: the planner shifts it by one step itself (the
 * first action has been executed) and fills the last step per `config.warmStartTail`.
 */
export type Planner = (
  model: LatentDynamics,
  start: LatentInput,
  goal: LatentInput,
  config: PlannerConfig,
  rng: Rng,
  warmStart?: ArrayLike<number>,
) => PlanResult;
