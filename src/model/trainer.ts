import * as tf from '@tensorflow/tfjs';
import { Rng, silentLogger } from '../core/index.js';
import type { Logger } from '../core/index.js';
import { Adam } from './adam.js';
import { augmentImages, augments, rotateObjectViews } from './augment.js';
import { batchFrames } from './batch.js';
import { sumOfSquares } from './engine/index.js';
import type { TrainingBatch } from './batch.js';
import { gatherObjectPlaces, gatherRows, isPresent } from './frames.js';
import type { ModelFrames } from './frames.js';
import type { FusionWeights } from './fusion.js';
import type { RunningNormalizer } from './normalizer.js';
import type { Weights } from './paramStore.js';
import { stopGradient } from './nn.js';
import { covarianceLoss, meanStd, rowAbsoluteError, rowSquaredError, varianceLoss, weightedMean } from './losses.js';
import type { Embedding, WorldModel } from './worldModel.js';

/** One training step's loss terms, as plain numbers (weighted terms add up to `total`). */
export interface LossTerms {
  readonly total: number;
  /** Mean over horizons of the latent prediction error (unweighted). */
  readonly prediction: number;
  readonly variance: number;
  readonly covariance: number;
  /** Cross-modal term: the gated fusion's estimator error, or the precision fusion's agreement with the fused state (0 under concat). */
  readonly alignment: number;
  readonly inverse?: number;
  readonly proprio?: number;
  /** Proprio head's reading of the predicted states against the real frames' body states (loss.proprioPredicted). */
  readonly proprioPredicted?: number;
  /** Object head's error on the frames where perception saw an object (model.objectHead). */
  readonly object?: number;
  /** Object head's reading of the predicted states against the real frames' object places (loss.objectPredicted). */
  readonly objectPredicted?: number;
  /** Prediction error at each rollout step 1..H. */
  readonly perHorizon: number[];
  /** This batch's squared prediction error against each modality's own target embedding. */
  readonly modalityErrors: Partial<FusionWeights>;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  /** Mean per-dimension std of the fused context states: a collapse monitor. */
  readonly stateStd: number;
}

export interface TrainerOptions {
  readonly logger?: Logger;
  /** Draws the image augmentations (model.augment); seed 0 when omitted. */
  readonly rng?: Rng;
}

/**
 * Trains a WorldModel on batches of sequences, JEPA-style: encode frame t (online encoder,
 * with gradients), roll the predictor H steps open loop under the real actions, and match
 * each predicted state to the target encoder's embedding of the real frame t+k (no gradient
 * into the target: an EMA copy, or the online weights outside the tape). VICReg variance
 * and covariance on the context embeddings keep them from collapsing. Adam, clipped by
 * global gradient norm; every step updates the fusion's running per-modality errors.
 */
export class Trainer {
  readonly model: WorldModel;
  #steps = 0;
  readonly #optimizer: Adam;
  readonly #logger: Logger;
  readonly #augmentRng: Rng;

  constructor(model: WorldModel, options: TrainerOptions = {}) {
    this.model = model;
    this.#optimizer = new Adam(model.config.learningRate);
    this.#logger = (options.logger ?? silentLogger).child({ component: 'trainer' });
    this.#augmentRng = (options.rng ?? new Rng(0)).fork('augment');
  }

  get steps(): number {
    return this.#steps;
  }

