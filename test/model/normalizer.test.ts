import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/core/index.js';
import { ParamStore, RunningNormalizer } from '../../src/model/index.js';
import { take, useTestBackend } from './fixtures.js';

before(useTestBackend);

test('identity until updated, then standardises; invert undoes it', () => {
  const store = new ParamStore(new Rng(1));
  const norm = new RunningNormalizer(store, 'n', 2);
  const x = tf.tensor2d([[1, 10], [3, 30]]);
  assert.deepEqual(Array.from(take(norm.apply(store.weights, x))), [1, 10, 3, 30]);
  norm.update(Float32Array.from([1, 10, 3, 30]));
  const y = take(norm.apply(store.weights, x));
  assert.deepEqual(Array.from(y), [-1, -1, 1, 1]);
  const back = take(tf.tidy(() => norm.invert(store.weights, norm.apply(store.weights, x))));
  assert.deepEqual(Array.from(back), [1, 10, 3, 30]);
  x.dispose();
  store.dispose();
});

test('skips masked rows and non-finite values, floors the std, clips on request', () => {
  const store = new ParamStore(new Rng(1));
  const norm = new RunningNormalizer(store, 'n', 2);
  norm.update(Float32Array.from([5, NaN, 5, 2, 100, 4]), (row) => row < 2);
  assert.deepEqual(Array.from(store.get('n.mean').dataSync()), [5, 2]);
  assert.deepEqual(Array.from(store.get('n.std').dataSync()).map((v) => Math.round(v * 1e6) / 1e6), [0.01, 0.01]);
  const y = take(tf.tidy(() => norm.apply(store.weights, tf.tensor2d([[6, 2]]), 10)));
  assert.deepEqual(Array.from(y), [10, 0]);
  store.dispose();
});

test('running statistics average the batches seen so far', () => {
  const store = new ParamStore(new Rng(1));
  const norm = new RunningNormalizer(store, 'n', 1);
  norm.update(Float32Array.from([0, 2]));
  norm.update(Float32Array.from([4, 6]));
  assert.ok(Math.abs(store.get('n.mean').dataSync()[0] - 3) < 1e-6);
  // E[x^2] = (2 + 26) / 2 = 14, var = 14 - 9 = 5.
  assert.ok(Math.abs(store.get('n.std').dataSync()[0] - Math.sqrt(5)) < 1e-5);
  store.dispose();
});
