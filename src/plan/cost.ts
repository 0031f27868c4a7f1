import * as tf from '@tensorflow/tfjs';
import type { CostConfig } from '../core/index.js';
import type { LatentDynamics } from './LatentDynamics.js';

/** Joint-position limits as they appear in the model's decoded proprioception. */
export interface JointLimits {
  /** Index of each limited joint's position in the `decodeProprio` output. */
  readonly indices: readonly number[];
  readonly lower: ArrayLike<number>;
  readonly upper: ArrayLike<number>;
}

/**
 * Components of the model's decoded proprioception to compare with the goal's (e.g. the
 * end-effector xyz): a goal seen only by the cameras still has a decoded body state, so this
 * cross-modal read-out gives the planner a metric target where latent distances are weak.
 */
export interface ProprioGoal {
  /** Index of each compared component in the `decodeProprio` output. */
  readonly indices: readonly number[];
  /**
   * Explicit wanted values of those components (sensor units), e.g. a subgoal for the hand;
   * without it, the components decoded from the goal latent are wanted.
   */
  readonly target?: ArrayLike<number>;
  /**
   * Distance within which the components count as arrived (sensor units): the term is the
   * squared distance beyond it, so that near an object the hand is free to move as the other
   * terms want instead of chasing the object's centre. 0 when omitted.
   */
  readonly radius?: number;
  /**
   * The radius applies to the first this many of `indices` only; the others count in full
   * (e.g. 2 with the hand's x, y, z: arrived anywhere within the radius horizontally, but at
   * the target's height). All of them when omitted.
   */
  readonly radiusComponents?: number;
}

/** Where the object should be, as the model's object head reads it (base frame, metres). */
export interface ObjectGoal {
  readonly target: ArrayLike<number>;
}

/** What the cost needs besides the model and the tensors: weights, action bounds, joint limits. */
export interface CostSpec {
  readonly cost: CostConfig;
  readonly low: ArrayLike<number>;
  readonly high: ArrayLike<number>;
  readonly jointLimits?: JointLimits;
  readonly proprioGoal?: ProprioGoal;
  readonly objectGoal?: ObjectGoal;
  /**
   * Weight of each latent component in the goal distance (length latentDim, >= 0, not all 0),
   * e.g. 1 on the parts that see objects and 0 elsewhere; every component weighs the same
   * when omitted. The distance stays on the unweighted scale: a weighted mean.
   */
  readonly goalWeights?: ArrayLike<number>;
  /**
   * The action executed just before the sequence starts (length actionDim): the smoothness term
   * counts the change from it to the first action. Without it only changes within the sequence count.
   */
  readonly previousAction?: ArrayLike<number>;
  /** Each action is applied this many times in a row (plan.actionRepeat); 1 when omitted. The cost looks at the state after each action's last repeat. */
  readonly actionRepeat?: number;
}

/** Each term of the cost per sample, [S] each; `total` is their sum. */
export interface CostTerms {
  readonly goal: tf.Tensor1D;
  readonly action: tf.Tensor1D;
  readonly smooth: tf.Tensor1D;
  readonly bounds: tf.Tensor1D;
  readonly jointLimit: tf.Tensor1D;
  readonly proprioGoal: tf.Tensor1D;
  readonly objectGoal: tf.Tensor1D;
  readonly total: tf.Tensor1D;
}

