import * as tf from '@tensorflow/tfjs';
import type { WorldModel } from '../../model/worldModel.js';
import type { PlannerConfig } from '../../plan/Planner.js';

/**
 * The planner config that drives the hand toward `target` (base frame, metres) through the
 * end-effector term. The target is moved into the model's own reading of the hand (measured
 * hand -> hand decoded from `latent`, the current one or one predicted from it under holding
 * still: see agent.planning.reference), so a bias of the read-out cancels and the model is
 * trusted only for how far the hand moves. `latentWeight` replaces the goal term's
 * weight (a goal image that pulls elsewhere is turned down). Within `radius` of the target the
 * hand counts as arrived; with `radiusComponents` only the first that many of `indices` (the
 * end effector's x and y for 2) have the radius, the others count in full.
 */
export function handTargetConfig(
  base: PlannerConfig,
  model: WorldModel,
  latent: Float32Array,
  measuredHand: ArrayLike<number>,
  target: ArrayLike<number>,
  indices: readonly number[],
  latentWeight: number,
  radius = 0,
  radiusComponents?: number,
): PlannerConfig {
  if (model.decodeProprio === undefined) throw new RangeError('hand target: the world model has no proprio head to read the hand from');
  const decoded = tf.tidy(() => model.decodeProprio!(tf.tensor2d(latent, [1, latent.length])).dataSync());
  const wanted = indices.map((index, k) => target[k] - measuredHand[k] + decoded[index]);
  return { ...base, cost: { ...base.cost, latentWeight }, proprioGoal: { indices, target: wanted, ...(radius > 0 ? { radius, ...(radiusComponents === undefined ? {} : { radiusComponents }) } : {}) } };
}
