import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/core/index.js';
import { ParamStore } from '../../src/model/index.js';
import { addDense, addLayerNorm, dense, layerNorm, stopGradient } from '../../src/model/nn.js';
import { take, useWasm } from './fixtures.js';

before(useWasm);

test('stopGradient passes values forward and no gradient back', () => {
  const x = tf.tensor1d([1, 2, 3]);
  const g = tf.grad((v: tf.Tensor) => tf.sum(tf.add(tf.mul(stopGradient(v), v), stopGradient(tf.square(v)))))(x);
  // d/dv [sg(v) * v + sg(v^2)] = sg(v) = v
  assert.deepEqual(Array.from(take(g)), [1, 2, 3]);
  x.dispose();
});

test('dense handles rank-3 inputs; layerNorm standardises the last axis', () => {
  const store = new ParamStore(new Rng(1));
  addDense(store, 'd', 3, 2);
  addLayerNorm(store, 'ln', 4);
  const x = tf.tensor3d(new Rng(2).fillNormal(new Float32Array(2 * 5 * 3)), [2, 5, 3]);
  const y = dense(store.weights, 'd', x, 'relu');
  assert.deepEqual(y.shape, [2, 5, 2]);
  assert.ok(take(y).every((v) => v >= 0));
  const z = take(layerNorm(store.weights, 'ln', tf.tensor2d([[1, 2, 3, 4]])));
  assert.ok(Math.abs(z.reduce((a, b) => a + b, 0)) < 1e-5);
  assert.ok(Math.abs(z.reduce((a, b) => a + b * b, 0) / 4 - 1) < 1e-3);
  x.dispose();
  store.dispose();
});
