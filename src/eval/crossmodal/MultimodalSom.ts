import type { Rng } from '../../core/Rng.js';

export interface SomTraining {
  readonly epochs: number;
  readonly batchSize: number;
  /** Learning rate lambda, decayed exponentially from start to end over training. */
  readonly learningRate: readonly [number, number];
  /** Neighbourhood width sigma in grid cells, decayed exponentially from start to end. */
  readonly sigma: readonly [number, number];
  readonly rng: Rng;
  readonly onEpoch?: (epoch: number, epochs: number) => void;
}

/** Below this neighbourhood value a neuron's update is skipped (it would be ~0 anyway). */
const NEIGHBOURHOOD_CUTOFF = 1e-4;

/**
 * The multi-modal self-organising map of Jülg et al. (AMAM 2023), after Lallee & Dominey's
 * multi-modal convergence maps. A grid of neurons holds one weight vector per modality.
 * Activity of neuron (x, y) for modality m: a = -(c_m / n_m) * sum |w - d| (eq. 2); combined
 * activity A = sum_m a_m / sum_m c_m over the modalities present (eq. 3); the most active
 * neuron wins; every neuron moves toward the sample by lambda * mu(distance to the winner)
 * (eq. 4, mu a Gaussian neighbourhood); updates are averaged over a mini-batch (eq. 5).
 * Mapping: present one modality, take the winner's weights of another. Plain typed arrays:
 * the map is small and this keeps training exact and reproducible.
 */
export class MultimodalSom {
  readonly width: number;
  readonly height: number;
  readonly dims: readonly number[];
  readonly influence: readonly number[];
  /** Per modality: [width * height, dims[m]] row-major. */
  readonly weights: Float32Array[];

