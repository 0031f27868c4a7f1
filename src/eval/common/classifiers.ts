import { fitRidge } from './ridge.js';
import type { RidgeOptions } from './ridge.js';

/** Labelled rows: features [n, d] and a class index per row. */
export interface LabelledSet {
  readonly x: ArrayLike<number>;
  readonly labels: ArrayLike<number>;
  readonly n: number;
  readonly d: number;
}

/**
 * Linear probe: ridge regression onto one-hot targets, the class of the largest output
 * (a least-squares classifier: closed form, hence deterministic and fast). Returns the
 * predicted class of each test row.
 */
export function ridgeClassify(train: LabelledSet, classes: number, test: ArrayLike<number>, m: number, options: RidgeOptions = {}): Int32Array {
  const y = new Float64Array(train.n * classes);
  for (let i = 0; i < train.n; i++) y[i * classes + train.labels[i]] = 1;
  const model = fitRidge(train.x, train.n, train.d, y, classes, options);
  const scores = model.predict(test, m);
  const out = new Int32Array(m);
  for (let r = 0; r < m; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (scores[r * classes + c] > scores[r * classes + best]) best = c;
    out[r] = best;
  }
  return out;
}

/**
 * k nearest neighbours by Euclidean distance, votes weighted by 1 / (distance + eps) so that
 * ties resolve toward the closer examples. k is capped at the number of labelled rows.
 */
export function knnClassify(train: LabelledSet, classes: number, test: ArrayLike<number>, m: number, k: number): Int32Array {
  const kk = Math.max(1, Math.min(k, train.n));
  const d = train.d;
  const out = new Int32Array(m);
  const dist = new Float64Array(train.n);
  const order = new Int32Array(train.n);
  const votes = new Float64Array(classes);
  for (let r = 0; r < m; r++) {
    for (let i = 0; i < train.n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const diff = test[r * d + j] - train.x[i * d + j];
        s += diff * diff;
      }
      dist[i] = Math.sqrt(s);
      order[i] = i;
    }
    // Partial selection of the k nearest (k is small), stable on index for equal distances.
    for (let a = 0; a < kk; a++) {
      let best = a;
      for (let b = a + 1; b < train.n; b++) if (dist[order[b]] < dist[order[best]]) best = b;
      const t = order[a];
      order[a] = order[best];
      order[best] = t;
    }
    votes.fill(0);
    for (let a = 0; a < kk; a++) votes[train.labels[order[a]]] += 1 / (dist[order[a]] + 1e-9);
    let best = 0;
    for (let c = 1; c < classes; c++) if (votes[c] > votes[best]) best = c;
    out[r] = best;
  }
  return out;
}

export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (predicted.length !== labels.length) throw new RangeError(`accuracy: ${predicted.length} predictions for ${labels.length} labels`);
  if (labels.length === 0) return NaN;
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) hits++;
  return hits / labels.length;
}
