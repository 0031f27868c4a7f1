import type * as tf from '@tensorflow/tfjs';
import type { CostSpec } from './cost.js';

/**
 * Another engine that scores sampled action sequences exactly as `rolloutCost` does (e.g.
 * onnxruntime: plan/onnxRolloutCost.ts). Sampling planners hand it the samples when the
 * model has one; it answers undefined for a spec it does not cover, and tfjs scores those.
 */
export interface RolloutCostEngine {
  /** For logs: which engine it is. */
  readonly name: string;
  /** Costs [S] of S sequences `actions` ([S, H, A] row-major, raw units) from `start` [D] toward `goal` [D]. */
  rolloutCosts(start: Float32Array, goal: Float32Array, actions: Float32Array, samples: number, horizon: number, spec: CostSpec): Float32Array | undefined;
}

/**
 * What the planners need from a world model: one latent step conditioned on an action, and
 * optionally a read-out of proprioception for joint-limit costs. The planners never touch
 * layers, so any predictor (MLP, transformer, a known linear system in tests) plugs in.
 */
export interface LatentDynamics {
  readonly latentDim: number;
  readonly actionDim: number;
  /** One step: states [B, D], actions [B, A] -> next states [B, D]. Differentiable w.r.t. actions. Does not dispose inputs. */
  predict(states: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor2D;
  /** Optional: decode proprioception (e.g. joint positions) from latent states [B, D] -> [B, P], for joint-limit costs. */
  decodeProprio?(states: tf.Tensor2D): tf.Tensor2D;
  /** Optional: where the object is read from latent states [B, D] -> [B, 3] (metres), for object-goal costs. */
  decodeObject?(states: tf.Tensor2D): tf.Tensor2D;
}
