import type { ModelConfig, Observation, Rng } from '../core/index.js';
import { MODEL_MODALITIES, needsObjectMotion, needsObjectPlace, objectMotionBetween } from '../model/index.js';
import type { ModelFrames, ModelModality, TrainingBatch } from '../model/index.js';
import { checkCompactFrame, compactFrame, compactFrameSizes } from './CompactFrame.js';
import type { CompactFrame } from './CompactFrame.js';

/** One stored frame, as `at` returns it (copies). */
export interface StoredFrame {
  readonly frame: CompactFrame;
  /** The action taken after the frame; undefined where none was (the end of an episode). */
  readonly action: Float32Array | undefined;
  readonly episode: number;
}

/**
 * Bounded memory of lived frames, in preallocated rings of model-ready values (CompactFrame
 * layout) so its size in bytes is fixed at construction. Frames are added in the order they
 * were lived, each with the action that followed it and its episode id; the oldest frame is
 * overwritten when the ring is full.
 *
 * A sequence (H + 1 frames and the H actions between them) is sampled only where it lies
 * inside one episode, among frames added one after the other, each but the last carrying
 * its action, and entirely among the frames still stored: a sequence never crosses an
 * episode boundary or the ring's overwrite point. A gap in what was lived (a dropped
 * observation) must be marked by adding the frame before it with no action, or by a new
 * episode id. Batches are packed straight from the rings into the model's TrainingBatch.
 */
export class ReplayBuffer {
  readonly capacity: number;
  readonly #config: ModelConfig;
  readonly #sizes: Record<ModelModality, number>;
  readonly #data: Pick<ModelFrames, ModelModality>;
  readonly #present: Partial<Record<ModelModality, Uint8Array>> = {};
  /** [capacity, 3] where perception saw the object, NaN where it saw none; only when needsObjectPlace. */
  readonly #objectPlace: Float32Array | undefined;
  /** [capacity, 3] how far the object moved since the frame before (ModelFrames.objectMotion); only when needsObjectMotion. */
  readonly #objectMotion: Float32Array | undefined;
  readonly #actions: Float32Array;
  readonly #hasAction: Uint8Array;
  readonly #episode: Float64Array;
  /** How many linked frames precede each frame (same episode, each with its action), at the time it was added. */
  readonly #chain: Uint32Array;
  /** Frames ever added; the newest is at slot (added - 1) % capacity. */
  #added = 0;
  #ends: { horizon: number; added: number; ends: Int32Array } | undefined;
  #moving: { horizon: number; minMove: number; added: number; ends: Int32Array } | undefined;

