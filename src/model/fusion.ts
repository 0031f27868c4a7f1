import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../core/index.js';
import { MODEL_MODALITIES } from './frames.js';
import type { ModelModality } from './frames.js';
import { addDense, dense } from './nn.js';
import type { ParamStore, Weights } from './paramStore.js';

export type FusionKind = ModelConfig['fusion']['kind'];

export interface FusionOptions {
  readonly momentum: number;
  readonly sharpness: number;
  /** 'precision' (default) or the 'concat' ablation baseline. */
  readonly kind?: FusionKind;
  /** Embedding size; needed by 'concat' for its projection. */
  readonly latentDim?: number;
}

const CONCAT = 'fusion.concat';

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
 *
 * kind 'concat' is the baseline it is measured against: the embeddings concatenated (a
 * missing one zero-filled) and projected linearly to the latent size, with no notion of
 * reliability. Its mixing weights are equal over the modalities present; they only weigh
 * per-modality diagnostics then, and the running errors are still tracked for reports.
 */
export class PrecisionFusion {
  /** The modalities with an encoder, in MODEL_MODALITIES order; columns of every mask. */
  readonly modalities: readonly ModelModality[];
  readonly #store: ParamStore;
  readonly #momentum: number;
  readonly #sharpness: number;
  readonly kind: FusionKind;

  constructor(store: ParamStore, enabled: readonly ModelModality[], options: FusionOptions) {
    this.modalities = MODEL_MODALITIES.filter((m) => enabled.includes(m));
    this.#store = store;
    this.#momentum = options.momentum;
    this.#sharpness = options.sharpness;
    this.kind = options.kind ?? 'precision';
    // Every modality starts with error 1, hence equal weights until evidence arrives.
    store.addBuffer('fusion.error', [MODEL_MODALITIES.length], { kind: 'ones' });
    store.addBuffer('fusion.count', [MODEL_MODALITIES.length], { kind: 'zeros' });
    if (this.kind === 'concat') {
      const d = options.latentDim;
      if (d === undefined) throw new RangeError("fusion: kind 'concat' needs latentDim for its projection");
      addDense(store, CONCAT, this.modalities.length * d, d, 1);
    }
  }

  /** Current weights of the modalities (0 for those without an encoder); they sum to 1. Equal under 'concat'. */
  weights(): FusionWeights {
    const err = this.#store.get('fusion.error').dataSync();
    const sharpness = this.kind === 'concat' ? 0 : this.#sharpness;
    const logits = this.modalities.map((m) => -sharpness * Math.log(Math.max(err[MODEL_MODALITIES.indexOf(m)], ERROR_FLOOR)));
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

  /**
   * Fused state [n, D] = sum over modalities of mixing[:, m] * embedding_m (undefined = absent).
   * Under 'concat': the projection (weights `w`) of [e_1 | e_2 | ...], each e_m zero where mixing[:, m] is 0.
   */
  fuse(embeddings: readonly (tf.Tensor2D | undefined)[], mixing: tf.Tensor2D, w: Weights = (name) => this.#store.get(name)): tf.Tensor2D {
    if (this.kind === 'concat') return this.#concat(embeddings, mixing, w);
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

  #concat(embeddings: readonly (tf.Tensor2D | undefined)[], mixing: tf.Tensor2D, w: Weights): tf.Tensor2D {
    return tf.tidy(() => {
      const d = embeddings.find((e) => e !== undefined)?.shape[1];
      if (d === undefined) throw new Error('fusion: no modality embedding to fuse');
      const n = mixing.shape[0];
      const parts = embeddings.map((e, i) =>
        e === undefined ? tf.zeros([n, d]) : tf.mul(e, tf.sign(tf.slice(mixing, [0, i], [-1, 1]))),
      );
      return dense(w, CONCAT, tf.concat(parts, 1)) as tf.Tensor2D;
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