/**
 * Cost of S action sequences rolled out from one start latent: [S]. Differentiable w.r.t.
 * `actions` (the gradient planner descends it). Does not dispose its inputs.
 *
 * - goal: latentWeight * sum over steps t = 1..H of w_t * dist(s_t, goal), w_t = stageWeight, w_H = terminalWeight,
 *   where s_t is the state after action t applied `actionRepeat` times;
 * - action: actionWeight * sum over steps of mean over components of (a / halfRange)^2;
 * - smooth: smoothWeight * sum over steps t of mean over components of ((a_t - a_{t-1}) / halfRange)^2,
 *   from t = 1 with a_0 = `previousAction` when given, else from t = 2;
 * - bounds: boundsWeight * sum of squared excess beyond [low, high], in half-range units;
 * - jointLimit: jointLimitWeight * sum over steps and joints of the squared intrusion into the
 *   margin next to each limit, in margin units (1 at the limit), via `model.decodeProprio`;
 * - proprioGoal: proprioGoalWeight * sum over steps of w_t * squared Euclidean distance between
 *   the decoded components `proprioGoal.indices` of s_t and of the goal (or `proprioGoal.target`
 *   when given), in sensor units (metres for the end effector), via `model.decodeProprio`;
 *   only the distance beyond `proprioGoal.radius` counts when one is given;
 * - objectGoal: objectGoalWeight * sum over steps of w_t * squared distance (metres) between
 *   the object as `model.decodeObject` reads it in s_t and `objectGoal.target`.
 *
 * @param start latent [1, D] or [D]
 * @param goal latent [1, D] or [D]
 * @param actions [S, H, A]
 */
export function rolloutCost(
  model: LatentDynamics,
  start: tf.Tensor,
  goal: tf.Tensor,
  actions: tf.Tensor3D,
  spec: CostSpec,
): tf.Tensor1D {
  return tf.tidy(() => rolloutCostTerms(model, start, goal, actions, spec).total);
}

/** `rolloutCost` split into its terms, for diagnostics and tests. */
export function rolloutCostTerms(
  model: LatentDynamics,
  start: tf.Tensor,
  goal: tf.Tensor,
  actions: tf.Tensor3D,
  spec: CostSpec,
): CostTerms {
  const D = model.latentDim;
  const A = model.actionDim;
  checkLatentShape('start', start, D);
  checkLatentShape('goal', goal, D);
  if (actions.rank !== 3 || actions.shape[2] !== A || actions.shape[1] < 1 || actions.shape[0] < 1) {
    throw new RangeError(`cost: actions must have shape [samples, horizon >= 1, ${A}] (model.actionDim), got [${actions.shape.join(', ')}]`);
  }
  checkBounds('cost', spec.low, spec.high, A);
  const [S, H] = actions.shape;
  const c = spec.cost;
  const limits = spec.jointLimits !== undefined && c.jointLimitWeight > 0 ? spec.jointLimits : undefined;
  if (limits !== undefined) checkJointLimits('cost', limits, model);
  const proprioGoal = spec.proprioGoal !== undefined && c.proprioGoalWeight > 0 ? spec.proprioGoal : undefined;
  if (proprioGoal !== undefined) checkProprioGoal('cost', proprioGoal, model);
  const objectGoal = spec.objectGoal !== undefined && c.objectGoalWeight > 0 ? spec.objectGoal : undefined;
  if (objectGoal !== undefined) checkObjectGoal('cost', objectGoal, model);
  if (spec.goalWeights !== undefined) checkGoalWeights('cost', spec.goalWeights, D);
  if (spec.previousAction !== undefined) checkPreviousAction('cost', spec.previousAction, A);

  return tf.tidy(() => {
    const states = rollout(model, start.reshape([1, D]), actions, spec.actionRepeat ?? 1);
    // Step weights as one [H] vector, so the goal term is a single weighted sum.
    const weights = new Float32Array(H).fill(c.stageWeight);
    weights[H - 1] = c.terminalWeight;
    const dist = latentDistance(c.distance, states, goal.reshape([1, 1, D]), spec.goalWeights);
    const stepWeights = tf.tensor2d(weights, [H, 1]);
    const goalTerm = tf.mul(tf.sum(tf.mul(dist, stepWeights), 0), c.latentWeight);

    const half = halfRange(spec.low, spec.high);
    const halfT = tf.tensor1d(half);
    const zeros = tf.zeros([S]);
    const actionTerm =
      c.actionWeight > 0 ? tf.mul(tf.sum(tf.square(tf.div(actions, halfT)), [1, 2]), c.actionWeight / A) : zeros;
    const smoothTerm = c.smoothWeight > 0 ? tf.mul(actionChanges(actions, halfT, spec.previousAction), c.smoothWeight / A) : zeros;
    const boundsTerm =
      c.boundsWeight > 0
        ? tf.mul(
            tf.sum(
              tf.add(
                tf.square(tf.div(tf.relu(tf.sub(actions, tf.tensor1d(Float32Array.from(spec.high)))), halfT)),
                tf.square(tf.div(tf.relu(tf.sub(tf.tensor1d(Float32Array.from(spec.low)), actions)), halfT)),
              ),
              [1, 2],
            ),
            c.boundsWeight,
          )
        : zeros;
    const jointTerm =
      limits !== undefined && model.decodeProprio !== undefined
        ? tf.mul(jointLimitPenalty(model, states, limits, c.jointLimitMargin), c.jointLimitWeight)
        : zeros;
    const proprioTerm =
      proprioGoal !== undefined
        ? tf.mul(tf.sum(tf.mul(proprioGoalDistance(model, states, goal.reshape([1, D]), proprioGoal), stepWeights), 0), c.proprioGoalWeight)
        : zeros;
    const objectTerm =
      objectGoal !== undefined ? tf.mul(tf.sum(tf.mul(objectGoalDistance(model, states, objectGoal), stepWeights), 0), c.objectGoalWeight) : zeros;
    const total = tf.addN([goalTerm, actionTerm, smoothTerm, boundsTerm, jointTerm, proprioTerm, objectTerm]);
    return {
      goal: goalTerm as tf.Tensor1D,
      action: tf.clone(actionTerm) as tf.Tensor1D,
      smooth: tf.clone(smoothTerm) as tf.Tensor1D,
      bounds: tf.clone(boundsTerm) as tf.Tensor1D,
      jointLimit: tf.clone(jointTerm) as tf.Tensor1D,
      proprioGoal: tf.clone(proprioTerm) as tf.Tensor1D,
      objectGoal: tf.clone(objectTerm) as tf.Tensor1D,
      total: total as tf.Tensor1D,
    };
  });
}

