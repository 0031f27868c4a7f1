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
  /** What happened next (StanceMemory.follow): how far the hand and the perceived object moved on the table over the following ticks. */
  outcome?: { readonly hand: readonly [number, number]; readonly object: readonly [number, number] };
}

/** Where the hand and the perceived object were at one practice tick (no object: none seen). */
interface Whereabouts {
  readonly hand: Vec3;
  readonly object: Vec3 | undefined;
}

/** Moments re-encoded per batch: bounds the tensors one encoder call holds. */
const ENCODE_CHUNK = 256;

/**
 * Practice moments with the hand near a perceived object, and the stance the world model
 * scores best for moving that object a wanted way (agent.planning.objectFirst.stance), or the
 * one practice itself showed best (experienceStance).
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
  /** Practice ticks followed so far, and where things were at the latest one of this episode. */
  #tick = 0;
  #now: Whereabouts | undefined;
  /** Moments of this episode still waiting for their outcome. */
  #pending: { moment: Moment; tick: number; start: Whereabouts }[] = [];

  /** `outcomeTicks`: how many ticks after a moment its outcome is taken (follow). */
  constructor(
    readonly capacity: number,
    readonly refreshLimit = capacity,
    readonly outcomeTicks = 2,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`stance memory: capacity must be a positive integer, got ${capacity}`);
    if (!Number.isInteger(refreshLimit) || refreshLimit < 0) throw new RangeError(`stance memory: refresh limit must be a non-negative integer, got ${refreshLimit}`);
    if (!Number.isInteger(outcomeTicks) || outcomeTicks < 1) throw new RangeError(`stance memory: outcome ticks must be a positive integer, got ${outcomeTicks}`);
  }

  get size(): number {
    return this.#moments.length;
  }

  /** Moments whose outcome is known (see follow). */
  get withOutcome(): number {
    return this.#moments.reduce((n, m) => n + (m.outcome === undefined ? 0 : 1), 0);
  }

  /**
   * Keeps a moment; when full, the oldest one goes. A moment kept at a tick that follow was
   * told of gets its outcome `outcomeTicks` later.
   */
  add(frame: CompactFrame, latent: Float32Array, weightsVersion: number, offset: readonly [number, number, number]): void {
    const moment: Moment = { frame, offset: [offset[0], offset[1], offset[2]], latent, version: weightsVersion };
    if (this.#moments.length < this.capacity) this.#moments.push(moment);
    else this.#moments[this.#next] = moment;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#now !== undefined) this.#pending.push({ moment, tick: this.#tick, start: this.#now });
  }

  /**
   * Where the hand and the perceived object are at this practice tick (before any add for it):
   * the moments kept `outcomeTicks` ago get their outcome, how far each moved on the table
   * since; none where the object was not seen at either end.
   */
  follow(hand: ArrayLike<number>, object: ArrayLike<number> | undefined): void {
    this.#tick++;
    const now: Whereabouts = { hand: [hand[0], hand[1], hand[2]], object: object === undefined ? undefined : [object[0], object[1], object[2]] };
    this.#now = now;
    const due = this.#pending.filter((p) => this.#tick - p.tick >= this.outcomeTicks);
    this.#pending = this.#pending.filter((p) => this.#tick - p.tick < this.outcomeTicks);
    for (const { moment, start } of due) {
      if (start.object === undefined || now.object === undefined) continue;
      moment.outcome = {
        hand: [now.hand[0] - start.hand[0], now.hand[1] - start.hand[1]],
        object: [now.object[0] - start.object[0], now.object[1] - start.object[1]],
      };
    }
  }

  /** An episode ended: what happens next belongs to another scene, so the moments still waiting keep no outcome. */
  endEpisode(): void {
    this.#pending = [];
    this.#now = undefined;
  }

  /**
   * The hand offset from the object for moving it along the planar unit `direction`, from what
   * practice showed rather than from the model: each moment with an outcome whose hand moved
   * at least `minHandMove` on the table is scored by how far the object then moved along the
   * hand's own motion, and its offset is turned about the vertical from that motion's frame
   * into `direction`'s (a push works the same whichever way the table is faced). The median,
   * axis by axis, of the `top` best turned offsets; with `mirror`, none across `direction`
   * (a push works the same mirrored). `score` is the best moment's motion, metres. Undefined
   * when no moment qualifies.
   */
  experienceStance(direction: readonly [number, number], top: number, minHandMove: number, mirror = false): { offset: Vec3; score: number } | undefined {
    const scored: { offset: Vec3; along: number; score: number }[] = [];
    for (const { offset, outcome } of this.#moments) {
      if (outcome === undefined) continue;
      const length = Math.hypot(outcome.hand[0], outcome.hand[1]);
      if (!(length >= minHandMove) || length === 0) continue;
      const u = [outcome.hand[0] / length, outcome.hand[1] / length];
      const along = offset[0] * u[0] + offset[1] * u[1];
      const across = -offset[0] * u[1] + offset[1] * u[0];
      scored.push({
        offset: [along * direction[0] - across * direction[1], along * direction[1] + across * direction[0], offset[2]],
        along,
        score: outcome.object[0] * u[0] + outcome.object[1] * u[1],
      });
    }
    if (scored.length === 0) return undefined;
    const best = scored.sort((a, b) => b.score - a.score).slice(0, top);
    const score = scored[0].score;
    const height = median(best.map((m) => m.offset[2]));
    if (mirror) {
      // On the line: the median distance along it (axis by axis, the medians of x and y could come from different moments).
      const along = median(best.map((m) => m.along));
      return { offset: [along * direction[0], along * direction[1], height], score };
    }
    return { offset: [median(best.map((m) => m.offset[0])), median(best.map((m) => m.offset[1])), height], score };
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