  constructor(width: number, height: number, dims: readonly number[], influence: readonly number[] = dims.map(() => 1)) {
    if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) throw new RangeError(`som: grid must be positive integers, got ${width} x ${height}`);
    if (dims.length < 1 || dims.some((d) => !Number.isInteger(d) || d < 1)) throw new RangeError(`som: modality sizes must be positive integers, got [${dims.join(', ')}]`);
    if (influence.length !== dims.length || influence.some((c) => !(c > 0))) throw new RangeError(`som: one positive influence factor per modality expected, got [${influence.join(', ')}]`);
    this.width = width;
    this.height = height;
    this.dims = dims;
    this.influence = influence;
    this.weights = dims.map((d) => new Float32Array(width * height * d));
  }

  get neurons(): number {
    return this.width * this.height;
  }

  /** Bytes held by the map's weights. */
  get bytes(): number {
    return this.weights.reduce((s, w) => s + w.byteLength, 0);
  }

  /** Starts every neuron at a random training sample (all modalities of the same sample). */
  initFromSamples(data: readonly Float32Array[], count: number, rng: Rng): void {
    this.#checkData(data, count);
    for (let k = 0; k < this.neurons; k++) {
      const i = rng.int(0, count);
      this.dims.forEach((d, m) => this.weights[m].set(data[m].subarray(i * d, (i + 1) * d), k * d));
    }
  }

  /**
   * Combined activity (eq. 2-3) of every neuron for one sample, over the modalities in
   * `use`; `sample[m]` is read at row `row`. Returns the winner (highest activity).
   */
  winner(sample: readonly (Float32Array | undefined)[], row: number, use: readonly number[]): number {
    let cSum = 0;
    for (const m of use) cSum += this.influence[m];
    let best = 0;
    let bestA = -Infinity;
    for (let k = 0; k < this.neurons; k++) {
      let a = 0;
      for (const m of use) {
        const d = this.dims[m];
        const w = this.weights[m];
        const x = sample[m]!;
        let s = 0;
        for (let j = 0; j < d; j++) s += Math.abs(w[k * d + j] - x[row * d + j]);
        a -= (this.influence[m] / d) * s;
      }
      a /= cSum;
      if (a > bestA) {
        bestA = a;
        best = k;
      }
    }
    return best;
  }

  /** Trains on every modality of `count` samples; returns the mean quantisation error (combined MAE to the winner) per epoch. */
  train(data: readonly Float32Array[], count: number, options: SomTraining): number[] {
    this.#checkData(data, count);
    const all = this.dims.map((_, m) => m);
    const order = Array.from({ length: count }, (_, i) => i);
    const batches = Math.ceil(count / options.batchSize);
    const totalSteps = Math.max(1, options.epochs * batches - 1);
    const decay = ([a, b]: readonly [number, number], t: number): number => a * (b / a) ** t;
    const delta = this.weights.map((w) => new Float32Array(w.length));
    const neighbourhood = new Float64Array(this.neurons);
    const errors: number[] = [];
    let step = 0;
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      options.rng.shuffle(order);
      let qe = 0;
      for (let b = 0; b < batches; b++, step++) {
        const t = step / totalSteps;
        const lr = decay(options.learningRate, t);
        const sigma = decay(options.sigma, t);
        const rows = order.slice(b * options.batchSize, (b + 1) * options.batchSize);
        delta.forEach((d) => d.fill(0));
        for (const i of rows) {
          const win = this.winner(data, i, all);
          qe += this.#distance(data, i, win);
          const wx = win % this.width;
          const wy = Math.floor(win / this.width);
          for (let k = 0; k < this.neurons; k++) {
            const dx = (k % this.width) - wx;
            const dy = Math.floor(k / this.width) - wy;
            neighbourhood[k] = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
          }
          // eq. 4 for each item, summed here and averaged below (eq. 5).
          this.dims.forEach((d, m) => {
            const w = this.weights[m];
            const x = data[m];
            const dm = delta[m];
            for (let k = 0; k < this.neurons; k++) {
              const mu = neighbourhood[k];
              if (mu < NEIGHBOURHOOD_CUTOFF) continue;
              const g = lr * mu;
              for (let j = 0; j < d; j++) dm[k * d + j] += (w[k * d + j] - x[i * d + j]) * g;
            }
          });
        }
        const inv = 1 / rows.length;
        this.weights.forEach((w, m) => {
          const dm = delta[m];
          for (let q = 0; q < w.length; q++) w[q] -= dm[q] * inv;
        });
      }
      errors.push(qe / count);
      options.onEpoch?.(epoch + 1, options.epochs);
    }
    return errors;
  }

  /** Presents modality `from` of each of `count` samples; writes the winners' modality-`to` weights [count, dims[to]]. */
  map(input: Float32Array, count: number, from: number, to: number): Float32Array {
    const d = this.dims[from];
    if (input.length !== count * d) throw new RangeError(`som.map: ${input.length} values, expected ${count} x ${d} for modality ${from}`);
    const out = new Float32Array(count * this.dims[to]);
    const sample: (Float32Array | undefined)[] = this.dims.map(() => undefined);
    sample[from] = input;
    const dt = this.dims[to];
    for (let i = 0; i < count; i++) {
      const win = this.winner(sample, i, [from]);
      out.set(this.weights[to].subarray(win * dt, (win + 1) * dt), i * dt);
    }
    return out;
  }

  #distance(data: readonly Float32Array[], i: number, k: number): number {
    let s = 0;
    let c = 0;
    this.dims.forEach((d, m) => {
      let e = 0;
      for (let j = 0; j < d; j++) e += Math.abs(this.weights[m][k * d + j] - data[m][i * d + j]);
      s += (this.influence[m] / d) * e;
      c += this.influence[m];
    });
    return s / c;
  }

  #checkData(data: readonly Float32Array[], count: number): void {
    if (data.length !== this.dims.length) throw new RangeError(`som: ${data.length} modalities given, the map has ${this.dims.length}`);
    data.forEach((x, m) => {
      if (x.length !== count * this.dims[m]) throw new RangeError(`som: modality ${m} has ${x.length} values, expected ${count} x ${this.dims[m]}`);
    });
  }
}
