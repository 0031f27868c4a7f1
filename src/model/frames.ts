import type { ModelConfig, Observation, RgbImage } from '../core/index.js';
import { perceiveCloud, perceivedObjectView } from '../perception/index.js';
import { proprioVector } from './proprioVector.js';

/**
 * The modalities the world model fuses (depth arrives as a point cloud; 'object' is the
 * perceived object's own points, model.objectView). New ones go last: checkpoints keep
 * per-modality statistics in this order.
 */
export type ModelModality = 'rgb' | 'points' | 'proprio' | 'object';
export const MODEL_MODALITIES: readonly ModelModality[] = ['rgb', 'points', 'proprio', 'object'];

/**
 * Raw inputs of `count` frames, packed row-major in sensor units; the model normalises
 * them. A modality absent here, or with present[r] === 0, is masked out of frame r's state.
 */
export interface ModelFrames {
  readonly count: number;
  /** [count, size, size, 3] uint8 RGB at the model's image size. */
  readonly rgb?: Uint8Array;
  /** [count, pointCount, 3] metres; every point finite. */
  readonly points?: Float32Array;
  /** Points per frame in `points`; the model's points.count when omitted. */
  readonly pointCount?: number;
  /** [count, proprio.dim], laid out by proprioLayout. */
  readonly proprio?: Float32Array;
  /** [count, objectView.count, 3] the object view: the perceived object's points relative to its middle, metres. */
  readonly object?: Float32Array;
  readonly present?: Partial<Record<ModelModality, Uint8Array>>;
  /**
   * [count, 3] where perception sees the object in each frame's cloud (base frame, metres),
   * NaN where it sees none: the object head's labels (model.objectHead) and, with
   * objectView.place, an input of the object view's encoder.
   */
  readonly objectPlace?: Float32Array;
  /**
   * [count, 3] how far the object's place moved since the tick before each frame (metres; 0
   * where either place is unknown, as at an episode's first frame): with objectView.motion, an
   * input of the object view's encoder. One frame does not show a rolling object's speed.
   */
  readonly objectMotion?: Float32Array;
}

/**
 * Packs observations into frames: images resampled, clouds through the perception stage
 * (workspace crop, support plane, self-filter, farthest-point sampling: model.perception),
 * proprio laid out. A cloud with nothing left after perception counts as absent. Modalities
 * the model has no encoder for are left out.
 */
export function framesFromObservations(observations: readonly Observation[], config: ModelConfig): ModelFrames {
  const n = observations.length;
  const s = config.image.size;
  const np = config.points.count;
  const pd = config.proprio.dim;
  const on = config.modalities;
  const rgb = on.rgb ? new Uint8Array(n * s * s * 3) : undefined;
  const points = on.points ? new Float32Array(n * np * 3) : undefined;
  const proprio = on.proprio ? new Float32Array(n * pd) : undefined;
  const no = config.objectView.count;
  const object = on.object ? new Float32Array(n * no * 3) : undefined;
  const present = { rgb: new Uint8Array(n), points: new Uint8Array(n), proprio: new Uint8Array(n), object: new Uint8Array(n) };
  const objectPlace = needsObjectPlace(config) ? new Float32Array(n * 3).fill(Number.NaN) : undefined;
  observations.forEach((obs, i) => {
    if (rgb !== undefined && obs.rgb !== undefined) {
      resampleImage(obs.rgb, s, rgb.subarray(i * s * s * 3, (i + 1) * s * s * 3));
      present.rgb[i] = 1;
    }
    if (points !== undefined && obs.points !== undefined) {
      const out = points.subarray(i * np * 3, (i + 1) * np * 3);
      present.points[i] = perceiveCloud(obs.points, config.perception, np, obs.robotShapes, out).kept > 0 ? 1 : 0;
    }
    if (object !== undefined || objectPlace !== undefined) {
      // One perception pass gives both the object view and the object head's label.
      const view = obs.points === undefined ? undefined : perceivedObjectView(obs, config.perception, no, object?.subarray(i * no * 3, (i + 1) * no * 3));
      if (view !== undefined) {
        objectPlace?.set(view.middle, 3 * i);
        present.object[i] = object === undefined ? 0 : 1;
      }
    }
    if (proprio !== undefined && obs.proprio !== undefined) {
      proprioVector(obs.proprio, pd, proprio, i * pd);
      present.proprio[i] = 1;
    }
  });
  return { count: n, rgb, points, pointCount: np, proprio, ...(object === undefined ? {} : { object }), present, ...(objectPlace === undefined ? {} : { objectPlace }) };
}