/** Sum over steps and components of the squared change between consecutive actions, in half-range units: [S]. */
function actionChanges(actions: tf.Tensor3D, half: tf.Tensor1D, previous: ArrayLike<number> | undefined): tf.Tensor1D {
  const [S, H, A] = actions.shape;
  const before = previous === undefined ? undefined : tf.add(tf.zeros([S, 1, A]), tf.tensor3d(Float32Array.from(previous), [1, 1, A]));
  const sequence = before === undefined ? actions : tf.concat([before, actions], 1);
  const steps = H + (before === undefined ? 0 : 1);
  if (steps < 2) return tf.zeros([S]);
  const change = tf.sub(tf.slice(sequence, [0, 1, 0], [S, steps - 1, A]), tf.slice(sequence, [0, 0, 0], [S, steps - 1, A]));
  return tf.sum(tf.square(tf.div(change, half)), [1, 2]) as tf.Tensor1D;
}

/** Predicted latents after each action (held for `repeat` steps), step-major: [H, S, D]. */
function rollout(model: LatentDynamics, start: tf.Tensor2D, actions: tf.Tensor3D, repeat: number): tf.Tensor3D {
  if (!(Number.isInteger(repeat) && repeat >= 1)) throw new RangeError(`cost: actionRepeat must be an integer >= 1, got ${repeat}`);
  const [S, H, A] = actions.shape;
  const D = model.latentDim;
  // Step-major layout throughout: slicing a step and joining the states are then contiguous
  // copies, several times faster on wasm than strided ones.
  const steps = tf.transpose(actions, [1, 0, 2]);
  // A broadcasting add rather than tf.tile, which is ~20x slower on wasm.
  let state: tf.Tensor2D = tf.add(tf.zeros([S, D]), start);
  const states: tf.Tensor2D[] = [];
  for (let t = 0; t < H; t++) {
    // slice, not unstack: tfjs's unstack gradient breaks when there is a single step.
    const action = tf.reshape(tf.slice(steps, [t, 0, 0], [1, S, A]), [S, A]) as tf.Tensor2D;
    for (let r = 0; r < repeat; r++) state = model.predict(state, action);
    if (state.rank !== 2 || state.shape[0] !== S || state.shape[1] !== D) {
      throw new RangeError(`cost: model.predict returned shape [${state.shape.join(', ')}], expected [${S}, ${D}]`);
    }
    states.push(state);
  }
  return tf.reshape(tf.concat(states, 0), [H, S, D]);
}

