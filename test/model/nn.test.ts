import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/core/index.js';
import { ParamStore } from '../../src/model/index.js';
import { addDense, addLayerNorm, dense, layerNorm, stopGradient } from '../../src/model/nn.js';
import { take, useTestBackend } from './fixtures.js';

before(useTestBackend);

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

test('dense under a gradient tape (one fused kernel) gives the values and gradients of the tf ops, on wasm and cpu', async () => {
  const rng = new Rng(3);
  const [n, k, m] = [37, 6, 9];
  const xs = rng.fillNormal(new Float32Array(n * k));
  const ws = rng.fillNormal(new Float32Array(k * m));
  const bs = rng.fillNormal(new Float32Array(m));
  const upstream = rng.fillNormal(new Float32Array(n * m));
  for (const backend of ['wasm', 'cpu'] as const) {
    await tf.setBackend(backend);
    for (const act of ['relu', 'elu', 'none'] as const) {
      const store = new ParamStore(new Rng(1));
      addDense(store, 'd', k, m);
      store.get('d.w').assign(tf.tensor2d(ws, [k, m]));
      store.get('d.b').assign(tf.tensor1d(bs));
      const x = tf.tensor2d(xs, [n, k]);
      const u = tf.tensor2d(upstream, [n, m]);
      const reference = (a: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor => {
        const z = tf.add(tf.matMul(a, w), b);
        return act === 'relu' ? tf.relu(z) : act === 'elu' ? tf.elu(z) : z;
      };
      const before = tf.memory().numTensors;
      const ours = tf.grads((a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(dense((name) => (name === 'd.w' ? w : b), 'd', a, act), u)),
      )([x, store.get('d.w'), store.get('d.b')]);
      const expected = tf.grads((a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(reference(a, w, b), u)))([
        x,
        store.get('d.w'),
        store.get('d.b'),
      ]);
      ours.forEach((g, i) => {
        const got = take(g);
        const want = take(expected[i]);
        got.forEach((v, j) => assert.ok(Math.abs(v - want[j]) <= 1e-4 * (1 + Math.abs(want[j])), `${backend} ${act} gradient ${i}[${j}]: ${v} vs ${want[j]}`));
      });
      assert.equal(tf.memory().numTensors, before, `${backend} ${act}: tensors leaked`);
      const value = take(tf.tidy(() => dense(store.weights, 'd', x, act)));
      const want = take(tf.tidy(() => reference(x, store.get('d.w'), store.get('d.b'))));
      value.forEach((v, j) => assert.ok(Math.abs(v - want[j]) <= 1e-5 * (1 + Math.abs(want[j])), `${backend} ${act} value[${j}]`));
      tf.dispose([x, u]);
      store.dispose();
    }
  }
  await useTestBackend();
});

test('layerNorm: values and gradients (x, gain, bias) of the plain tf ops, on wasm and cpu, rank 2 and 3', async () => {
  const rng = new Rng(5);
  const plain = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => {
    const centred = tf.sub(x, tf.mean(x, -1, true));
    const variance = tf.mean(tf.square(centred), -1, true);
    return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, 1e-5))), g), b);
  };
  for (const backend of ['wasm', 'cpu'] as const) {
    await tf.setBackend(backend);
    for (const shape of [[9, 6], [3, 5, 7]]) {
      const c = shape[shape.length - 1];
      const size = shape.reduce((p, d) => p * d, 1);
      const x = tf.tensor(rng.fillNormal(new Float32Array(size), 0.5, 2), shape);
      const u = tf.tensor(rng.fillNormal(new Float32Array(size)), shape);
      const g = tf.tensor1d(rng.fillNormal(new Float32Array(c), 1, 0.3));
      const b = tf.tensor1d(rng.fillNormal(new Float32Array(c)));
      const weights = (name: string): tf.Tensor => (name === 'ln.g' ? g : b);
      const before = tf.memory().numTensors;
      const ours = tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(layerNorm((n) => (n === 'ln.g' ? gg : bb), 'ln', a), u)),
      )([x, g, b]).map(take);
      const expected = tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(plain(a, gg, bb), u)))([x, g, b]).map(take);
      assert.equal(tf.memory().numTensors, before, `${backend} [${shape}]: tensors leaked`);
      const value = take(tf.tidy(() => layerNorm(weights, 'ln', x)));
      const want = take(tf.tidy(() => plain(x, g, b)));
      // The JS kernels keep row statistics in float64: the values agree to float32 rounding.
      value.forEach((v, j) => assert.ok(Math.abs(v - want[j]) <= 1e-5 * (1 + Math.abs(want[j])), `${backend} [${shape}] value[${j}]: ${v} vs ${want[j]}`));
      ours.forEach((got, i) =>
        got.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) <= 1e-4 * (1 + Math.abs(expected[i][j])), `${backend} [${shape}] gradient ${i}[${j}]: ${v} vs ${expected[i][j]}`)),
      );
      tf.dispose([x, u, g, b]);
    }
  }
  await useTestBackend();
});