/** Whether frames carry objectPlace: the object head's label, and an input of the object view's encoder (objectView.place). */
export function needsObjectPlace(config: ModelConfig): boolean {
  return config.objectHead || (config.modalities.object && config.objectView.place);
}

/** Whether frames carry objectMotion, an input of the object view's encoder (objectView.motion). */
export function needsObjectMotion(config: ModelConfig): boolean {
  return config.modalities.object && config.objectView.place && config.objectView.motion;
}

/**
 * Per row of `places` ([*, 3], NaN where no object was seen), the place minus the same row of
 * `previous`, the places one tick before; 0 where either is unknown (no previous tick at all:
 * the object is taken to be at rest).
 */
export function objectMotionBetween(places: Float32Array, previous: Float32Array | undefined): Float32Array {
  const out = new Float32Array(places.length);
  if (previous === undefined) return out;
  for (let r = 0; r + 3 <= places.length; r += 3) {
    const d0 = places[r] - previous[r], d1 = places[r + 1] - previous[r + 1], d2 = places[r + 2] - previous[r + 2];
    if (Number.isFinite(d0) && Number.isFinite(d1) && Number.isFinite(d2)) out.set([d0, d1, d2], r);
  }
  return out;
}

/** Rows of `objectPlace` ([*, 3], NaN where no object was seen) and 1/0 for whether each has a place. */
export function gatherObjectPlaces(objectPlace: Float32Array, rows: readonly number[]): { values: Float32Array; mask: Float32Array } {
  const values = new Float32Array(rows.length * 3);
  const mask = new Float32Array(rows.length);
  rows.forEach((row, i) => {
    const x = objectPlace[3 * row], y = objectPlace[3 * row + 1], z = objectPlace[3 * row + 2];
    if (!(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z))) return;
    values.set([x, y, z], 3 * i);
    mask[i] = 1;
  });
  return { values, mask };
}

/** Nearest-neighbour resampling to size x size (a copy when the size already matches). */
export function resampleImage(image: RgbImage, size: number, out = new Uint8Array(size * size * 3)): Uint8Array {
  const { width, height, data } = image;
  if (data.length !== width * height * 3) {
    throw new RangeError(`rgb image ${image.frameId}: ${data.length} bytes for ${width}x${height}x3`);
  }
  for (let y = 0; y < size; y++) {
    const sy = Math.min(height - 1, Math.floor(((y + 0.5) * height) / size));
    for (let x = 0; x < size; x++) {
      const sx = Math.min(width - 1, Math.floor(((x + 0.5) * width) / size));
      const src = (sy * width + sx) * 3;
      const dst = (y * size + x) * 3;
      out[dst] = data[src];
      out[dst + 1] = data[src + 1];
      out[dst + 2] = data[src + 2];
    }
  }
  return out;
}

/** Whether frame `row` has modality `m` (data given and not masked out). */
export function isPresent(frames: ModelFrames, m: ModelModality, row: number): boolean {
  if (frames[m] === undefined) return false;
  const mask = frames.present?.[m];
  return mask === undefined || mask[row] !== 0;
}

/** Copies rows of `size` values out of row-major `data`; rows masked out (mask 0) stay zero. */
export function gatherRows(
  data: Float32Array | undefined,
  mask: Uint8Array | undefined,
  rows: readonly number[],
  size: number,
): Float32Array {
  const out = new Float32Array(rows.length * size);
  if (data === undefined) return out;
  rows.forEach((row, i) => {
    if (mask !== undefined && mask[row] === 0) return;
    out.set(data.subarray(row * size, (row + 1) * size), i * size);
  });
  return out;
}