  constructor(config: ModelConfig, capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) {
      throw new RangeError(`replay buffer: capacity must be an integer >= 2 frames, got ${capacity}`);
    }
    this.capacity = capacity;
    this.#config = config;
    this.#sizes = compactFrameSizes(config);
    const on = config.modalities;
    this.#data = {
      ...(on.rgb ? { rgb: new Uint8Array(capacity * this.#sizes.rgb) } : {}),
      ...(on.points ? { points: new Float32Array(capacity * this.#sizes.points) } : {}),
      ...(on.proprio ? { proprio: new Float32Array(capacity * this.#sizes.proprio) } : {}),
      ...(on.object ? { object: new Float32Array(capacity * this.#sizes.object) } : {}),
    };
    for (const m of MODEL_MODALITIES) if (on[m]) this.#present[m] = new Uint8Array(capacity);
    this.#objectPlace = needsObjectPlace(config) ? new Float32Array(capacity * 3).fill(Number.NaN) : undefined;
    this.#objectMotion = needsObjectMotion(config) ? new Float32Array(capacity * 3) : undefined;
    this.#actions = new Float32Array(capacity * config.actionDim);
    this.#hasAction = new Uint8Array(capacity);
    this.#episode = new Float64Array(capacity);
    this.#chain = new Uint32Array(capacity);
  }

  /** Frames stored now (at most `capacity`). */
  get size(): number {
    return Math.min(this.#added, this.capacity);
  }

  /** Frames ever added, overwritten ones included. */
  get added(): number {
    return this.#added;
  }

  /** Memory held by the rings; fixed at construction. */
  get bytes(): number {
    const arrays = [...Object.values(this.#data), ...Object.values(this.#present), this.#actions, this.#hasAction, this.#episode, this.#chain];
    if (this.#objectPlace !== undefined) arrays.push(this.#objectPlace);
    if (this.#objectMotion !== undefined) arrays.push(this.#objectMotion);
    return arrays.reduce((sum, a) => sum + a.byteLength, 0);
  }

  /**
   * Appends a frame, the action taken after it (undefined at the end of an episode or before
   * a gap) and its episode id. The frame's arrays are copied into the ring; modalities the
   * model has no encoder for are ignored.
   */
  add(frame: CompactFrame, action: ArrayLike<number> | undefined, episode: number): void {
    checkCompactFrame(frame, this.#config, `replay buffer frame ${this.#added}`);
    if (!Number.isFinite(episode)) throw new RangeError(`replay buffer frame ${this.#added}: episode must be a finite number, got ${episode}`);
    const a = this.#config.actionDim;
    if (action !== undefined && action.length !== a) {
      throw new RangeError(`replay buffer frame ${this.#added}: action has ${action.length} values, expected ${a} (model.actionDim)`);
    }
    const slot = this.#added % this.capacity;
    for (const m of MODEL_MODALITIES) {
      const ring = this.#data[m];
      const present = this.#present[m];
      if (ring === undefined || present === undefined) continue;
      const values = frame[m];
      const size = this.#sizes[m];
      if (values === undefined) ring.fill(0, slot * size, (slot + 1) * size);
      else ring.set(values, slot * size);
      present[slot] = values === undefined ? 0 : 1;
    }
    if (frame.objectPlace === undefined) this.#objectPlace?.fill(Number.NaN, slot * 3, slot * 3 + 3);
    else this.#objectPlace?.set(frame.objectPlace, slot * 3);
    if (action === undefined) this.#actions.fill(0, slot * a, (slot + 1) * a);
    else for (let i = 0; i < a; i++) this.#actions[slot * a + i] = action[i];
    this.#hasAction[slot] = action === undefined ? 0 : 1;
    this.#episode[slot] = episode;
    let chain = 0;
    if (this.#added > 0) {
      const prev = (this.#added - 1) % this.capacity;
      if (this.#episode[prev] === episode && this.#hasAction[prev] === 1) chain = Math.min(this.#chain[prev] + 1, this.capacity);
    }
    this.#chain[slot] = chain;
    if (this.#objectMotion !== undefined) {
      // Where the frame does not say how far the object moved, the linked frame before it in the episode does.
      const before = ((this.#added - 1) % this.capacity) * 3;
      const previous = chain > 0 ? this.#objectPlace?.subarray(before, before + 3) : undefined;
      const place = this.#objectPlace?.subarray(slot * 3, slot * 3 + 3) ?? new Float32Array(3).fill(Number.NaN);
      this.#objectMotion.set(frame.objectMotion ?? objectMotionBetween(place, previous), slot * 3);
    }
    this.#added++;
  }

  /** Converts the observation (compactFrame) and adds it. */
  addObservation(observation: Observation, action: ArrayLike<number> | undefined, episode: number): void {
    this.add(compactFrame(observation, this.#config), action, episode);
  }

  /** The stored frame `index` (0 = oldest) as copies. */
  at(index: number): StoredFrame {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`replay buffer: frame index ${index} out of range [0, ${this.size})`);
    }
    const slot = this.#slot(index);
    const copy = <T extends Uint8Array | Float32Array>(ring: T | undefined, m: ModelModality): T | undefined =>
      ring === undefined || this.#present[m]?.[slot] !== 1 ? undefined : (ring.slice(slot * this.#sizes[m], (slot + 1) * this.#sizes[m]) as T);
    const a = this.#config.actionDim;
    const rgb = copy(this.#data.rgb, 'rgb');
    const points = copy(this.#data.points, 'points');
    const proprio = copy(this.#data.proprio, 'proprio');
    const object = copy(this.#data.object, 'object');
    const place = this.#objectPlace?.slice(slot * 3, slot * 3 + 3);
    const objectPlace = place !== undefined && place.every(Number.isFinite) ? place : undefined;
    const objectMotion = this.#objectMotion?.slice(slot * 3, slot * 3 + 3);
    return {
      frame: { ...(rgb ? { rgb } : {}), ...(points ? { points } : {}), ...(proprio ? { proprio } : {}), ...(object ? { object } : {}), ...(objectPlace ? { objectPlace } : {}), ...(objectMotion ? { objectMotion } : {}) },
      action: this.#hasAction[slot] === 1 ? this.#actions.slice(slot * a, (slot + 1) * a) : undefined,
      episode: this.#episode[slot],
    };
  }

  /** How many distinct sequences of `horizon` actions can be sampled now. */
  sequenceCount(horizon: number): number {
    return this.#validEnds(horizon).length;
  }

  /** Valid sequences of `horizon` actions in which the object's place changed by at least `minMove` metres from first to last frame. */
  movingSequenceCount(horizon: number, minMove: number): number {
    return this.#movingEnds(horizon, minMove).length;
  }

  /**
   * Packs `batchSize` sequences of `horizon` actions, drawn uniformly (with replacement)
   * among the valid ones with `rng`, into a TrainingBatch (same buffer contents and rng
   * state give the same batch). `into`, a batch this method returned before with the same
   * sizes, is filled in place instead of allocating a new one (a learner's steady state).
   * With `objectMotion`, each sequence is drawn with probability `share` among those in which
   * the object moved (movingSequenceCount), when there are any.
   */
  sampleBatch(batchSize: number, horizon: number, rng: Rng, into?: TrainingBatch, objectMotion?: { share: number; minMove: number }): TrainingBatch {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`replay buffer: batchSize must be an integer >= 1, got ${batchSize}`);
    const ends = this.#validEnds(horizon);
    if (ends.length === 0) {
      throw new RangeError(
        `replay buffer: no sequence of ${horizon} actions among its ${this.size} frames ` +
          '(episodes shorter than horizon + 1 frames, or actions missing)',
      );
    }
    const h = horizon;
    const a = this.#config.actionDim;
    const frames = batchSize * (h + 1);
    // Reuse an array of `into` only where it has exactly the size needed.
    const take = <T extends Uint8Array | Float32Array>(old: T | undefined, length: number, make: (n: number) => T): T =>
      into !== undefined && old !== undefined && old.length === length ? old : make(length);
    const out = {
      rgb: this.#data.rgb && take(into?.rgb, frames * this.#sizes.rgb, (n) => new Uint8Array(n)),
      points: this.#data.points && take(into?.points, frames * this.#sizes.points, (n) => new Float32Array(n)),
      proprio: this.#data.proprio && take(into?.proprio, frames * this.#sizes.proprio, (n) => new Float32Array(n)),
      object: this.#data.object && take(into?.object, frames * this.#sizes.object, (n) => new Float32Array(n)),
    };
    const present: Partial<Record<ModelModality, Uint8Array>> = {};
    for (const m of MODEL_MODALITIES) if (this.#present[m] !== undefined) present[m] = take(into?.present?.[m], frames, (n) => new Uint8Array(n));
    const actions = take(into?.actions, batchSize * h * a, (n) => new Float32Array(n));
    const objectPlace = this.#objectPlace && take(into?.objectPlace, frames * 3, (n) => new Float32Array(n));
    const motion = this.#objectMotion && take(into?.objectMotion, frames * 3, (n) => new Float32Array(n));
    const share = objectMotion?.share ?? 0;
    const moving = objectMotion !== undefined && share > 0 ? this.#movingEnds(horizon, objectMotion.minMove) : undefined;
    for (let b = 0; b < batchSize; b++) {
      // No draw for the choice when there is nothing to prioritise: uniform batches stay as they were.
      const pool = moving !== undefined && moving.length > 0 && rng.next() < share ? moving : ends;
      const first = pool[rng.int(0, pool.length)] - h;
      for (let k = 0; k <= h; k++) {
        const slot = this.#slot(first + k);
        const row = b * (h + 1) + k;
        for (const m of MODEL_MODALITIES) {
          const ring = this.#data[m];
          const target = out[m];
          if (ring === undefined || target === undefined) continue;
          const size = this.#sizes[m];
          target.set(ring.subarray(slot * size, (slot + 1) * size), row * size);
          (present[m] as Uint8Array)[row] = (this.#present[m] as Uint8Array)[slot];
        }
        objectPlace?.set((this.#objectPlace as Float32Array).subarray(slot * 3, slot * 3 + 3), row * 3);
        motion?.set((this.#objectMotion as Float32Array).subarray(slot * 3, slot * 3 + 3), row * 3);
        if (k < h) actions.set(this.#actions.subarray(slot * a, (slot + 1) * a), (b * h + k) * a);
      }
    }
    return {
      batchSize,
      horizon: h,
      ...(out.rgb ? { rgb: out.rgb } : {}),
      ...(out.points ? { points: out.points, pointCount: this.#config.points.count } : {}),
      ...(out.proprio ? { proprio: out.proprio } : {}),
      ...(out.object ? { object: out.object } : {}),
      actions,
      present,
      ...(objectPlace ? { objectPlace } : {}),
      ...(motion ? { objectMotion: motion } : {}),
    };
  }

  /** The valid ends (#validEnds) whose sequence saw the object's place move by `minMove` or more. Cached until the next add. */
  #movingEnds(horizon: number, minMove: number): Int32Array {
    const ends = this.#validEnds(horizon);
    const cached = this.#moving;
    if (cached?.horizon === horizon && cached.minMove === minMove && cached.added === this.#added) return cached.ends;
    const place = this.#objectPlace;
    const out = new Int32Array(ends.length);
    let n = 0;
    if (place !== undefined) {
      for (const end of ends) {
        const a = this.#slot(end - horizon) * 3;
        const b = this.#slot(end) * 3;
        // NaN where perception saw no object: the comparison is false and the sequence is not counted.
        if (Math.hypot(place[b] - place[a], place[b + 1] - place[a + 1], place[b + 2] - place[a + 2]) >= minMove) out[n++] = end;
      }
    }
    const moving = out.slice(0, n);
    this.#moving = { horizon, minMove, added: this.#added, ends: moving };
    return moving;
  }

  /** Ring slot of stored frame `index` (0 = oldest). */
  #slot(index: number): number {
    const oldest = this.#added > this.capacity ? this.#added % this.capacity : 0;
    return (oldest + index) % this.capacity;
  }

  /**
   * Indices (0 = oldest) of the frames that can end a sequence: `horizon` linked frames
   * before them, all still stored. Cached until the next add.
   */
  #validEnds(horizon: number): Int32Array {
    if (!Number.isInteger(horizon) || horizon < 1) throw new RangeError(`replay buffer: horizon must be an integer >= 1, got ${horizon}`);
    if (this.#ends?.horizon === horizon && this.#ends.added === this.#added) return this.#ends.ends;
    const all = new Int32Array(Math.max(0, this.size - horizon));
    let n = 0;
    for (let i = horizon; i < this.size; i++) if (this.#chain[this.#slot(i)] >= horizon) all[n++] = i;
    const ends = all.slice(0, n);
    this.#ends = { horizon, added: this.#added, ends };
    return ends;
  }
}
