import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/core/index.js';
import type { TrainingBatch, WorldModel } from '../../src/model/index.js';

/**
 * A world with known linear dynamics x' = A x + B a, seen through fixed maps: a proprio-like
 * vector C x, and a point cloud (a fixed random shape moved by the first 3 components of D x).
 * Each view can get Gaussian noise, to test the fusion's reliability weights.
 */
export interface SyntheticWorldOptions {
  readonly stateDim?: number;
  readonly actionDim?: number;
  readonly proprioDim?: number;
  readonly pointCount?: number;
  readonly proprioNoise?: number;
  readonly pointNoise?: number;
  /** Std of Gaussian noise added to the state at every step (the unpredictable part of the world). */
  readonly processNoise?: number;
  readonly seed?: number;
}

export class SyntheticWorld {
  readonly n: number;
  readonly a: number;
  readonly p: number;
  readonly pointCount: number;
  readonly #A: Float64Array;
  readonly #B: Float64Array;
  readonly #C: Float64Array;
  readonly #D: Float64Array;
  readonly #shape: Float32Array;
  readonly #proprioNoise: number;
  readonly #pointNoise: number;
  readonly #processNoise: number;

  constructor(options: SyntheticWorldOptions = {}) {
    this.n = options.stateDim ?? 4;
    this.a = options.actionDim ?? 2;
    this.p = options.proprioDim ?? 10;
    this.pointCount = options.pointCount ?? 16;
    this.#proprioNoise = options.proprioNoise ?? 0;
    this.#pointNoise = options.pointNoise ?? 0;
    this.#processNoise = options.processNoise ?? 0;
    const rng = new Rng(options.seed ?? 1);
    const n = this.n;
    // A: rotations by 0.3 rad in coordinate pairs, damped to 0.95 so the state stays bounded.
    this.#A = new Float64Array(n * n);
    for (let i = 0; i + 1 < n; i += 2) {
      const c = 0.95 * Math.cos(0.3);
      const s = 0.95 * Math.sin(0.3);
      this.#A[i * n + i] = c;
      this.#A[i * n + i + 1] = -s;
      this.#A[(i + 1) * n + i] = s;
      this.#A[(i + 1) * n + i + 1] = c;
    }
    if (n % 2 === 1) this.#A[n * n - 1] = 0.95;
    this.#B = rng.fillNormal(new Float64Array(n * this.a), 0, 0.5);
    this.#C = rng.fillNormal(new Float64Array(this.p * n), 0, 1);
    this.#D = rng.fillNormal(new Float64Array(3 * n), 0, 0.3);
    this.#shape = rng.fillNormal(new Float32Array(this.pointCount * 3), 0, 0.2);
  }

  step(x: Float64Array, act: ArrayLike<number>, rng?: Rng): Float64Array {
    const n = this.n;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v += this.#A[i * n + j] * x[j];
      for (let j = 0; j < this.a; j++) v += this.#B[i * this.a + j] * act[j];
      out[i] = v + (rng === undefined ? 0 : this.#processNoise * rng.normal());
    }
    return out;
  }

  /** A batch of `b` sequences of `h` random actions from random states. */
  batch(rng: Rng, b: number, h: number): TrainingBatch {
    const frames = b * (h + 1);
    const proprio = new Float32Array(frames * this.p);
    const points = new Float32Array(frames * this.pointCount * 3);
    const actions = new Float32Array(b * h * this.a);
    for (let s = 0; s < b; s++) {
      let x: Float64Array = rng.fillNormal(new Float64Array(this.n), 0, 1);
      for (let k = 0; k <= h; k++) {
        const f = s * (h + 1) + k;
        const cloud = points.subarray(f * this.pointCount * 3, (f + 1) * this.pointCount * 3);
        this.#observe(rng, x, proprio.subarray(f * this.p, (f + 1) * this.p), cloud);
        if (k === h) break;
        const act = actions.subarray((s * h + k) * this.a, (s * h + k + 1) * this.a);
        for (let j = 0; j < this.a; j++) act[j] = rng.uniform(-1, 1);
        x = this.step(x, act, rng);
      }
    }
    return { batchSize: b, horizon: h, proprio, points, pointCount: this.pointCount, actions };
  }

  #observe(rng: Rng, x: Float64Array, proprio: Float32Array, points: Float32Array): void {
    const n = this.n;
    for (let i = 0; i < this.p; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v += this.#C[i * n + j] * x[j];
      proprio[i] = v + this.#proprioNoise * rng.normal();
    }
    const shift = [0, 1, 2].map((k) => {
      let v = 0;
      for (let j = 0; j < n; j++) v += this.#D[k * n + j] * x[j];
      return v;
    });
    for (let i = 0; i < this.pointCount; i++) {
      for (let k = 0; k < 3; k++) points[3 * i + k] = this.#shape[3 * i + k] + shift[k] + this.#pointNoise * rng.normal();
    }
  }
}

/**
 * Multi-step latent prediction error of `model` on `batch` against the copy-last-state
 * baseline (predict s_t for every s_t+k), and the per-dimension std of the encoded states.
 */
export function evaluate(model: WorldModel, batch: TrainingBatch): { model: number; copy: number; std: number } {
  return tf.tidy(() => {
    const { batchSize: b, horizon: h } = batch;
    const states = model.encodeFrames({ count: b * (h + 1), proprio: batch.proprio, points: batch.points, pointCount: batch.pointCount });
    const seq = tf.reshape(states, [b, h + 1, -1]);
    const start = tf.squeeze(tf.slice(seq, [0, 0, 0], [-1, 1, -1]), [1]) as tf.Tensor2D;
    const future = tf.slice(seq, [0, 1, 0], [-1, h, -1]);
    const predicted = model.rollout(start, tf.tensor3d(batch.actions, [b, h, model.actionDim]));
    const err = tf.mean(tf.square(tf.sub(predicted, future))).dataSync()[0];
    const copy = tf.mean(tf.square(tf.sub(tf.expandDims(start, 1), future))).dataSync()[0];
    const std = tf.mean(tf.sqrt(tf.moments(states, 0).variance)).dataSync()[0];
    return { model: err, copy, std };
  });
}
