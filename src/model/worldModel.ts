import * as tf from '@tensorflow/tfjs';
import { modelConfigSchema, Rng, silentLogger } from '../core/index.js';
import type { Logger, ModelConfig, ModelConfigInput, Observation } from '../core/index.js';
import { imageEncoder } from './encoders/imageEncoder.js';
import type { ModalityEncoder } from './encoders/modalityEncoder.js';
import { pointEncoder } from './encoders/pointEncoder.js';
import { proprioEncoder } from './encoders/proprioEncoder.js';
import { framesFromObservations, gatherRows, isPresent } from './frames.js';
import type { ModelFrames, ModelModality } from './frames.js';
import { PrecisionFusion } from './fusion.js';
import type { FusionWeights } from './fusion.js';
import { addMlp, mlp, stopGradient } from './nn.js';
import { nativeEncoderFor, onnxEncoderFor } from './onnx/OnnxEncoder.js';
import { RunningNormalizer } from './normalizer.js';
import { ParamStore } from './paramStore.js';
import type { Weights } from './paramStore.js';
import { Predictor } from './predictor.js';
import { proprioLayout } from './proprioVector.js';

export interface WorldModelOptions {
  /** Seed of the weight initialisation (default 0); ignored when `rng` is given. */
  readonly seed?: number;
  readonly rng?: Rng;
  readonly logger?: Logger;
}

/** Embeddings of some frames: per enabled modality (undefined where none of the frames has it). */
export interface Embedding {
  readonly embeddings: readonly (tf.Tensor2D | undefined)[];
  /** [n, M] 1 where the modality is present, M = fusion.modalities. */
  readonly mask: tf.Tensor2D;
  /** [n, M] fusion weights of each frame. */
  readonly mixing: tf.Tensor2D;
  /** [n, D] fused latent state. */
  readonly state: tf.Tensor2D;
  /** 'gated' fusion: each modality's embedding as estimated from the other modalities (undefined elsewhere). */
  readonly estimates: readonly (tf.Tensor2D | undefined)[];
}

const TARGET = 'target.';

/** Thrown when frames hold none of the modalities the model encodes (e.g. an image-only goal whose frame was dropped and whose cloud perception emptied). */
export class NoModalityError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'NoModalityError';
  }
}

/**
 * The JEPA world model: per-modality encoders, reliability-weighted fusion into one latent
 * state, an action-conditioned residual predictor, and small heads (inverse dynamics,
 * proprio decoding). Satisfies the planners' LatentDynamics interface structurally.
 * Every method that returns a tensor leaves its inputs alone; the caller disposes the result.
 */
export class WorldModel {
  readonly config: ModelConfig;
  readonly latentDim: number;
  readonly actionDim: number;
  readonly params: ParamStore;
  readonly encoders: readonly ModalityEncoder[];
  readonly fusion: PrecisionFusion;
  readonly predictor: Predictor;
  readonly actionNorm: RunningNormalizer;
  /** Present when the model has proprio input or a proprio head. */
  readonly proprioNorm: RunningNormalizer | undefined;
  /**
   * Decodes the proprio vector (sensor units, proprioLayout order) from states [B, D] -> [B, P],
   * e.g. joint positions for joint-limit costs. Present when config.proprioHead is on.
   */
  readonly decodeProprio?: (states: tf.Tensor2D) => tf.Tensor2D;
  /** Present with config.objectHead: running statistics of the object head's labels. */
  readonly objectNorm: RunningNormalizer | undefined;
  /**
   * Reads where perception would see the object (base frame, metres) from states [B, D] ->
   * [B, 3]: the object head (config.objectHead), for object-goal costs.
   */
  readonly decodeObject?: (states: tf.Tensor2D) => tf.Tensor2D;
  /** Reads the EMA target encoder where it exists, the online weights elsewhere. */
  readonly targetWeights: Weights;
  /**
   * Bumped by whoever overwrites the weights from outside (applyWeights, with the learner's
   * published weights): latents encoded before are in another representation and must be
   * encoded again before they are compared with new ones.
   */
  weightsVersion = 0;
  readonly #logger: Logger;
  /**
   * [start, size] of the object view's part of the latent when it holds the object's place
   * (objectView.place) in a fusion with one part per modality: an object slot, what and where.
   */
  readonly objectSlot: readonly [number, number] | undefined;
  /** Whether the predictor reads the hand-object relation (model.predictor.objectRelation, where the model has both heads). */
  readonly readsObjectRelation: boolean;
  /** Whether the predictor has the object's interaction module (model.predictor.objectInteraction). */
  readonly hasObjectInteraction: boolean;
  readonly #objectHeadPart: readonly [number, number] | undefined;
  readonly #proprioHeadPart: readonly [number, number] | undefined;

