import * as tf from '@tensorflow/tfjs';
import { MODEL_MODALITIES } from './frames.js';
import type { ModelModality } from './frames.js';
import type { ParamStore } from './paramStore.js';

export type FusionWeights = Record<ModelModality, number>;

const ERROR_FLOOR = 1e-6;

/**
 * Reliability-weighted fusion. Each modality's embedding estimates the same latent state;
 * a modality's reliability is the precision of its latent prediction: 1 / (running mean of
 * the squared error between the predicted next state and that modality's embedding of the
 * real next observation). Weights are precision^sharpness normalised over the modalities
 * present in each frame, so a missing modality is masked and a noisy one is down-weighted
 * (the precision-weighted cue combination of multisensory integration).
 * The running errors are buffers in the ParamStore, so checkpoints keep them.
 */
export class PrecisionFusion {
  /** The modalities with an encoder, in MODEL_MODALITIES order; columns of every mask. */
  readonly modalities: readonly ModelModality[];
  readonly #store: ParamStore;
  readonly #momentum: number;
  readonly #sharpness: number;

  constructor(store: ParamStore, enabled: readonly ModelModality[], options: { momentum: number; sharpness: number }) {
    this.modalities = MODEL_MODALITIES.filter((m) => enabled.includes(m));
    this.#store = store;
    this.#momentum = options.momentum;
    this.#sharpness = options.sharpness;
    // Every modality starts with error 1, hence equal weights until evidence arrives.
    store.addBuffer('fusion.error', [MODEL_MODALITIES.length], { kind: 'ones' });
    store.addBuffer('fusion.count', [MODEL_MODALITIES.length], { kind: 'zeros' });
  }

  /** Current weights of the modalities (0 for those without an encoder); they sum to 1. */
  weights(): FusionWeights {
    const err = this.#store.get('fusion.error').dataSync();
    const logits = this.modalities.map((m) => -this.#sharpness * Math.log(Math.max(err[MODEL_MODALITIES.indexOf(m)], ERROR_FLOOR)));
    const top = Math.max(...logits);
    const exp = logits.map((l) => Math.exp(l - top));
    const sum = exp.reduce((a, b) => a + b, 0);
    const out: FusionWeights = { rgb: 0, points: 0, proprio: 0 };
    this.modalities.forEach((m, i) => {
      out[m] = exp[i] / sum;
    });
    return out;
  }

  /** Running mean squared latent prediction error per modality (1 before any update). */
  errors(): FusionWeights {
    const err = this.#store.get('fusion.error').dataSync();
    return { rgb: err[0], points: err[1], proprio: err[2] };
  }

  /**
   * Per-frame mixing weights [n, M] from a presence mask [n, M]: the global weights restricted
   * to present modalities and renormalised. A frame with nothing present gets all zeros.
   */
  mixing(mask: tf.Tensor2D): tf.Tensor2D {
    const w = this.weights();
    return tf.tidy(() => {
      const raw = tf.mul(mask, tf.tensor1d(this.modalities.map((m) => w[m])));
      return tf.div(raw, tf.maximum(tf.sum(raw, 1, true), 1e-12)) as tf.Tensor2D;
    });
  }

  /** Fused state [n, D] = sum over modalities of mixing[:, m] * embedding_m (undefined = absent). */
  fuse(embeddings: readonly (tf.Tensor2D | undefined)[], mixing: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let state: tf.Tensor | undefined;
      embeddings.forEach((e, i) => {
        if (e === undefined) return;
        const term = tf.mul(e, tf.slice(mixing, [0, i], [-1, 1]));
        state = state === undefined ? term : tf.add(state, term);
      });
      if (state === undefined) throw new Error('fusion: no modality embedding to fuse');
      return state as tf.Tensor2D;
    });
  }

  /**
   * Folds in one batch's mean squared prediction error per modality. The first updates are
   * plain averages (so one early batch is not diluted by the prior), later ones use `momentum`.
   */
  update(batchErrors: Partial<FusionWeights>): void {
    const errVar = this.#store.get('fusion.error');
    const countVar = this.#store.get('fusion.count');
    const err = Float32Array.from(errVar.dataSync());
    const count = Float32Array.from(countVar.dataSync());
    MODEL_MODALITIES.forEach((m, i) => {
      const e = batchErrors[m];
      if (e === undefined || !Number.isFinite(e)) return;
      const rate = Math.max(1 / (count[i] + 1), 1 - this.#momentum);
      err[i] += rate * (Math.max(e, ERROR_FLOOR) - err[i]);
      count[i] += 1;
    });
    tf.tidy(() => {
      errVar.assign(tf.tensor1d(err));
      countVar.assign(tf.tensor1d(count));
    });
  }
}
