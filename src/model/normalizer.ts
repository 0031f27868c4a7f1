import * as tf from '@tensorflow/tfjs';
import type { ParamStore, Weights } from './paramStore.js';

/** A component whose std falls below this is treated as having this std (gripper held still...). */
const STD_FLOOR = 0.01;
/** After ~1000 batches the statistics become an exponential average, so they can follow drift. */
const MIN_RATE = 1e-3;

/**
 * Per-component running mean and std of an input (proprio, point coordinates, actions), kept
 * inside the model so that callers pass raw sensor units. Statistics are buffers in the
 * ParamStore: they travel with checkpoints. Until the first update it is the identity.
 */
export class RunningNormalizer {
  readonly name: string;
  readonly dim: number;
  readonly #store: ParamStore;

  constructor(store: ParamStore, name: string, dim: number) {
    this.name = name;
    this.dim = dim;
    this.#store = store;
    store.addBuffer(`${name}.mean`, [dim], { kind: 'zeros' });
    store.addBuffer(`${name}.std`, [dim], { kind: 'ones' });
    store.addBuffer(`${name}.sqmean`, [dim], { kind: 'ones' });
    store.addBuffer(`${name}.count`, [1], { kind: 'zeros' });
  }

  /** (x - mean) / std over the last axis, optionally clipped (inputs only: clipping stops gradients). */
  apply(w: Weights, x: tf.Tensor, clip?: number): tf.Tensor {
    const y = tf.div(tf.sub(x, w(`${this.name}.mean`)), w(`${this.name}.std`));
    return clip === undefined ? y : tf.clipByValue(y, -clip, clip);
  }

  /** Inverse of `apply` (without clipping), e.g. to decode proprio in sensor units. */
  invert(w: Weights, y: tf.Tensor): tf.Tensor {
    return tf.add(tf.mul(y, w(`${this.name}.std`)), w(`${this.name}.mean`));
  }

  /**
   * Folds in rows of `data` (row-major, `dim` per row); `rowMask[r] === 0` skips row r.
   * Non-finite values are skipped per component.
   */
  update(data: Float32Array, rowMask?: (row: number) => boolean): void {
    const d = this.dim;
    const rows = data.length / d;
    const sum = new Float64Array(d);
    const sq = new Float64Array(d);
    const n = new Float64Array(d);
    for (let r = 0; r < rows; r++) {
      if (rowMask !== undefined && !rowMask(r)) continue;
      for (let j = 0; j < d; j++) {
        const v = data[r * d + j];
        if (!Number.isFinite(v)) continue;
        sum[j] += v;
        sq[j] += v * v;
        n[j] += 1;
      }
    }
    if (n.every((c) => c === 0)) return;
    const mean = this.#read('mean');
    const sqmean = this.#read('sqmean');
    const count = this.#read('count')[0];
    const rate = Math.max(1 / (count + 1), MIN_RATE);
    const std = new Float32Array(d);
    for (let j = 0; j < d; j++) {
      if (n[j] > 0) {
        // The first batch replaces the identity prior outright (rate 1).
        mean[j] += rate * (sum[j] / n[j] - mean[j]);
        sqmean[j] += rate * (sq[j] / n[j] - sqmean[j]);
      }
      std[j] = Math.sqrt(Math.max(sqmean[j] - mean[j] * mean[j], STD_FLOOR * STD_FLOOR));
    }
    this.#write('mean', mean);
    this.#write('sqmean', sqmean);
    this.#write('std', std);
    this.#write('count', Float32Array.of(count + 1));
  }

  #read(field: string): Float32Array {
    // A copy: on the cpu backend dataSync hands out the tensor's own storage.
    return Float32Array.from(this.#store.get(`${this.name}.${field}`).dataSync());
  }

  #write(field: string, values: Float32Array): void {
    const v = this.#store.get(`${this.name}.${field}`);
    tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32')));
  }
}
