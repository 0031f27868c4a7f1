import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/core/Rng.js';
import { globalMaxPool } from '../../../src/model/engine/globalMaxPool.js';
import { assertClose, liveCounts, normalData, take } from './backendFixtures.js';

const rng = new Rng('globalMaxPool');

/** Reference on cpu with tf.max and its stock gradient, weighted so each channel's gradient differs. */
async function reference(data: Float32Array, shape: [number, number, number], weights: Float32Array): Promise<Float32Array[]> {
  await tf.setBackend('cpu');
  const x = tf.tensor3d(data, shape);
  const w = tf.tensor2d(weights, [shape[0], shape[2]]);
  const value = take(tf.max(x, 1));
  const grad = take(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.max(v, 1), w)))(x));
  tf.dispose([x, w]);
  return [value, grad];
}

async function ours(backend: 'wasm' | 'cpu', data: Float32Array, shape: [number, number, number], weights: Float32Array): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const x = tf.tensor3d(data, shape);
  const w = tf.tensor2d(weights, [shape[0], shape[2]]);
  const counts = liveCounts();
  const value = take(globalMaxPool(x));
  const grad = take(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(globalMaxPool(v as tf.Tensor3D), w)))(x));
  assert.deepEqual(liveCounts(), counts, 'tensors or buffers leaked');
  tf.dispose([x, w]);
  return [value, grad];
}

const SHAPES: Array<[number, number, number]> = [
  [1, 1, 4],
  [2, 5, 3],
  [3, 64, 17],
  [2, 257, 32],
];

describe('globalMaxPool', () => {
  for (const shape of SHAPES) {
    for (const backend of ['wasm', 'cpu'] as const) {
      test(`[${shape}] on ${backend}: value and gradient agree with tf.max on cpu, no leak`, async () => {
        const data = normalData(rng, shape);
        const weights = normalData(rng, [shape[0], shape[2]]);
        const [expectedValue, expectedGrad] = await reference(data, shape, weights);
        const [value, grad] = await ours(backend, data, shape, weights);
        assertClose(value, expectedValue, 'value', 0, 0);
        assertClose(grad, expectedGrad, 'gradient', 1e-6, 0);
      });
    }
  }

  test('the other-backend path (tf ops) agrees too', async () => {
    // Act out a backend without the JS kernels: register 'cpu' under another name.
    const factory = tf.findBackendFactory('cpu');
    assert.ok(factory !== null);
    tf.registerBackend('cpu-without-kernels', factory);
    for (const k of tf.getKernelsForBackend('cpu')) {
      if (!k.kernelName.startsWith('Jepa')) tf.registerKernel({ ...k, backendName: 'cpu-without-kernels' });
    }
    const shape: [number, number, number] = [2, 9, 5];
    const data = normalData(rng, shape);
    const weights = normalData(rng, [2, 5]);
    const [expectedValue, expectedGrad] = await reference(data, shape, weights);
    await tf.setBackend('cpu-without-kernels');
    const x = tf.tensor3d(data, shape);
    const w = tf.tensor2d(weights, [2, 5]);
    const value = take(globalMaxPool(x));
    const grad = take(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(globalMaxPool(v as tf.Tensor3D), w)))(x));
    tf.dispose([x, w]);
    await tf.setBackend('cpu');
    tf.removeBackend('cpu-without-kernels');
    assertClose(value, expectedValue, 'value', 0, 0);
    assertClose(grad, expectedGrad, 'gradient', 1e-6, 0);
  });

  test('ties give the whole gradient to the first maximal point', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor3d([1, 0, 1, 0, 0, 2], [1, 3, 2]);
    const grad = take(tf.grad((v: tf.Tensor) => tf.sum(globalMaxPool(v as tf.Tensor3D)))(x));
    x.dispose();
    assert.deepEqual(Array.from(grad), [1, 0, 0, 0, 0, 1]);
  });

  test('NaN wins the max, as with tf.max', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor3d([1, NaN, 5, 2], [1, 4, 1]);
    const value = take(globalMaxPool(x));
    x.dispose();
    assert.ok(Number.isNaN(value[0]));
  });

  test('inference outside a gradient tape keeps nothing alive', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor3d(normalData(rng, [2, 8, 4]), [2, 8, 4]);
    const counts = liveCounts();
    for (let i = 0; i < 3; i++) globalMaxPool(x).dispose();
    assert.deepEqual(liveCounts(), counts);
    x.dispose();
  });

  test('wrong rank or dtype is an error that names the shape', () => {
    const x2 = tf.zeros([3, 4]);
    const xi = tf.zeros([1, 3, 4], 'int32');
    assert.throws(() => globalMaxPool(x2 as unknown as tf.Tensor3D), /expected a \[batch, points, channels\] tensor, got shape \[3, 4\]/);
    assert.throws(() => globalMaxPool(xi as tf.Tensor3D), /expected float32, got int32/);
    tf.dispose([x2, xi]);
  });
});