/** Distance of each predicted latent [H, S, D] to the goal: [H, S]; with `weights`, a weighted mean over components (cosine: of the components scaled by their root). */
function latentDistance(kind: CostConfig['distance'], states: tf.Tensor3D, goal: tf.Tensor, weights?: ArrayLike<number>): tf.Tensor2D {
  if (weights !== undefined) {
    const total = Array.from(weights).reduce((a, b) => a + b, 0);
    const norm = Float32Array.from(weights, (v) => v / total);
    switch (kind) {
      case 'mse':
        return tf.sum(tf.mul(tf.squaredDifference(states, goal), tf.tensor1d(norm)), 2) as tf.Tensor2D;
      case 'l1':
        return tf.sum(tf.mul(tf.abs(tf.sub(states, goal)), tf.tensor1d(norm)), 2) as tf.Tensor2D;
      case 'cosine': {
        const root = tf.tensor1d(Float32Array.from(norm, Math.sqrt));
        return latentDistance(kind, tf.mul(states, root) as tf.Tensor3D, tf.mul(goal, root));
      }
    }
  }
  switch (kind) {
    case 'mse':
      return tf.mean(tf.squaredDifference(states, goal), 2) as tf.Tensor2D;
    case 'l1':
      return tf.mean(tf.abs(tf.sub(states, goal)), 2) as tf.Tensor2D;
    case 'cosine': {
      const dot = tf.sum(tf.mul(states, goal), 2);
      const norms = tf.mul(tf.norm(states, 'euclidean', 2), tf.norm(goal, 'euclidean', 2));
      return tf.sub(1, tf.div(dot, tf.add(norms, 1e-8))) as tf.Tensor2D;
    }
  }
}

/** Sum over steps and joints of the squared intrusion into the limit margins: [S]. */
function jointLimitPenalty(model: LatentDynamics, states: tf.Tensor3D, limits: JointLimits, marginFraction: number): tf.Tensor1D {
  const [H, S, D] = states.shape;
  const decode = model.decodeProprio;
  if (decode === undefined) throw new RangeError('cost: joint limits need model.decodeProprio');
  const proprio = decode.call(model, states.reshape([H * S, D]) as tf.Tensor2D);
  const P = proprio.shape[1];
  const J = limits.indices.length;
  for (const i of limits.indices) {
    if (i >= P) throw new RangeError(`cost: jointLimits.indices has ${i}, but decodeProprio returns ${P} values`);
  }
  // Selecting columns with a one-hot matMul keeps the gradient to plain matMuls, which every backend has.
  const select = new Float32Array(P * J);
  limits.indices.forEach((p, j) => (select[p * J + j] = 1));
  const q = tf.matMul(proprio, tf.tensor2d(select, [P, J]));
  const lower = Float32Array.from(limits.lower);
  const upper = Float32Array.from(limits.upper);
  const margin = lower.map((lo, j) => marginFraction * (upper[j] - lo));
  const marginT = tf.tensor1d(margin);
  const below = tf.div(tf.relu(tf.sub(tf.tensor1d(lower.map((lo, j) => lo + margin[j])), q)), marginT);
  const above = tf.div(tf.relu(tf.sub(q, tf.tensor1d(upper.map((hi, j) => hi - margin[j])))), marginT);
  return tf.sum(tf.reshape(tf.add(tf.square(below), tf.square(above)), [H, S, J]), [0, 2]) as tf.Tensor1D;
}