  /** The batch's frames with augmented training views of its images and object views (model.augment). */
  #augment(frames: ModelFrames, batchSize: number, horizon: number): ModelFrames {
    const cfg = this.model.config;
    const rgb = frames.rgb === undefined || !augments(cfg.augment) ? frames.rgb : augmentImages(frames.rgb, batchSize, horizon + 1, cfg.image.size, cfg.augment, this.#augmentRng);
    const object =
      frames.object === undefined || cfg.augment.objectYaw === 0
        ? frames.object
        : rotateObjectViews(frames.object, frames.count, cfg.objectView.count, cfg.augment.objectYaw, this.#augmentRng, cfg.augment.objectTurn === 'sequence' ? horizon + 1 : 1);
    return { ...frames, rgb, ...(object === undefined ? {} : { object }) };
  }

  trainStep(batch: TrainingBatch): LossTerms {
    const model = this.model;
    const cfg = model.config;
    const { batchSize: b, horizon: h } = batch;
    const clean = batchFrames(batch, cfg);
    const sensed = this.#augment(clean, b, h);
    // Batches are random draws, so dropping proprio from the first sequences is random dropout.
    const dropped = Math.round(cfg.proprioDropout * b) * (h + 1);
    const frames = withoutProprio(sensed, dropped);
    // With model.augment.targets off, the context's view must predict the clean next frames.
    const targetBase = cfg.augment.targets ? frames : withoutProprio({ ...sensed, rgb: clean.rgb }, dropped);
    // 'context': object views are turned in the context only, and the predictor learns the
    // untouched next views, which it can foresee only from what no turn changes (shape, size).
    // Turned targets with a turn per frame, measured on a main-job checkpoint: the object part's
    // 8-step prediction error was 18x copy-last's (128.7 vs 7.0), as the predictor learned an
    // average over turns that no real view shows. 'sequence': one turn shared by the sequence.
    const targetFrames = clean.object === undefined || cfg.augment.objectTurn === 'sequence' ? targetBase : { ...targetBase, object: clean.object };
    const ctxRows = Array.from({ length: b }, (_, i) => i * (h + 1));
    // Target rows are horizon-major (all of t+1, then all of t+2 ...), as the rollout's outputs.
    const tgtRows = Array.from({ length: h * b }, (_, j) => (j % b) * (h + 1) + 1 + Math.floor(j / b));
    model.observe(sensed, Array.from({ length: sensed.count }, (_, i) => i), batch.actions);

    const stats: tf.Scalar[] = [];
    const keep = (x: tf.Scalar): tf.Scalar => {
      stats.push(tf.keep(x));
      return x;
    };
    // Targets carry no gradient (EMA weights, or online weights outside the tape) unless
    // loss.targetGradient asks for the symmetric, VICReg-style variant.
    const targetInTape = cfg.loss.targetGradient && !cfg.ema.enabled;
    const stopped = targetInTape ? undefined : tidyEmbedding(() => model.embed(model.targetWeights, targetFrames, tgtRows));
    const hasTarget = model.fusion.modalities.map((m) => tgtRows.some((r) => isPresent(frames, m, r)));
    const actions = tf.tensor3d(batch.actions, [b, h, cfg.actionDim]);
    // The head's targets are the sensed body states, dropped input or not.
    const proprioCtx = cfg.proprioHead && model.proprioNorm !== undefined && sensed.proprio !== undefined
      ? {
          values: tf.tensor2d(gatherRows(sensed.proprio, sensed.present?.proprio, ctxRows, cfg.proprio.dim), [b, cfg.proprio.dim]),
          mask: tf.tensor1d(ctxRows.map((r) => (isPresent(sensed, 'proprio', r) ? 1 : 0))),
        }
      : undefined;
    const proprioNext = proprioCtx !== undefined && cfg.loss.proprioPredicted > 0 && sensed.proprio !== undefined
      ? {
          values: tf.tensor2d(gatherRows(sensed.proprio, sensed.present?.proprio, tgtRows, cfg.proprio.dim), [tgtRows.length, cfg.proprio.dim]),
          mask: tf.tensor1d(tgtRows.map((r) => (isPresent(sensed, 'proprio', r) ? 1 : 0))),
        }
      : undefined;
    const objectCtx = model.objectNorm !== undefined && sensed.objectPlace !== undefined ? objectLabels(sensed.objectPlace, ctxRows) : undefined;
    const objectNext =
      model.objectNorm !== undefined && sensed.objectPlace !== undefined && cfg.loss.objectPredicted > 0
        ? objectLabels(sensed.objectPlace, tgtRows, cfg.loss.objectPredictedMinMove > 0 ? { from: tgtRows.map((_, j) => ctxRows[j % b]), minMove: cfg.loss.objectPredictedMinMove } : undefined)
        : undefined;
    const w = cfg.loss;
    const online = model.params.weights;
    const fusion = model.fusion;
    const kind = fusion.kind;
    const modalities = fusion.modalities;
    const column = (t: tf.Tensor2D, j: number): tf.Tensor1D => tf.squeeze(tf.slice(t, [0, j], [-1, 1]), [1]) as tf.Tensor1D;
    /** Rows where some modality other than j is present: the cross-modal estimate of j has an input there. */
    const othersPresent = (mask: tf.Tensor2D, j: number): tf.Tensor1D => tf.minimum(tf.sub(tf.sum(mask, 1), column(mask, j)), 1) as tf.Tensor1D;
    // Under 'gated', the reliability statistics need the estimate of each modality that has a target.
    const gatedStats = kind === 'gated' && modalities.length > 1 ? hasTarget : modalities.map(() => false);

    const loss = (): tf.Scalar => {
      const target = stopped ?? model.embed(online, targetFrames, tgtRows);
      const ctx = model.embed(online, frames, ctxRows);
      const predicted = tf.concat(model.rolloutSteps(online, ctx.state, actions), 0);
      let rowLoss: tf.Tensor1D = tf.zeros([h * b]);
      let rowWeight: tf.Tensor1D = tf.zeros([h * b]);
      const predictedParts: (tf.Tensor2D | undefined)[] = [];
      if (kind === 'precision') {
        // Precision-weighted error of the one fused vector against every present modality's target embedding.
        target.embeddings.forEach((z, j) => {
          if (z === undefined) return;
          const err = rowSquaredError(predicted, z);
          rowLoss = tf.add(rowLoss, tf.mul(err, column(target.mixing, j)));
          keep(weightedMean(err, column(target.mask, j)));
        });
        rowWeight = tf.sum(target.mixing, 1) as tf.Tensor1D;
      } else {
        // Each predicted part against its own modality's target embedding, where that modality was sensed.
        target.embeddings.forEach((z, j) => {
          if (z === undefined) return;
          const [start, size] = fusion.partOf(modalities[j]);
          const part = tf.slice(predicted, [0, start], [-1, size]) as tf.Tensor2D;
          predictedParts[j] = part;
          const present = column(target.mask, j);
          const err = rowSquaredError(part, z);
          // The fusion's reliability statistics stay squared errors whatever the loss compares.
          const lossErr = modalities[j] === 'object' && w.objectPrediction === 'l1' ? rowAbsoluteError(part, z) : err;
          rowLoss = tf.add(rowLoss, tf.mul(lossErr, present));
          rowWeight = tf.add(rowWeight, present);
          keep(weightedMean(err, present));
        });
      }
      const perHorizon = Array.from({ length: h }, (_, k) =>
        weightedMean(tf.slice(rowLoss, k * b, b), tf.slice(rowWeight, k * b, b)),
      );
      const prediction = keep(tf.mean(tf.stack(perHorizon)) as tf.Scalar);
      perHorizon.forEach(keep);

      // VICReg on each modality's context embedding (the projector's output), over the frames that have it.
      const present = ctx.embeddings.flatMap((e, j) =>
        e === undefined ? [] : [{ e, j, mask: tf.slice(ctx.mask, [0, j], [-1, 1]) as tf.Tensor2D }],
      );
      const variance = keep(tf.mean(tf.stack(present.map((p) => varianceLoss(p.e, p.mask)))) as tf.Scalar);
      const covariance = keep(tf.mean(tf.stack(present.map((p) => covarianceLoss(p.e, p.mask)))) as tf.Scalar);
      const alignment = keep(crossModalTerm());
      function crossModalTerm(): tf.Scalar {
        if (kind === 'concat') return tf.scalar(0);
        if (kind === 'gated') {
          // Each estimator learns its modality's (stopped) embedding from the others'. The
          // gradient reaches the other encoders too, so the cameras learn to hold what the
          // joints know (measured: with stopped inputs, the hand read from a goal image was
          // 18 cm off after a main job, against 3 cm at the start pose).
          const terms = present.flatMap((p) => {
            const est = ctx.estimates[p.j];
            if (est === undefined) return [];
            return [weightedMean(rowSquaredError(est, stopGradient(p.e)), tf.mul(column(ctx.mask, p.j), othersPresent(ctx.mask, p.j)))];
          });
          return terms.length === 0 ? tf.scalar(0) : (tf.mean(tf.stack(terms)) as tf.Scalar);
        }
        // 'precision': every embedding toward the (stopped) fused state, so modalities share one space.
        const fused = stopGradient(ctx.state);
        let alignRows: tf.Tensor1D = tf.zeros([b]);
        for (const p of present) alignRows = tf.add(alignRows, tf.mul(rowSquaredError(p.e, fused), column(ctx.mixing, p.j)));
        return tf.mean(alignRows) as tf.Scalar;
      }
      let total = tf.addN([
        tf.mul(w.prediction, prediction),
        tf.mul(w.variance, variance),
        tf.mul(w.covariance, covariance),
        tf.mul(w.alignment, alignment),
      ]);

      if (cfg.inverseHead) {
        // Inverse dynamics on consecutive pairs (s_t, z_t+1), (z_t+1, z_t+2) ...: the action must be readable from the states.
        const prev = h > 1 ? tf.concat([ctx.state, tf.slice(target.state, [0, 0], [(h - 1) * b, -1])], 0) : ctx.state;
        const act = tf.reshape(tf.transpose(model.actionNorm.apply(online, actions), [1, 0, 2]), [h * b, cfg.actionDim]);
        const guess = model.inverseHeadOutput(online, prev as tf.Tensor2D, target.state);
        const inverse = keep(tf.mean(tf.square(tf.sub(guess, act))) as tf.Scalar);
        total = tf.add(total, tf.mul(w.inverse, inverse));
      }
      if (proprioCtx !== undefined && model.proprioNorm !== undefined) {
        const wanted = model.proprioNorm.apply(online, proprioCtx.values, 10);
        const proprio = keep(weightedMean(rowSquaredError(model.proprioHeadOutput(online, ctx.state), wanted), proprioCtx.mask));
        total = tf.add(total, tf.mul(w.proprio, proprio));
      }
      /** A head (weights named `prefix`) reading the predicted states against the real frames' labels; its weights stopped, only the prediction learns. */
      const readPredicted = (prefix: string, norm: RunningNormalizer, output: (w: Weights, states: tf.Tensor2D) => tf.Tensor2D, labels: { values: tf.Tensor2D; mask: tf.Tensor1D }): tf.Scalar => {
        const head: Weights = (name) => (name.startsWith(prefix) ? stopGradient(online(name)) : online(name));
        return keep(weightedMean(rowSquaredError(output(head, predicted as tf.Tensor2D), norm.apply(online, labels.values, 10)), labels.mask));
      };
      if (proprioNext !== undefined && model.proprioNorm !== undefined) {
        const proprioPredicted = readPredicted('head.proprio', model.proprioNorm, (h, s) => model.proprioHeadOutput(h, s), proprioNext);
        total = tf.add(total, tf.mul(w.proprioPredicted, proprioPredicted));
      }
      if (objectCtx !== undefined && model.objectNorm !== undefined) {
        const wanted = model.objectNorm.apply(online, objectCtx.values, 10);
        const object = keep(weightedMean(rowSquaredError(model.objectHeadOutput(online, ctx.state), wanted), objectCtx.mask));
        total = tf.add(total, tf.mul(w.object, object));
      }
      if (objectNext !== undefined && model.objectNorm !== undefined) {
        const objectPredicted = readPredicted('head.object', model.objectNorm, (h, s) => model.objectHeadOutput(h, s), objectNext);
        total = tf.add(total, tf.mul(w.objectPredicted, objectPredicted));
      }
      keep(meanStd(ctx.state));
      // Reliability statistics of the gated fusion (no gradient is taken from them): estimate vs
      // own embedding, and predicted part vs estimate, per modality, where both are defined.
      gatedStats.forEach((on, j) => {
        const z = target.embeddings[j];
        const est = target.estimates[j];
        const part = predictedParts[j];
        if (!on || z === undefined || est === undefined || part === undefined) return;
        const rows = tf.mul(column(target.mask, j), othersPresent(target.mask, j)) as tf.Tensor1D;
        keep(weightedMean(rowSquaredError(est, z), rows));
        keep(weightedMean(rowSquaredError(part, est), rows));
      });
      return total as tf.Scalar;
    };

    let values: Float32Array;
    try {
      const variables = model.params.trainable();
      const { value, grads } = tf.variableGrads(loss, variables);
      stats.push(value);
      const gradNorm = tf.tidy(() => {
        const norm = tf.sqrt(sumOfSquares(Object.values(grads)));
        const clip = cfg.gradClip;
        const scale = clip > 0 ? tf.div(clip, tf.maximum(norm, clip)) : tf.scalar(1);
        // A variable the loss does not reach (an encoder whose modality no frame has) gets no gradient.
        const updates = variables.flatMap((v) => (grads[v.name] === undefined ? [] : [{ variable: v, gradient: grads[v.name] }]));
        this.#optimizer.applyGradients(updates, scale as tf.Scalar);
        return norm;
      });
      tf.dispose(grads);
      const packed = tf.tidy(() => tf.concat([tf.stack(stats), tf.reshape(gradNorm, [1])]));
      values = Float32Array.from(packed.dataSync());
      tf.dispose([packed, gradNorm]);
    } finally {
      tf.dispose(stats);
      tf.dispose(actions);
      if (stopped !== undefined) disposeEmbedding(stopped);
      if (proprioCtx !== undefined) tf.dispose([proprioCtx.values, proprioCtx.mask]);
      if (proprioNext !== undefined) tf.dispose([proprioNext.values, proprioNext.mask]);
      if (objectCtx !== undefined) tf.dispose([objectCtx.values, objectCtx.mask]);
      if (objectNext !== undefined) tf.dispose([objectNext.values, objectNext.mask]);
    }
    this.#updateTarget();
    this.#steps += 1;
    return this.#report(values, { hasTarget, horizon: h, proprio: proprioCtx !== undefined, proprioPredicted: proprioNext !== undefined, object: objectCtx !== undefined, objectPredicted: objectNext !== undefined, gatedStats });
  }

  /** EMA target encoder: target <- tau * target + (1 - tau) * online. */
  #updateTarget(): void {
    const { enabled, tau } = this.model.config.ema;
    if (!enabled) return;
    const params = this.model.params;
    tf.tidy(() => {
      for (const name of params.trainableNames('enc.')) {
        const t = params.get(`target.${name}`);
        t.assign(tf.add(tf.mul(t, tau), tf.mul(params.get(name), 1 - tau)));
      }
    });
  }

