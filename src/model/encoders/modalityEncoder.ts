import type * as tf from '@tensorflow/tfjs';
import type { ModelFrames, ModelModality } from '../frames.js';
import type { Weights } from '../paramStore.js';

/**
 * What the world model asks of each modality's encoder. `input` turns raw frames into a
 * tensor (data, never differentiated); `apply` maps it to an embedding with the given weights,
 * online or EMA target.
 */
export interface ModalityEncoder {
  readonly modality: ModelModality;
  /** Prefix of its weights in the ParamStore; EMA target copies mirror everything under it. */
  readonly prefix: string;
  /** Input tensor of frames `rows` (rows where the modality is absent hold zeros). */
  input(frames: ModelFrames, rows: readonly number[]): tf.Tensor;
  /** Embedding [rows, latentDim]. */
  apply(w: Weights, input: tf.Tensor): tf.Tensor2D;
  /** Folds the present rows into the encoder's input statistics (training only). */
  observe?(frames: ModelFrames, rows: readonly number[]): void;
}
