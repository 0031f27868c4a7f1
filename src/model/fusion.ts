import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../core/index.js';
import { MODEL_MODALITIES } from './frames.js';
import type { ModelModality } from './frames.js';
import { addMlp, mlp } from './nn.js';
import type { ParamStore, Weights } from './paramStore.js';

export type FusionKind = ModelConfig['fusion']['kind'];

export interface FusionOptions {
  readonly momentum: number;
  readonly sharpness: number;
  /** 'precision' when omitted (the averaging design); the model config defaults to 'gated'. */
  readonly kind?: FusionKind;
  /** Embedding size of every modality; needed by 'gated' and 'concat'. */
  readonly latentDim?: number;
  /** Hidden width of the gated fusion's cross-modal estimators. */
  readonly imputeHidden?: number;
}

export type FusionWeights = Record<ModelModality, number>;

/** Running statistics of one training batch, per modality (absent = not measured this batch). */
export interface FusionStatistics {
  /** Squared error of the predicted part (or fused state, under 'precision') against the modality's own embedding of the next frame. */
  readonly prediction: Partial<FusionWeights>;
  /** 'gated': the cross-modal estimate against the modality's own embedding. */
  readonly estimate?: Partial<FusionWeights>;
  /** 'gated': the predicted part against the cross-modal estimate. */
  readonly crossing?: Partial<FusionWeights>;
}

const ERROR_FLOOR = 1e-6;
const IMPUTE = 'fusion.impute';

/**
 * How the modality embeddings become one latent state.
 *
 * 'gated' (default): the state is one part per modality, so what one modality alone sees (the
 * object, for the cameras) keeps its own dimensions. Part m = g_m e_m + (1 - g_m) ê_m, where
 * ê_m is m's embedding estimated from the other modalities (a small MLP) and g_m in [0, 1]
 * is m's reliability as a precision weight between two estimates of the same thing: its own
 * observation and the others' estimate. Both variances come from three running pairwise
 * errors (the "three-cornered hat" of clock comparison): own vs predicted, own vs estimate,
 * predicted vs estimate, assuming independent errors. A noisy sensor raises its own variance
 * and lowers its gate; a missing one (g = 0) is wholly estimated instead of zero-filled.
 *
 * 'concat': the parts side by side, a missing one zero-filled, no gate: the ablation
 * baseline, same state size. 'precision': the earlier design, one vector, the average of the
 * embeddings weighted by each modality's latent prediction precision.
 *
 * The running statistics are buffers in the ParamStore, so checkpoints keep them.
 */
export class PrecisionFusion {
  /** The modalities with an encoder, in MODEL_MODALITIES order; columns of every mask. */
  readonly modalities: readonly ModelModality[];
  readonly kind: FusionKind;
  /** Size of the fused state. */
  readonly stateDim: number;
  /** Size of one modality's embedding (and of its part of the state, under 'gated' and 'concat'). */
  readonly partDim: number;
  readonly #store: ParamStore;
  readonly #momentum: number;
  readonly #sharpness: number;

  constructor(store: ParamStore, enabled: readonly ModelModality[], options: FusionOptions) {
    this.modalities = MODEL_MODALITIES.filter((m) => enabled.includes(m));
    this.#store = store;
    this.#momentum = options.momentum;
    this.#sharpness = options.sharpness;
    this.kind = options.kind ?? 'precision';
    const parts = this.kind !== 'precision';
    const d = options.latentDim;
    if (parts && d === undefined) throw new RangeError(`fusion: kind '${this.kind}' needs latentDim for its parts`);
    this.partDim = d ?? 0;
    this.stateDim = parts ? this.modalities.length * this.partDim : this.partDim;
    // Every modality starts with error 1, hence equal weights (and full gates) until evidence arrives.
    store.addBuffer('fusion.error', [MODEL_MODALITIES.length], { kind: 'ones' });
    store.addBuffer('fusion.count', [MODEL_MODALITIES.length], { kind: 'zeros' });
    if (this.kind === 'gated') {
      store.addBuffer('fusion.estimateError', [MODEL_MODALITIES.length], { kind: 'ones' });
      store.addBuffer('fusion.crossError', [MODEL_MODALITIES.length], { kind: 'ones' });
      const others = this.modalities.length - 1;
      if (others > 0) {
        for (const m of this.modalities) addMlp(store, `${IMPUTE}.${m}`, [others * (this.partDim + 1), options.imputeHidden ?? 128, this.partDim]);
      }
    }
  }