/** Squared distance of the selected decoded components of each state [H, S, D] to the goal's: [H, S]. */
function proprioGoalDistance(model: LatentDynamics, states: tf.Tensor3D, goal: tf.Tensor2D, target: ProprioGoal): tf.Tensor2D {
  const [H, S, D] = states.shape;
  const decode = model.decodeProprio;
  if (decode === undefined) throw new RangeError('cost: a proprio goal needs model.decodeProprio');
  // States and goal decoded in one call: one pass through the head instead of two.
  const proprio = decode.call(model, tf.concat([states.reshape([H * S, D]), goal], 0) as tf.Tensor2D);
  const P = proprio.shape[1];
  const K = target.indices.length;
  for (const i of target.indices) {
    if (i >= P) throw new RangeError(`cost: proprioGoal.indices has ${i}, but decodeProprio returns ${P} values`);
  }
  const select = new Float32Array(P * K);
  target.indices.forEach((p, k) => (select[p * K + k] = 1));
  const picked = tf.matMul(proprio, tf.tensor2d(select, [P, K]));
  const predicted = tf.slice(picked, [0, 0], [H * S, K]);
  const wanted = target.target === undefined ? tf.slice(picked, [H * S, 0], [1, K]) : tf.tensor2d(Float32Array.from(target.target), [1, K]);
  const radius = target.radius ?? 0;
  const differences = tf.squaredDifference(predicted, wanted);
  if (radius <= 0) return tf.reshape(tf.sum(differences, 1), [H, S]) as tf.Tensor2D;
  const R = target.radiusComponents ?? K;
  const within = R === K ? differences : tf.slice(differences, [0, 0], [H * S, R]);
  // sqrt has an infinite slope at 0: only taken where a radius asks for the distance itself.
  const beyond = tf.square(tf.relu(tf.sub(tf.sqrt(tf.add(tf.sum(within, 1), 1e-12)), radius)));
  const rows = R === K ? beyond : tf.add(beyond, tf.sum(tf.slice(differences, [0, R], [H * S, K - R]), 1));
  return tf.reshape(rows, [H, S]) as tf.Tensor2D;
}

/** Squared distance (metres) of the object read from each state [H, S, D] to the target: [H, S]. */
function objectGoalDistance(model: LatentDynamics, states: tf.Tensor3D, goal: ObjectGoal): tf.Tensor2D {
  const [H, S, D] = states.shape;
  const decode = model.decodeObject;
  if (decode === undefined) throw new RangeError('cost: an object goal needs model.decodeObject');
  const place = decode.call(model, states.reshape([H * S, D]) as tf.Tensor2D);
  const squared = tf.sum(tf.squaredDifference(place, tf.tensor2d(Float32Array.from(goal.target), [1, 3])), 1);
  return tf.reshape(squared, [H, S]) as tf.Tensor2D;
}

/** What a sequence whose predicted cost is NaN or infinite counts as when planners rank costs. */
export const NON_FINITE_COST = 3e38;

/**
 * Costs [S] with NaN and infinities replaced by NON_FINITE_COST, so that a sequence on which a
 * (young, still training) model blows up ranks last instead of poisoning sorting and weights.
 */
export function rankableCosts(costs: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => tf.where(tf.isFinite(costs), costs, tf.fill(costs.shape, NON_FINITE_COST)) as tf.Tensor1D);
}

/** (high - low) / 2 per component: the unit of action costs and sampling stds. */
export function halfRange(low: ArrayLike<number>, high: ArrayLike<number>): Float32Array {
  const out = new Float32Array(low.length);
  for (let i = 0; i < out.length; i++) out[i] = (high[i] - low[i]) / 2;
  return out;
}

export function checkBounds(who: string, low: ArrayLike<number>, high: ArrayLike<number>, A: number): void {
  if (low.length !== A || high.length !== A) {
    throw new RangeError(`${who}: bounds must have ${A} values each (model.actionDim), got ${low.length} lows and ${high.length} highs`);
  }
  for (let i = 0; i < A; i++) {
    if (!(Number.isFinite(low[i]) && Number.isFinite(high[i]) && low[i] < high[i])) {
      throw new RangeError(`${who}: bounds of action component ${i} must be finite with low < high, got [${low[i]}, ${high[i]}]`);
    }
  }
}

export function checkPreviousAction(who: string, previous: ArrayLike<number>, A: number): void {
  if (previous.length !== A) throw new RangeError(`${who}: previousAction must have ${A} values (model.actionDim), got ${previous.length}`);
  for (let i = 0; i < A; i++) {
    if (!Number.isFinite(previous[i])) throw new RangeError(`${who}: previousAction component ${i} is ${previous[i]}, not a finite number`);
  }
}