  /** Unpacks the kept scalars in the order `loss` pushed them. */
  #report(
    values: Float32Array,
    layout: { hasTarget: readonly boolean[]; horizon: number; proprio: boolean; proprioPredicted: boolean; object: boolean; objectPredicted: boolean; gatedStats: readonly boolean[] },
  ): LossTerms {
    const modalities = this.model.fusion.modalities;
    let i = 0;
    const next = (): number => values[i++];
    const modalityErrors: Partial<FusionWeights> = {};
    layout.hasTarget.forEach((has, j) => {
      if (has) modalityErrors[modalities[j]] = next();
    });
    const prediction = next();
    const perHorizon = Array.from({ length: layout.horizon }, next);
    const variance = next();
    const covariance = next();
    const alignment = next();
    const inverse = this.model.config.inverseHead ? next() : undefined;
    const proprio = layout.proprio ? next() : undefined;
    const proprioPredicted = layout.proprioPredicted ? next() : undefined;
    const object = layout.object ? next() : undefined;
    const objectPredicted = layout.objectPredicted ? next() : undefined;
    const stateStd = next();
    const estimate: Partial<FusionWeights> = {};
    const crossing: Partial<FusionWeights> = {};
    layout.gatedStats.forEach((on, j) => {
      if (!on) return;
      estimate[modalities[j]] = next();
      crossing[modalities[j]] = next();
    });
    const total = next();
    const gradNorm = next();
    this.model.fusion.update({ prediction: modalityErrors, estimate, crossing });
    const terms: LossTerms = {
      total,
      prediction,
      variance,
      covariance,
      alignment,
      ...(inverse === undefined ? {} : { inverse }),
      ...(proprio === undefined ? {} : { proprio }),
      ...(proprioPredicted === undefined ? {} : { proprioPredicted }),
      ...(object === undefined ? {} : { object }),
      ...(objectPredicted === undefined ? {} : { objectPredicted }),
      perHorizon,
      modalityErrors,
      gradNorm,
      stateStd,
    };
    this.#logger.debug('train step', { step: this.#steps, ...terms });
    return terms;
  }

  dispose(): void {
    this.#optimizer.dispose();
  }
}