  /** [start, size] of modality m's part in the state ('gated' and 'concat'). */
  partOf(m: ModelModality): [number, number] {
    const i = this.modalities.indexOf(m);
    if (i < 0 || this.kind === 'precision') throw new RangeError(`fusion: no part for modality '${m}' under kind '${this.kind}'`);
    return [i * this.partDim, this.partDim];
  }

  /**
   * Per-modality weights, 0 for modalities without an encoder. 'precision': normalised
   * precisions (they sum to 1); 'gated': each modality's gate, the share of its part taken
   * from its own observation (each in [0, 1]); 'concat': 1 for every modality.
   */
  weights(): FusionWeights {
    const out: FusionWeights = { rgb: 0, points: 0, proprio: 0, object: 0 };
    if (this.kind === 'concat') {
      for (const m of this.modalities) out[m] = 1;
      return out;
    }
    if (this.kind === 'gated') {
      const [own, estimate, crossing, count] = ['fusion.error', 'fusion.estimateError', 'fusion.crossError', 'fusion.count'].map((n) =>
        this.#store.get(n).dataSync(),
      );
      for (const m of this.modalities) {
        const i = MODEL_MODALITIES.indexOf(m);
        // Before any statistics (and with nothing to estimate from) a modality speaks for its own part.
        out[m] = this.modalities.length < 2 || count[i] === 0 ? 1 : gate(own[i], estimate[i], crossing[i]);
      }
      return out;
    }
    const err = this.#store.get('fusion.error').dataSync();
    const logits = this.modalities.map((m) => -this.#sharpness * Math.log(Math.max(err[MODEL_MODALITIES.indexOf(m)], ERROR_FLOOR)));
    const top = Math.max(...logits);
    const exp = logits.map((l) => Math.exp(l - top));
    const sum = exp.reduce((a, b) => a + b, 0);
    this.modalities.forEach((m, i) => {
      out[m] = exp[i] / sum;
    });
    return out;
  }

  /** Running mean squared prediction error per modality (1 before any update). */
  errors(): FusionWeights {
    const err = this.#store.get('fusion.error').dataSync();
    return { rgb: err[0], points: err[1], proprio: err[2], object: err[3] };
  }

  /**
   * Per-frame mixing weights [n, M] from a presence mask [n, M]. 'precision': the weights
   * restricted to present modalities and renormalised (a frame with nothing present gets all
   * zeros). 'gated': each present modality's gate, 0 where absent. 'concat': the mask.
   */
  mixing(mask: tf.Tensor2D): tf.Tensor2D {
    const w = this.weights();
    return tf.tidy(() => {
      const raw = tf.mul(mask, tf.tensor1d(this.modalities.map((m) => w[m])));
      if (this.kind !== 'precision') return raw as tf.Tensor2D;
      return tf.div(raw, tf.maximum(tf.sum(raw, 1, true), 1e-12)) as tf.Tensor2D;
    });
  }

  /**
   * Each modality's embedding [n, d] estimated from the other present modalities ('gated'
   * only; undefined entries elsewhere). Absent inputs are zeroed and flagged, so one
   * estimator serves every pattern of missing sensors.
   */
  estimates(embeddings: readonly (tf.Tensor2D | undefined)[], mask: tf.Tensor2D, w: Weights = (name) => this.#store.get(name)): (tf.Tensor2D | undefined)[] {
    if (this.kind !== 'gated' || this.modalities.length < 2) return this.modalities.map(() => undefined);
    const n = mask.shape[0];
    const inputs = this.modalities.map((_, j) => {
      const present = tf.slice(mask, [0, j], [-1, 1]);
      const e = embeddings[j];
      return { present, value: e === undefined ? tf.zeros([n, this.partDim]) : tf.mul(e, present) };
    });
    return this.modalities.map((m, j) => {
      const others = inputs.filter((_, k) => k !== j).flatMap((x) => [x.value, x.present]);
      return mlp(w, `${IMPUTE}.${m}`, 2, tf.concat(others, 1), 'elu') as tf.Tensor2D;
    });
  }

  /**
   * Fused state [n, stateDim]. 'precision': sum over modalities of mixing[:, m] * e_m.
   * 'concat': [e_1 | e_2 | ...], each zero where absent. 'gated': [part_1 | part_2 | ...],
   * part_m = g e_m + (1 - g) ê_m with g = mixing[:, m] (0 where absent), ê_m from `estimates`.
   */
  fuse(
    embeddings: readonly (tf.Tensor2D | undefined)[],
    mixing: tf.Tensor2D,
    w: Weights = (name) => this.#store.get(name),
    estimates?: readonly (tf.Tensor2D | undefined)[],
  ): tf.Tensor2D {
    if (embeddings.every((e) => e === undefined)) throw new Error('fusion: no modality embedding to fuse');
    const n = mixing.shape[0];
    return tf.tidy(() => {
      if (this.kind === 'precision') {
        let state: tf.Tensor | undefined;
        embeddings.forEach((e, i) => {
          if (e === undefined) return;
          const term = tf.mul(e, tf.slice(mixing, [0, i], [-1, 1]));
          state = state === undefined ? term : tf.add(state, term);
        });
        return state as tf.Tensor2D;
      }
      const mask = tf.sign(mixing) as tf.Tensor2D;
      const estimated = this.kind === 'gated' ? (estimates ?? this.estimates(embeddings, mask, w)) : [];
      const parts = this.modalities.map((_, j) => {
        const g = tf.slice(mixing, [0, j], [-1, 1]);
        const e = embeddings[j];
        const own = e === undefined ? tf.zeros([n, this.partDim]) : tf.mul(e, this.kind === 'concat' ? g : tf.minimum(g, 1));
        const est = estimated[j];
        return est === undefined ? own : tf.add(own, tf.mul(est, tf.sub(1, g)));
      });
      return tf.concat(parts, 1) as tf.Tensor2D;
    });
  }

  /**
   * Folds in one batch's statistics per modality. The first updates are plain averages (so
   * one early batch is not diluted by the prior), later ones use `momentum`.
   */
  update(batch: FusionStatistics): void {
    const countVar = this.#store.get('fusion.count');
    const count = Float32Array.from(countVar.dataSync());
    const series: Array<[string, Partial<FusionWeights> | undefined]> = [
      ['fusion.error', batch.prediction],
      ...(this.kind === 'gated'
        ? ([
            ['fusion.estimateError', batch.estimate],
            ['fusion.crossError', batch.crossing],
          ] as Array<[string, Partial<FusionWeights> | undefined]>)
        : []),
    ];
    const updated = series.map(([name, values]) => {
      const v = Float32Array.from(this.#store.get(name).dataSync());
      MODEL_MODALITIES.forEach((m, i) => {
        const e = values?.[m];
        if (e === undefined || !Number.isFinite(e)) return;
        const rate = Math.max(1 / (count[i] + 1), 1 - this.#momentum);
        v[i] += rate * (Math.max(e, ERROR_FLOOR) - v[i]);
      });
      return { name, v };
    });
    MODEL_MODALITIES.forEach((m, i) => {
      const e = batch.prediction[m];
      if (e !== undefined && Number.isFinite(e)) count[i] += 1;
    });
    tf.tidy(() => {
      for (const { name, v } of updated) this.#store.get(name).assign(tf.tensor1d(v));
      countVar.assign(tf.tensor1d(count));
    });
  }
}

/**
 * Precision weight of a modality's own observation against the other modalities' estimate of
 * it, from the three pairwise squared errors between observation (o), prediction (p) and
 * estimate (x), assuming independent errors: var_o = (|o-p| + |o-x| - |p-x|) / 2,
 * var_x = (|o-x| + |p-x| - |o-p|) / 2; weight = var_x / (var_o + var_x).
 */
export function gate(ownVsPredicted: number, ownVsEstimate: number, predictedVsEstimate: number): number {
  const own = Math.max((ownVsPredicted + ownVsEstimate - predictedVsEstimate) / 2, ERROR_FLOOR);
  const estimate = Math.max((ownVsEstimate + predictedVsEstimate - ownVsPredicted) / 2, ERROR_FLOOR);
  return estimate / (own + estimate);
}