export function checkJointLimits(who: string, limits: JointLimits, model: LatentDynamics): void {
  if (model.decodeProprio === undefined) {
    throw new RangeError(`${who}: jointLimits given but the model has no decodeProprio to read joint positions from`);
  }
  const J = limits.indices.length;
  if (limits.lower.length !== J || limits.upper.length !== J) {
    throw new RangeError(
      `${who}: jointLimits has ${J} indices but ${limits.lower.length} lower and ${limits.upper.length} upper limits`,
    );
  }
  for (let j = 0; j < J; j++) {
    const i = limits.indices[j];
    if (!Number.isInteger(i) || i < 0) throw new RangeError(`${who}: jointLimits.indices[${j}] must be an index >= 0, got ${i}`);
    if (!(limits.lower[j] < limits.upper[j])) {
      throw new RangeError(`${who}: joint limit ${j} must have lower < upper, got [${limits.lower[j]}, ${limits.upper[j]}]`);
    }
  }
}

export function checkGoalWeights(who: string, weights: ArrayLike<number>, D: number): void {
  if (weights.length !== D) throw new RangeError(`${who}: goalWeights must have ${D} values (model.latentDim), got ${weights.length}`);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    if (!(Number.isFinite(weights[i]) && weights[i] >= 0)) throw new RangeError(`${who}: goalWeights[${i}] must be finite and >= 0, got ${weights[i]}`);
    total += weights[i];
  }
  if (!(total > 0)) throw new RangeError(`${who}: goalWeights must not all be 0`);
}

export function checkProprioGoal(who: string, target: ProprioGoal, model: LatentDynamics): void {
  if (model.decodeProprio === undefined) {
    throw new RangeError(`${who}: proprioGoal given but the model has no decodeProprio to read the body state from`);
  }
  if (target.indices.length === 0) throw new RangeError(`${who}: proprioGoal.indices must name at least one component, got none`);
  target.indices.forEach((i, k) => {
    if (!Number.isInteger(i) || i < 0) throw new RangeError(`${who}: proprioGoal.indices[${k}] must be an index >= 0, got ${i}`);
  });
  if (target.radius !== undefined && !(Number.isFinite(target.radius) && target.radius >= 0)) {
    throw new RangeError(`${who}: proprioGoal.radius must be finite and >= 0, got ${target.radius}`);
  }
  const R = target.radiusComponents;
  if (R !== undefined && !(Number.isInteger(R) && R >= 1 && R <= target.indices.length)) {
    throw new RangeError(`${who}: proprioGoal.radiusComponents must be an integer from 1 to the ${target.indices.length} indices, got ${R}`);
  }
  if (target.target !== undefined) {
    if (target.target.length !== target.indices.length) {
      throw new RangeError(`${who}: proprioGoal.target must have one value per index (${target.indices.length}), got ${target.target.length}`);
    }
    for (let k = 0; k < target.target.length; k++) {
      if (!Number.isFinite(target.target[k])) throw new RangeError(`${who}: proprioGoal.target[${k}] must be finite, got ${target.target[k]}`);
    }
  }
}

export function checkObjectGoal(who: string, goal: ObjectGoal, model: LatentDynamics): void {
  if (model.decodeObject === undefined) {
    throw new RangeError(`${who}: objectGoal given but the model has no decodeObject (model.objectHead) to read the object from`);
  }
  if (goal.target.length !== 3 || !Array.from(goal.target).every(Number.isFinite)) {
    throw new RangeError(`${who}: objectGoal.target must be 3 finite metres (x, y, z), got [${Array.from(goal.target).join(', ')}]`);
  }
}

function checkLatentShape(name: string, x: tf.Tensor, D: number): void {
  const ok = (x.rank === 1 && x.shape[0] === D) || (x.rank === 2 && x.shape[0] === 1 && x.shape[1] === D);
  if (!ok) throw new RangeError(`cost: ${name} must have shape [${D}] or [1, ${D}] (model.latentDim), got [${x.shape.join(', ')}]`);
}