  constructor(config: ModelConfigInput | ModelConfig = {}, options: WorldModelOptions = {}) {
    const parsed = modelConfigSchema.safeParse(config);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `'model.${i.path.join('.')}': ${i.message}`);
      throw new RangeError(`world model config: ${issues.join('; ')}`, { cause: parsed.error });
    }
    this.config = Object.freeze(parsed.data);
    const cfg = this.config;
    // Checked before any weight exists, so a refused config leaves nothing to dispose.
    if (cfg.predictor.objectInteraction && !(cfg.objectHead && cfg.proprioHead && cfg.modalities.object && cfg.objectView.place && cfg.fusion.kind !== 'precision')) {
      throw new RangeError('world model config: model.predictor.objectInteraction needs model.objectHead, model.proprioHead and an object view that holds its place (model.modalities.object, model.objectView.place) in a gated or concat fusion');
    }
    this.actionDim = cfg.actionDim;
    this.#logger = (options.logger ?? silentLogger).child({ component: 'model' });
    const store = new ParamStore(options.rng ?? new Rng(options.seed ?? 0).fork('world-model'));
    this.params = store;

    const needsProprio = cfg.modalities.proprio || cfg.proprioHead;
    this.proprioNorm = needsProprio ? new RunningNormalizer(store, 'norm.proprio', cfg.proprio.dim) : undefined;
    const encoders: ModalityEncoder[] = [];
    if (cfg.modalities.rgb) encoders.push(imageEncoder(store, cfg));
    if (cfg.modalities.points) encoders.push(pointEncoder(store, cfg));
    if (cfg.modalities.proprio && this.proprioNorm !== undefined) encoders.push(proprioEncoder(store, cfg, this.proprioNorm));
    if (cfg.modalities.object) encoders.push(pointEncoder(store, cfg, 'object'));
    if (encoders.length === 0) throw new RangeError('world model config: model.modalities enables no modality');
    this.encoders = encoders;
    this.fusion = new PrecisionFusion(store, encoders.map((e) => e.modality), { ...cfg.fusion, latentDim: cfg.latentDim });
    // The planners' latent is the fused state: one part per modality under 'gated' and 'concat'.
    this.latentDim = this.fusion.stateDim;
    const d = this.latentDim;
    this.actionNorm = new RunningNormalizer(store, 'norm.action', cfg.actionDim);
    this.readsObjectRelation = cfg.predictor.objectRelation && cfg.objectHead && cfg.proprioHead && this.proprioNorm !== undefined;
    const handObject = { dim: 3, read: (w: Weights, states: tf.Tensor2D) => this.objectRelation(w, states) };
    const relation = this.readsObjectRelation ? handObject : undefined;
    this.objectSlot = cfg.modalities.object && cfg.objectView.place && this.fusion.kind !== 'precision' ? this.fusion.partOf('object') : undefined;
    this.hasObjectInteraction = cfg.predictor.objectInteraction;
    const interaction = this.hasObjectInteraction && this.objectSlot !== undefined ? { relation: handObject, part: this.objectSlot } : undefined;
    this.predictor = new Predictor(store, cfg, this.actionNorm, d, relation, interaction);
    if (cfg.inverseHead) addMlp(store, 'head.inverse', [2 * d, cfg.predictor.width, cfg.actionDim]);
    const proprioPart = cfg.modalities.proprio && this.fusion.kind !== 'precision' ? this.fusion.partOf('proprio') : undefined;
    this.#proprioHeadPart = cfg.proprioHeadReads === 'proprioPart' ? proprioPart : undefined;
    if (cfg.proprioHead && this.proprioNorm !== undefined) {
      const norm = this.proprioNorm;
      addMlp(store, 'head.proprio', [this.#proprioHeadPart?.[1] ?? d, cfg.proprio.hidden, cfg.proprio.dim]);
      this.decodeProprio = (states) =>
        tf.tidy(() => norm.invert(store.weights, this.proprioHeadOutput(store.weights, states)) as tf.Tensor2D);
    }
    this.#objectHeadPart = cfg.objectHeadReads === 'objectPart' ? this.objectSlot : undefined;
    this.objectNorm = cfg.objectHead ? new RunningNormalizer(store, 'norm.object', 3) : undefined;
    if (this.objectNorm !== undefined) {
      const norm = this.objectNorm;
      addMlp(store, 'head.object', [this.#objectHeadPart?.[1] ?? d, cfg.proprio.hidden, 3]);
      this.decodeObject = (states) => tf.tidy(() => norm.invert(store.weights, this.objectHeadOutput(store.weights, states)) as tf.Tensor2D);
    }
    if (cfg.ema.enabled) {
      // The target encoder starts as an exact copy of the online one.
      for (const name of store.trainableNames('enc.')) {
        store.addBuffer(`${TARGET}${name}`, store.get(name).shape, Float32Array.from(store.get(name).dataSync()));
      }
    }
    this.targetWeights = (name) => store.get(store.has(`${TARGET}${name}`) ? `${TARGET}${name}` : name);
    this.#logger.debug('world model created', {
      parameters: store.trainableSize(),
      modalities: this.fusion.modalities,
      predictor: cfg.predictor.kind,
    });
  }

  /** Latent state of one observation (a missing modality is masked out of the fusion). */
  encodeObservation(observation: Observation): Float32Array {
    const state = this.encodeObservations([observation]);
    const out = state.dataSync() as Float32Array;
    state.dispose();
    return Float32Array.from(out);
  }

  /** Latent states [n, D] of several observations. */
  encodeObservations(observations: readonly Observation[]): tf.Tensor2D {
    return this.encodeFrames(framesFromObservations(observations, this.config));
  }

  /** Latent states [count, D] of packed frames (on onnxruntime where the process chose it for acting: model/onnx). */
  encodeFrames(frames: ModelFrames): tf.Tensor2D {
    const fast = onnxEncoderFor(this)?.encode(frames);
    if (fast !== undefined) return tf.tensor2d(fast, [frames.count, this.latentDim]);
    const rows = Array.from({ length: frames.count }, (_, i) => i);
    return tf.tidy(() => this.embed(this.params.weights, frames, rows).state);
  }

  /**
   * Per-modality embeddings and fused state of frames `rows` under weights `w`. Encoders of
   * modalities absent from every row are skipped. Tensors are not tidied: wrap in tf.tidy.
   * Outside a gradient tape, with the engine's native kernels on (and `native` not false), the
   * encoders and the fusion run as one onnxruntime graph (onnx/OnnxEncoder.ts): the same
   * values to float rounding.
   */
  embed(w: Weights, frames: ModelFrames, rows: readonly number[], options: { readonly native?: boolean } = {}): Embedding {
    const modalities = this.fusion.modalities;
    const maskValues = new Float32Array(rows.length * modalities.length);
    rows.forEach((row, i) => {
      modalities.forEach((m, j) => {
        maskValues[i * modalities.length + j] = isPresent(frames, m, row) ? 1 : 0;
      });
    });
    const mask = tf.tensor2d(maskValues, [rows.length, modalities.length]);
    const sensed = this.encoders.map((_, j) => rows.some((_, i) => maskValues[i * modalities.length + j] !== 0));
    if (sensed.every((any) => !any)) {
      throw new NoModalityError(`world model: none of the ${rows.length} frames has any of the modalities ${modalities.join(', ')}`);
    }
    const native = options.native !== false && tf.engine().state.gradientDepth === 0 ? nativeEncoderFor(this) : undefined;
    if (native !== undefined) {
      const out = native.embed(w, frames, rows, maskValues);
      const part = (values: Float32Array): tf.Tensor2D => tf.tensor2d(values, [rows.length, this.fusion.partDim]);
      return {
        embeddings: out.embeddings.map((e, j) => (sensed[j] ? part(e) : undefined)),
        mask,
        mixing: this.fusion.mixing(mask),
        estimates: out.estimates.map(part),
        state: tf.tensor2d(out.state, [rows.length, this.latentDim]),
      };
    }
    const embeddings = this.encoders.map((enc, j) => (sensed[j] ? enc.apply(w, enc.input(frames, rows)) : undefined));
    const mixing = this.fusion.mixing(mask);
    const estimates = this.fusion.estimates(embeddings, mask, w);
    return { embeddings, mask, mixing, estimates, state: this.fusion.fuse(embeddings, mixing, w, estimates) };
  }

  /** One step: states [B, D], actions [B, A] (raw units) -> next states [B, D]. Differentiable in actions. */
  predict(states: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() =>
      this.predictor.step(this.params.weights, tf.expandDims(states, 1) as tf.Tensor3D, tf.expandDims(actions, 1) as tf.Tensor3D),
    );
  }

  /** Open-loop rollout: start [B, D], actions [B, T, A] -> predicted states after each action [B, T, D]. */
  rollout(start: tf.Tensor2D, actions: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => tf.stack(this.rolloutSteps(this.params.weights, start, actions), 1) as tf.Tensor3D);
  }

  /** The states of a rollout, one [B, D] per action; the transformer sees up to `history` past steps. */
  rolloutSteps(w: Weights, start: tf.Tensor2D, actions: tf.Tensor3D): tf.Tensor2D[] {
    const [, steps, a] = actions.shape;
    if (a !== this.actionDim) throw new RangeError(`world model rollout: actions have ${a} components, expected ${this.actionDim}`);
    const states: tf.Tensor2D[] = [start];
    const out: tf.Tensor2D[] = [];
    for (let k = 0; k < steps; k++) {
      const from = Math.max(0, k + 1 - this.predictor.history);
      const window = tf.stack(states.slice(from, k + 1), 1) as tf.Tensor3D;
      const acts = tf.slice(actions, [0, from, 0], [-1, k + 1 - from, -1]);
      const next = this.predictor.step(w, window, acts);
      states.push(next);
      out.push(next);
    }
    return out;
  }

  /** Planning cost helper: mean squared latent distance of states [B, D] to goal [D] or [B, D] -> [B]. */
  cost(states: tf.Tensor2D, goal: tf.Tensor1D | tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => tf.mean(tf.square(tf.sub(states, goal)), 1) as tf.Tensor1D);
  }

  /** Inverse dynamics: normalised action taken between states [B, D] and next states [B, D]. */
  inverseHeadOutput(w: Weights, states: tf.Tensor2D, next: tf.Tensor2D): tf.Tensor2D {
    return mlp(w, 'head.inverse', 2, tf.concat([states, next], 1), 'relu') as tf.Tensor2D;
  }

  /** [start, size] of the latent the proprio head reads (model.proprioHeadReads); the whole state when undefined. */
  get proprioHeadPart(): readonly [number, number] | undefined {
    return this.#proprioHeadPart;
  }

  /** Proprio decoding head in normalised units (from the proprioception's part alone where model.proprioHeadReads says so). */
  proprioHeadOutput(w: Weights, states: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => mlp(w, 'head.proprio', 2, readPart(states, this.#proprioHeadPart), 'relu') as tf.Tensor2D);
  }

  /** [start, size] of the latent the object head reads (model.objectHeadReads); the whole state when undefined. */
  get objectHeadPart(): readonly [number, number] | undefined {
    return this.#objectHeadPart;
  }

  /** Object head in normalised units (from the object view's part alone where model.objectHeadReads says so). */
  objectHeadOutput(w: Weights, states: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => mlp(w, 'head.object', 2, readPart(states, this.#objectHeadPart), 'relu') as tf.Tensor2D);
  }

  /**
   * Where the object is relative to the hand, as the heads read them from states [B, D]: object
   * head minus the proprio head's end effector, in the object head's normalised units (the
   * object's spread), [B, 3], with no gradient into the heads (model.predictor.objectRelation).
   */
  objectRelation(w: Weights, states: tf.Tensor2D): tf.Tensor2D {
    const objectNorm = this.objectNorm;
    const proprioNorm = this.proprioNorm;
    if (objectNorm === undefined || proprioNorm === undefined) throw new RangeError('world model: the object relation needs the object and proprio heads');
    return tf.tidy(() => {
      const [from] = proprioLayout(this.config.proprio.dim).endEffector;
      const hand = tf.slice(proprioNorm.invert(w, this.proprioHeadOutput(w, states)), [0, from], [-1, 3]);
      return stopGradient(tf.sub(this.objectHeadOutput(w, states), objectNorm.apply(w, hand))) as tf.Tensor2D;
    });
  }

  /** Current fusion weights per modality (0 for modalities the model has no encoder for); see PrecisionFusion.weights. */
  fusionWeights(): FusionWeights {
    return this.fusion.weights();
  }

  /** Folds training frames `rows` and actions [*, A] into the input normalisers. */
  observe(frames: ModelFrames, rows: readonly number[], actions?: Float32Array): void {
    for (const enc of this.encoders) enc.observe?.(frames, rows);
    if (!this.config.modalities.proprio && this.proprioNorm !== undefined && frames.proprio !== undefined) {
      const mask = frames.present?.proprio;
      const kept = rows.filter((r) => mask === undefined || mask[r] !== 0);
      this.proprioNorm.update(gatherRows(frames.proprio, undefined, kept, this.config.proprio.dim));
    }
    if (this.objectNorm !== undefined && frames.objectPlace !== undefined) {
      // Rows where no object was seen are NaN, which the normaliser skips.
      this.objectNorm.update(gatherRows(frames.objectPlace, undefined, rows, 3));
    }
    if (actions !== undefined) this.actionNorm.update(actions);
  }

  /** Modalities the model encodes, in fusion order. */
  get modalities(): readonly ModelModality[] {
    return this.fusion.modalities;
  }

  dispose(): void {
    this.params.dispose();
  }
}

/** Columns [start, start + size) of states [B, D], where a head reads one part of the latent; the whole state when `part` is undefined. */
function readPart(states: tf.Tensor2D, part: readonly [number, number] | undefined): tf.Tensor2D {
  return part === undefined ? states : tf.slice(states, [0, part[0]], [-1, part[1]]);
}
