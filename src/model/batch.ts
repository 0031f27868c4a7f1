import type { ModelConfig, Observation } from '../core/index.js';
import { framesFromObservations, MODEL_MODALITIES, needsObjectMotion, objectMotionBetween } from './frames.js';
import type { ModelFrames, ModelModality } from './frames.js';

/**
 * A training batch: B sequences of H + 1 observations (t .. t+H) and the H actions between
 * them, as plain typed arrays (row-major, sequence-major). The model converts and normalises.
 * Shapes: rgb [B, H+1, size, size, 3] uint8; points [B, H+1, N, 3]; proprio [B, H+1, P];
 * actions [B, H, A]; present[m] [B, H+1] with 0 where modality m was missing.
 */
export interface TrainingBatch {
  readonly batchSize: number;
  readonly horizon: number;
  readonly rgb?: Uint8Array;
  readonly points?: Float32Array;
  /** N; the model's points.count when omitted. */
  readonly pointCount?: number;
  readonly proprio?: Float32Array;
  /** [B, H+1, objectView.count, 3] the object views (ModelFrames.object). */
  readonly object?: Float32Array;
  readonly actions: Float32Array;
  readonly present?: Partial<Record<ModelModality, Uint8Array>>;
  /** [B, H+1, 3] the object head's labels, NaN where perception saw no object (ModelFrames.objectPlace). */
  readonly objectPlace?: Float32Array;
  /** [B, H+1, 3] how far the object moved since the tick before each frame (ModelFrames.objectMotion). */
  readonly objectMotion?: Float32Array;
}

/** Checks every array's length against the batch's B, H and the model's sizes; returns the frames. */
export function batchFrames(batch: TrainingBatch, config: ModelConfig): ModelFrames {
  const { batchSize: b, horizon: h } = batch;
  if (!Number.isInteger(b) || b < 2) {
    throw new RangeError(`training batch: batchSize must be an integer >= 2 (VICReg needs a batch), got ${b}`);
  }
  if (!Number.isInteger(h) || h < 1) throw new RangeError(`training batch: horizon must be an integer >= 1, got ${h}`);
  const frames = b * (h + 1);
  const n = batch.pointCount ?? config.points.count;
  const s = config.image.size;
  const expect = (field: string, got: number | undefined, perFrame: number, dims: string): void => {
    if (got !== undefined && got !== frames * perFrame) {
      throw new RangeError(`training batch: ${field} has ${got} values, expected ${frames * perFrame} = [${b}, ${h + 1}, ${dims}]`);
    }
  };
  expect('rgb', batch.rgb?.length, s * s * 3, `${s}, ${s}, 3`);
  expect('points', batch.points?.length, n * 3, `${n}, 3`);
  expect('proprio', batch.proprio?.length, config.proprio.dim, `${config.proprio.dim}`);
  expect('object', batch.object?.length, config.objectView.count * 3, `${config.objectView.count}, 3`);
  expect('objectPlace', batch.objectPlace?.length, 3, '3');
  expect('objectMotion', batch.objectMotion?.length, 3, '3');
  const a = config.actionDim;
  if (batch.actions.length !== b * h * a) {
    throw new RangeError(`training batch: actions has ${batch.actions.length} values, expected ${b * h * a} = [${b}, ${h}, ${a}]`);
  }
  for (const m of MODEL_MODALITIES) {
    const mask = batch.present?.[m];
    if (mask !== undefined && mask.length !== frames) {
      throw new RangeError(`training batch: present.${m} has ${mask.length} values, expected ${frames} = [${b}, ${h + 1}]`);
    }
  }
  return {
    count: frames,
    rgb: batch.rgb,
    points: batch.points,
    pointCount: n,
    proprio: batch.proprio,
    ...(batch.object === undefined ? {} : { object: batch.object }),
    present: batch.present,
    ...(batch.objectPlace === undefined ? {} : { objectPlace: batch.objectPlace }),
    ...(batch.objectMotion === undefined ? {} : { objectMotion: batch.objectMotion }),
  };
}

/** One sequence: H + 1 observations and the H action vectors taken between them. */
export interface Sequence {
  readonly observations: readonly Observation[];
  readonly actions: readonly ArrayLike<number>[];
}

/** Packs sequences of equal length (e.g. drawn from a replay buffer) into a TrainingBatch. */
export function packSequences(sequences: readonly Sequence[], config: ModelConfig): TrainingBatch {
  if (sequences.length === 0) throw new RangeError('packSequences: no sequences');
  const h = sequences[0].actions.length;
  const a = config.actionDim;
  const actions = new Float32Array(sequences.length * h * a);
  sequences.forEach((seq, i) => {
    if (seq.actions.length !== h || seq.observations.length !== h + 1) {
      throw new RangeError(
        `packSequences: sequence ${i} has ${seq.observations.length} observations and ${seq.actions.length} actions, ` +
          `expected ${h + 1} and ${h}`,
      );
    }
    seq.actions.forEach((act, k) => {
      if (act.length !== a) throw new RangeError(`packSequences: sequence ${i} action ${k} has ${act.length} values, expected ${a}`);
      actions.set(Array.from(act), (i * h + k) * a);
    });
  });
  const frames = framesFromObservations(sequences.flatMap((seq) => seq.observations), config);
  // Each frame's motion is from the frame before in its sequence; a sequence's first frame has none.
  const places = frames.objectPlace;
  const objectMotion = needsObjectMotion(config) && places !== undefined ? sequenceMotion(places, h + 1) : undefined;
  return {
    batchSize: sequences.length,
    horizon: h,
    rgb: frames.rgb,
    points: frames.points,
    pointCount: frames.pointCount,
    proprio: frames.proprio,
    ...(frames.object === undefined ? {} : { object: frames.object }),
    actions,
    present: frames.present,
    ...(frames.objectPlace === undefined ? {} : { objectPlace: frames.objectPlace }),
    ...(objectMotion === undefined ? {} : { objectMotion }),
  };
}

/** objectMotionBetween each frame and the one before it in sequences of `length` frames ([*, 3] places); 0 at every sequence's first frame. */
function sequenceMotion(places: Float32Array, length: number): Float32Array {
  const previous = new Float32Array(places.length).fill(Number.NaN);
  for (let row = 0; row < places.length / 3; row++) {
    if (row % length !== 0) previous.set(places.subarray(3 * (row - 1), 3 * row), 3 * row);
  }
  return objectMotionBetween(places, previous);
}