/** `frames` with proprioception masked out of its first `rows` rows (modality dropout); `frames` itself when there is nothing to drop. */
function withoutProprio(frames: ModelFrames, rows: number): ModelFrames {
  if (rows <= 0 || frames.proprio === undefined) return frames;
  const present = Uint8Array.from(frames.present?.proprio ?? new Uint8Array(frames.count).fill(1));
  present.fill(0, 0, Math.min(rows, frames.count));
  return { ...frames, present: { ...frames.present, proprio: present } };
}

/**
 * The object head's labels of `rows` and a 1/0 mask of the rows that have one; with `moved`, only
 * the rows whose place is at least `minMove` from that of row `from[i]` (which must have one too).
 */
function objectLabels(objectPlace: Float32Array, rows: readonly number[], moved?: { from: readonly number[]; minMove: number }): { values: tf.Tensor2D; mask: tf.Tensor1D } {
  const { values, mask } = gatherObjectPlaces(objectPlace, rows);
  if (moved !== undefined) {
    const start = gatherObjectPlaces(objectPlace, moved.from);
    rows.forEach((_, i) => {
      const distance = Math.hypot(values[3 * i] - start.values[3 * i], values[3 * i + 1] - start.values[3 * i + 1], values[3 * i + 2] - start.values[3 * i + 2]);
      if (start.mask[i] === 0 || distance < moved.minMove) mask[i] = 0;
    });
  }
  return { values: tf.tensor2d(values, [rows.length, 3]), mask: tf.tensor1d(mask) };
}

/** Runs `f` in a tidy scope and keeps only the embedding it returns. */
function tidyEmbedding(f: () => Embedding): Embedding {
  let out: Embedding | undefined;
  tf.tidy(() => {
    const e = f();
    out = {
      embeddings: e.embeddings.map((x) => (x === undefined ? undefined : tf.keep(x))),
      mask: tf.keep(e.mask),
      mixing: tf.keep(e.mixing),
      state: tf.keep(e.state),
      estimates: e.estimates.map((x) => (x === undefined ? undefined : tf.keep(x))),
    };
  });
  return out as Embedding;
}

function disposeEmbedding(e: Embedding): void {
  const defined = (xs: readonly (tf.Tensor2D | undefined)[]): tf.Tensor2D[] => xs.filter((x): x is tf.Tensor2D => x !== undefined);
  tf.dispose([e.mask, e.mixing, e.state, ...defined(e.embeddings), ...defined(e.estimates)]);
}
