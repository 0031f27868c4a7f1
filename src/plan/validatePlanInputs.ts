import * as tf from '@tensorflow/tfjs';
import type { PlanConfig, PlannerKind } from '../core/index.js';
import { describeZodIssues, planConfigSchema } from '../core/index.js';
import type { CostSpec } from './cost.js';
import { checkBounds, checkGoalWeights, checkJointLimits, checkObjectGoal, checkPreviousAction, checkProprioGoal, halfRange } from './cost.js';
import type { LatentDynamics } from './LatentDynamics.js';
import type { LatentInput, PlannerConfig } from './Planner.js';
import { shiftPlan } from './shiftPlan.js';

/** A planning problem checked once, in the plain arrays every planner starts from. */
export interface PlanProblem {
  readonly plan: PlanConfig;
  readonly latentDim: number;
  readonly actionDim: number;
  readonly horizon: number;
  readonly start: Float32Array;
  readonly goal: Float32Array;
  /** Bounds as given (float64), for the exact final clip; tensors get float32 copies. */
  readonly low: Float64Array;
  readonly high: Float64Array;
  readonly half: Float32Array;
  /** Initial mean sequence [H * A]: the shifted warm start, or zero; clipped to the bounds. */
  readonly initial: Float32Array;
  readonly costSpec: CostSpec;
}

/**
 * Checks every input a planner gets and throws a RangeError that names the first bad one
 * (prefixed with the planner's name), so a bad call fails before any tensor is made.
 */
export function validatePlanInputs(
  who: PlannerKind,
  model: LatentDynamics,
  start: LatentInput,
  goal: LatentInput,
  config: PlannerConfig,
  warmStart?: ArrayLike<number>,
): PlanProblem {
  const D = model.latentDim;
  const A = model.actionDim;
  if (!(Number.isInteger(D) && D > 0 && Number.isInteger(A) && A > 0)) {
    throw new RangeError(`${who}: model.latentDim and model.actionDim must be positive integers, got ${D} and ${A}`);
  }
  const { low, high, jointLimits, proprioGoal, objectGoal, goalWeights, previousAction, keepElites, ...section } = config;
  if (keepElites !== undefined && !(Number.isInteger(keepElites) && keepElites >= 0)) throw new RangeError(`${who}: keepElites must be an integer >= 0, got ${keepElites}`);
  const parsed = planConfigSchema.safeParse(section);
  if (!parsed.success) {
    const text = describeZodIssues(parsed.error.issues, section, { unknown: (k) => `unknown key 'plan.${k}'`, key: (k) => `plan.${k}` });
    throw new RangeError(`${who}: bad config: ${text}`);
  }
  const plan = parsed.data;
  checkBounds(who, low, high, A);
  if (jointLimits !== undefined && plan.cost.jointLimitWeight > 0) checkJointLimits(who, jointLimits, model);
  if (proprioGoal !== undefined && plan.cost.proprioGoalWeight > 0) checkProprioGoal(who, proprioGoal, model);
  if (objectGoal !== undefined && plan.cost.objectGoalWeight > 0) checkObjectGoal(who, objectGoal, model);
  if (goalWeights !== undefined) checkGoalWeights(who, goalWeights, D);
  if (previousAction !== undefined) checkPreviousAction(who, previousAction, A);
  const H = plan.horizon;
  const lowF = Float64Array.from(low);
  const highF = Float64Array.from(high);

  let initial: Float32Array;
  if (warmStart === undefined) {
    initial = new Float32Array(H * A);
  } else {
    if (warmStart.length !== H * A) {
      throw new RangeError(
        `${who}: warm start must be the previous plan's ${H * A} actions (horizon ${H} x actionDim ${A}), got ${warmStart.length}`,
      );
    }
    checkFinite(who, 'warm start', warmStart);
    initial = shiftPlan(warmStart, H, A, plan.warmStartTail);
  }
  for (let i = 0; i < initial.length; i++) initial[i] = Math.min(highF[i % A], Math.max(lowF[i % A], initial[i]));

  return {
    plan,
    latentDim: D,
    actionDim: A,
    horizon: H,
    start: readLatent(who, 'start state', start, D),
    goal: readLatent(who, 'goal', goal, D),
    low: lowF,
    high: highF,
    half: halfRange(lowF, highF),
    initial,
    costSpec: {
      cost: plan.cost,
      actionRepeat: plan.actionRepeat,
      low: lowF,
      high: highF,
      ...(jointLimits === undefined ? {} : { jointLimits }),
      ...(proprioGoal === undefined ? {} : { proprioGoal }),
      ...(objectGoal === undefined ? {} : { objectGoal }),
      ...(goalWeights === undefined ? {} : { goalWeights: Float32Array.from(goalWeights) }),
      ...(previousAction === undefined ? {} : { previousAction: Float32Array.from(previousAction) }),
    },
  };
}

function readLatent(who: string, name: string, x: LatentInput, D: number): Float32Array {
  let values: Float32Array;
  if (x instanceof tf.Tensor) {
    const ok = (x.rank === 1 && x.shape[0] === D) || (x.rank === 2 && x.shape[0] === 1 && x.shape[1] === D);
    if (!ok) throw new RangeError(`${who}: ${name} must have shape [${D}] or [1, ${D}] (model.latentDim), got [${x.shape.join(', ')}]`);
    values = Float32Array.from(x.dataSync());
  } else {
    if (x.length !== D) throw new RangeError(`${who}: ${name} must have ${D} values (model.latentDim), got ${x.length}`);
    values = Float32Array.from(x);
  }
  checkFinite(who, name, values);
  return values;
}

function checkFinite(who: string, name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new RangeError(`${who}: ${name} component ${i} is ${values[i]}; it must be finite`);
  }
}

