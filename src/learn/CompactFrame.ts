import type { ModelConfig, Observation } from '../core/index.js';
import { framesFromObservations, objectMotionBetween } from '../model/index.js';
import type { ModelFrames, ModelModality } from '../model/index.js';

/**
 * One observation as the model consumes it, in a few typed arrays: RGB resampled to the
 * model's image size, the cloud resampled to its point count, proprio laid out as its vector.
 * A modality is present exactly when its field is set. Each array owns its whole buffer, so
 * the main thread converts an Observation once and transfers the frame to a worker (no copy).
 */
export interface CompactFrame {
  /** [size, size, 3] uint8. */
  readonly rgb?: Uint8Array;
  /** [pointCount, 3] metres, every point finite. */
  readonly points?: Float32Array;
  /** [proprio.dim], proprioLayout order. */
  readonly proprio?: Float32Array;
  /** [objectView.count, 3] the perceived object's points relative to its middle, metres. */
  readonly object?: Float32Array;
  /** [3] where perception saw the object (model.objectHead's label), base frame, metres; absent where it saw none. */
  readonly objectPlace?: Float32Array;
  /**
   * [3] how far that place moved since the frame before (ModelFrames.objectMotion), metres. A
   * replay buffer derives it from the frame before in the same episode where it is absent.
   */
  readonly objectMotion?: Float32Array;
}

/** Converts an observation with the model's own packing (framesFromObservations): nothing is resampled twice. */
export function compactFrame(observation: Observation, config: ModelConfig): CompactFrame {
  return compactFromFrames(framesFromObservations([observation], config));
}

/** The compact frame of packed frames holding one observation (count 1): what a caller that packed it to encode it can keep without packing again. */
export function compactFromFrames(frames: ModelFrames): CompactFrame {
  if (frames.count !== 1) throw new RangeError(`compact frame: expected packed frames of one observation, got ${frames.count}`);
  const present = frames.present;
  return {
    ...(frames.rgb !== undefined && present?.rgb?.[0] === 1 ? { rgb: frames.rgb } : {}),
    ...(frames.points !== undefined && present?.points?.[0] === 1 ? { points: frames.points } : {}),
    ...(frames.proprio !== undefined && present?.proprio?.[0] === 1 ? { proprio: frames.proprio } : {}),
    ...(frames.object !== undefined && present?.object?.[0] === 1 ? { object: frames.object } : {}),
    ...(frames.objectPlace !== undefined && frames.objectPlace.every(Number.isFinite) ? { objectPlace: frames.objectPlace } : {}),
    ...(frames.objectMotion !== undefined ? { objectMotion: frames.objectMotion } : {}),
  };
}

/**
 * The frames of one episode, in the order they were lived, each with its objectMotion: its
 * place minus the frame before's (0 at the first frame, or where either place is unknown).
 */
export function withObjectMotion(frames: readonly CompactFrame[]): CompactFrame[] {
  return frames.map((frame, i) => {
    const place = frame.objectPlace ?? new Float32Array(3).fill(Number.NaN);
    return { ...frame, objectMotion: objectMotionBetween(place, i === 0 ? undefined : frames[i - 1].objectPlace) };
  });
}

/** Number of values each modality of a frame holds under `config`. */
export function compactFrameSizes(config: ModelConfig): Record<ModelModality, number> {
  return { rgb: config.image.size ** 2 * 3, points: config.points.count * 3, proprio: config.proprio.dim, object: config.objectView.count * 3 };
}

/** Throws a RangeError naming the field when a frame does not fit the model config or holds a non-finite number. */
export function checkCompactFrame(frame: CompactFrame, config: ModelConfig, where = 'compact frame'): void {
  const sizes = compactFrameSizes(config);
  const check = (field: ModelModality, array: unknown, type: typeof Uint8Array | typeof Float32Array): void => {
    if (array === undefined) return;
    if (!(array instanceof type)) {
      const got = typeof array === 'object' && array !== null ? array.constructor.name : typeof array;
      throw new TypeError(`${where}: ${field} is a ${got}, expected a ${type.name}`);
    }
    if (array.length !== sizes[field]) {
      throw new RangeError(`${where}: ${field} has ${array.length} values, expected ${sizes[field]} for model.${sizeKey[field]}`);
    }
    // One non-finite value learned on would make every weight NaN.
    if (array instanceof Float32Array) {
      for (let i = 0; i < array.length; i++) {
        if (!Number.isFinite(array[i])) throw new RangeError(`${where}: ${field}[${i}] is ${array[i]}, expected a finite number`);
      }
    }
  };
  check('rgb', frame.rgb, Uint8Array);
  check('points', frame.points, Float32Array);
  check('proprio', frame.proprio, Float32Array);
  check('object', frame.object, Float32Array);
  const place = frame.objectPlace;
  if (place !== undefined && (!(place instanceof Float32Array) || place.length !== 3 || !place.every(Number.isFinite))) {
    throw new RangeError(`${where}: objectPlace must be 3 finite metres (x, y, z) in a Float32Array, got ${describe(place)}`);
  }
  const motion = frame.objectMotion;
  if (motion !== undefined && (!(motion instanceof Float32Array) || motion.length !== 3 || !motion.every(Number.isFinite))) {
    throw new RangeError(`${where}: objectMotion must be 3 finite metres (x, y, z) in a Float32Array, got ${describe(motion)}`);
  }
}

function describe(value: unknown): string {
  if (value instanceof Float32Array) return `[${Array.from(value).join(', ')}]`;
  return typeof value === 'object' && value !== null ? `a ${value.constructor.name}` : typeof value;
}

const sizeKey = { rgb: 'image.size', points: 'points.count', proprio: 'proprio.dim', object: 'objectView.count' } as const;

/**
 * The buffers to transfer when posting `frame` to a worker. Arrays that are views on a larger
 * buffer, or on shared memory, are left out: transferring would detach (or cannot move) memory
 * the frame does not own, so those are copied by the structured clone instead.
 */
export function compactFrameTransferList(frame: CompactFrame): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const array of [frame.rgb, frame.points, frame.proprio, frame.object, frame.objectPlace, frame.objectMotion]) {
    if (array === undefined) continue;
    const buffer = array.buffer;
    if (buffer instanceof ArrayBuffer && array.byteOffset === 0 && array.byteLength === buffer.byteLength && !out.includes(buffer)) {
      out.push(buffer);
    }
  }
  return out;
}
