import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/core/Rng.js';
import { layerNorm } from '../../../src/model/engine/layerNorm.js';
import { assertClose, liveCounts, normalData, take } from './backendFixtures.js';

const rng = new Rng('layerNorm');

/** The plain tf ops with tfjs's own gradients. */
function plain(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const centred = tf.sub(x, tf.mean(x, -1, true));
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, 1e-5))), g), b);
}

/** Value and gradients (x, g, b) of sum(f(x, g, b) * u), checking for leaks. */
function run(f: (x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor, shape: number[], data: Float32Array[]): Float32Array[] {
  const c = shape[shape.length - 1];
  const x = tf.tensor(data[0], shape);
  const u = tf.tensor(data[1], shape);
  const g = tf.tensor1d(data[2]);
  const b = tf.tensor1d(data[3]);
  const counts = liveCounts();
  const value = take(tf.tidy(() => f(x, g, b)));
  const grads = tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx, gg as tf.Tensor1D, bb as tf.Tensor1D), u)))([x, g, b]).map(take);
  assert.deepEqual(liveCounts(), counts, 'tensors or buffers leaked');
  assert.equal(grads[1].length, c);
  tf.dispose([x, u, g, b]);
  return [value, ...grads];
}

const LABELS = ['value', 'dx', 'dg', 'db'];

describe('layerNorm', () => {
  for (const shape of [[32, 64, 64], [5, 1], [7, 130]]) {
    for (const backend of ['wasm', 'cpu'] as const) {
      test(`[${shape}] on ${backend}: value and gradients of the plain tf ops on cpu, no leak`, async () => {
        const c = shape[shape.length - 1];
        const size = shape.reduce((p, d) => p * d, 1);
        const data = [normalData(rng, [size], 2), normalData(rng, [size]), normalData(rng, [c]), normalData(rng, [c])];
        await tf.setBackend('cpu');
        const expected = run(plain, shape, data);
        await tf.setBackend(backend);
        const got = run(layerNorm, shape, data);
        got.forEach((v, i) => assertClose(v, expected[i], `${backend} ${LABELS[i]}`, 1e-4, 1e-4));
      });
    }
  }

  test('the other-backend path (tf ops) agrees too', async () => {
    // Act out a backend without the JS kernels: register 'cpu' under another name.
    const factory = tf.findBackendFactory('cpu');
    assert.ok(factory !== null);
    tf.registerBackend('cpu-without-layer-norm', factory);
    for (const k of tf.getKernelsForBackend('cpu')) {
      if (!k.kernelName.startsWith('Jepa')) tf.registerKernel({ ...k, backendName: 'cpu-without-layer-norm' });
    }
    const shape = [3, 4, 9];
    const data = [normalData(rng, [108], 2), normalData(rng, [108]), normalData(rng, [9]), normalData(rng, [9])];
    await tf.setBackend('cpu');
    const expected = run(plain, shape, data);
    await tf.setBackend('cpu-without-layer-norm');
    const got = run(layerNorm, shape, data);
    await tf.setBackend('cpu');
    tf.removeBackend('cpu-without-layer-norm');
    got.forEach((v, i) => assertClose(v, expected[i], `fallback ${LABELS[i]}`, 1e-4, 1e-4));
  });

  test('a gain or bias of the wrong size is an error that names the shapes', () => {
    const x = tf.zeros([2, 3]);
    const g = tf.ones([4]) as tf.Tensor1D;
    const b = tf.zeros([3]) as tf.Tensor1D;
    assert.throws(() => layerNorm(x, g, b), /x \[2, 3\] needs gain and bias of \[3\], got \[4\] and \[3\]/);
    tf.dispose([x, g, b]);
  });
});
