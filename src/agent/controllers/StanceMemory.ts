import * as tf from '@tensorflow/tfjs';
import type { ActionSpace } from '../../core/Action.js';
import type { CompactFrame } from '../../learn/CompactFrame.js';
import { packFrames } from '../../learn/packFrames.js';
import type { WorldModel } from '../../model/worldModel.js';

type Vec3 = [number, number, number];

/** One practice moment: the packed observation, the hand's offset from the perceived object, and the latent under the weights of `version`. */
interface Moment {
  readonly frame: CompactFrame;
  readonly offset: Vec3;
  latent: Float32Array;
  version: number;
}

/** Moments re-encoded per batch: bounds the tensors one encoder call holds. */
const ENCODE_CHUNK = 256;

/**
 * Practice moments with the hand near a perceived object, and the stance the world model
 * scores best for moving that object a wanted way (agent.planning.objectFirst.stance).
 *
 * Why frames and not latents alone: the learner replaces the weights between episodes, and a
 * latent encoded under older weights is not what this model reads in that moment, so stale
 * moments are encoded again (in batches) when a stance is asked for: at most `refreshLimit` of
 * them, the stalest first, so one stance never stalls the loop for long (about 1 ms a moment
 * on 2 cores); the others are scored with the latent of the weights they were last encoded
 * under. The latent the loop computed anyway is kept, so moments of the current weights cost nothing.
 */
export class StanceMemory {
  readonly #moments: Moment[] = [];
  #next = 0;

  constructor(
    readonly capacity: number,
    readonly refreshLimit = capacity,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`stance memory: capacity must be a positive integer, got ${capacity}`);
    if (!Number.isInteger(refreshLimit) || refreshLimit < 0) throw new RangeError(`stance memory: refresh limit must be a non-negative integer, got ${refreshLimit}`);
  }

  get size(): number {
    return this.#moments.length;
  }

  /** Keeps a moment; when full, the oldest one goes. */
  add(frame: CompactFrame, latent: Float32Array, weightsVersion: number, offset: readonly [number, number, number]): void {
    const moment: Moment = { frame, offset: [offset[0], offset[1], offset[2]], latent, version: weightsVersion };
    if (this.#moments.length < this.capacity) this.#moments.push(moment);
    else this.#moments[this.#next] = moment;
    this.#next = (this.#next + 1) % this.capacity;
  }

  /**
   * The hand offset from the object (base frame, metres) for moving it along the planar unit
   * `direction`: every moment's latent is rolled `steps` ticks ahead under `action` (the hand
   * moving that way), the object head read before and after, and the offsets of the `top`
   * moments with the largest predicted object motion along `direction` give their median,
   * axis by axis. `score` is the best moment's predicted motion, metres. Undefined when the
   * memory is empty or the model has no object head.
   */
  stance(model: WorldModel, action: Float32Array, direction: readonly [number, number], steps: number, top: number): { offset: Vec3; score: number } | undefined {
    const n = this.#moments.length;
    if (n === 0 || model.decodeObject === undefined) return undefined;
    this.#refresh(model);
    const decodeObject = model.decodeObject;
    const motion = tf.tidy(() => {
      let z: tf.Tensor2D = tf.tensor2d(concat(this.#moments.map((m) => m.latent)), [n, model.latentDim]);
      const before = decodeObject(z);
      const actions = tf.tile(tf.tensor2d(action, [1, action.length]), [n, 1]) as tf.Tensor2D;
      for (let s = 0; s < steps; s++) z = model.predict(z, actions);
      const moved = tf.sub(decodeObject(z), before);
      return tf.add(tf.mul(moved.slice([0, 0], [n, 1]), direction[0]), tf.mul(moved.slice([0, 1], [n, 1]), direction[1])).dataSync();
    });
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => motion[b] - motion[a]);
    const best = order.slice(0, Math.min(top, n)).map((i) => this.#moments[i].offset);
    const offset: Vec3 = [median(best.map((o) => o[0])), median(best.map((o) => o[1])), median(best.map((o) => o[2]))];
    return { offset, score: motion[order[0]] };
  }

  /** Encodes again the moments whose latent came from other weights than the model's now: the stalest first, at most refreshLimit. */
  #refresh(model: WorldModel): void {
    const stale = this.#moments
      .filter((m) => m.version !== model.weightsVersion)
      .sort((a, b) => a.version - b.version)
      .slice(0, this.refreshLimit);
    for (let start = 0; start < stale.length; start += ENCODE_CHUNK) {
      const chunk = stale.slice(start, start + ENCODE_CHUNK);
      const states = model.encodeFrames(packFrames(chunk.map((m) => m.frame), model.config));
      const values = states.dataSync();
      states.dispose();
      chunk.forEach((m, i) => {
        m.latent = Float32Array.from(values.subarray(i * model.latentDim, (i + 1) * model.latentDim));
        m.version = model.weightsVersion;
      });
    }
  }
}

/**
 * The probe action of a stance: the hand at full speed along the planar `direction`, nothing
 * else moving (0, or the nearest allowed value, on every other component). End-effector
 * spaces only: their first two components are the hand's x and y.
 */
export function handPushAction(space: ActionSpace, direction: readonly [number, number]): Float32Array {
  if (space.kind !== 'ee_delta') throw new RangeError(`stance: the probe action moves the hand, which needs an ee_delta action space, not ${space.kind}`);
  return Float32Array.from(space.low, (low, i) => {
    const wanted = i < 2 ? direction[i] * (direction[i] >= 0 ? space.high[i] : -low) : 0;
    return Math.min(space.high[i], Math.max(low, wanted));
  });
}

function concat(arrays: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((sum, a) => sum + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** The upper median (the script this was measured with took the same). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
