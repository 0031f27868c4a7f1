import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/core/Rng.js';
import { accuracy, knnClassify, ridgeClassify } from '../../../src/eval/common/classifiers.js';

/** Three Gaussian clusters in 6-d, well apart. */
function clusters(perClass: number, seed: number): { x: Float64Array; labels: Int32Array; n: number; d: number } {
  const rng = new Rng(seed);
  const d = 6;
  const n = 3 * perClass;
  const x = new Float64Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3;
    for (let j = 0; j < d; j++) x[i * d + j] = (j === labels[i] ? 4 : 0) + rng.normal();
  }
  return { x, labels, n, d };
}

test('the linear probe and k-NN separate separated classes, even from one label each', () => {
  const test = clusters(50, 2);
  for (const per of [1, 10]) {
    const train = clusters(per, 1);
    assert.ok(accuracy(ridgeClassify(train, 3, test.x, test.n), test.labels) > 0.85, `ridge, ${per} per class`);
    assert.ok(accuracy(knnClassify(train, 3, test.x, test.n, 5), test.labels) > 0.85, `k-NN, ${per} per class`);
  }
});

test('labels that carry no signal give chance-level accuracy', () => {
  const train = clusters(30, 1);
  const shuffled = { ...train, labels: new Rng(9).shuffle(Array.from(train.labels)) as unknown as Int32Array };
  const test = clusters(100, 2);
  const acc = accuracy(ridgeClassify({ ...shuffled, labels: Int32Array.from(shuffled.labels) }, 3, test.x, test.n), test.labels);
  assert.ok(acc < 0.6, `accuracy ${acc} from shuffled labels`);
});

test('k is capped at the labelled rows; accuracy checks lengths', () => {
  const train = { x: [0, 10], labels: [0, 1], n: 2, d: 1 };
  assert.deepEqual(Array.from(knnClassify(train, 2, [1, 9, 4], 3, 99)), [0, 1, 0]);
  assert.throws(() => accuracy([1], [1, 2]), /1 predictions for 2 labels/);
  assert.ok(Number.isNaN(accuracy([], [])));
});
