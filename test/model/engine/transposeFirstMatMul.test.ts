import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/core/Rng.js';
import { installWasmKernelFixes } from '../../../src/model/engine/installWasmKernelFixes.js';
import { nativeMatMulFallback } from '../../../src/model/engine/nativeMatMul.js';
import { isTransposeFirstMatMul } from '../../../src/model/engine/transposeFirstMatMul.js';
import { assertClose, liveCounts, normalData, onBoth, take } from './backendFixtures.js';

/** What a matMul kernel falls back to under its nativeMatMul wrapper (itself when not wrapped). */
function underNative(config: tf.KernelConfig): tf.KernelConfig {
  return nativeMatMulFallback(config) ?? config;
}

const rng = new Rng('transposeFirstMatMul');

/** [a shape, b shape] as stored; transposes are applied on top. */
const SHAPES: Array<[string, number[], number[]]> = [
  ['square', [7, 7], [7, 7]],
  ['rectangular', [9, 5], [5, 11]],
  ['batched', [3, 6, 4], [3, 4, 5]],
  ['broadcast a', [1, 6, 4], [3, 4, 5]],
  ['broadcast b', [2, 3, 6, 4], [4, 5]],
  ['vector rows', [1, 8], [8, 6]],
  ['vector cols', [6, 8], [8, 1]],
];

/** Stored shapes for a product `a' b'` with the given transposes (swap the last two axes). */
function stored(shape: number[], transposed: boolean): number[] {
  if (!transposed) return shape;
  const s = [...shape];
  [s[s.length - 2], s[s.length - 1]] = [s[s.length - 1], s[s.length - 2]];
  return s;
}

describe('transposeFirstMatMul on wasm', () => {
  before(async () => {
    await tf.setBackend('wasm');
    installWasmKernelFixes();
  });

  test('the wasm BatchMatMul and _FusedMatMul kernels are the wrappers', () => {
    assert.ok(isTransposeFirstMatMul(underNative(tf.getKernel('BatchMatMul', 'wasm')!)));
    assert.ok(isTransposeFirstMatMul(underNative(tf.getKernel('_FusedMatMul', 'wasm')!)));
    assert.ok(!isTransposeFirstMatMul(tf.getKernel('BatchMatMul', 'cpu')!));
  });

  for (const [name, aShape, bShape] of SHAPES) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      test(`matMul ${name} transposeA=${ta} transposeB=${tb} agrees with cpu, no leak`, async () => {
        const aData = normalData(rng, stored(aShape, ta));
        const bData = normalData(rng, stored(bShape, tb));
        let counts = { tensors: 0, buffers: 0 };
        const results = await onBoth(() => {
          const a = tf.tensor(aData, stored(aShape, ta));
          const b = tf.tensor(bData, stored(bShape, tb));
          counts = liveCounts();
          const out = take(tf.matMul(a, b, ta, tb));
          assert.deepEqual(liveCounts(), counts, 'tensors or buffers leaked');
          tf.dispose([a, b]);
          return [out];
        });
        assertClose(results.wasm[0], results.cpu[0], name);
      });
    }
  }

  test('gradients of a two-layer MLP agree with cpu, no leak', async () => {
    const [n, i, h, o] = [16, 12, 10, 3];
    const data = { x: normalData(rng, [n, i]), w1: normalData(rng, [i, h], 0.3), w2: normalData(rng, [h, o], 0.3), y: normalData(rng, [n, o]) };
    const results = await onBoth(() => {
      const x = tf.tensor2d(data.x, [n, i]);
      const y = tf.tensor2d(data.y, [n, o]);
      const w1 = tf.tensor2d(data.w1, [i, h]);
      const w2 = tf.tensor2d(data.w2, [h, o]);
      const counts = liveCounts();
      const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor): tf.Scalar =>
        tf.losses.meanSquaredError(y, tf.matMul(tf.relu(tf.matMul(a, b)), c));
      const grads = tf.grads(loss)([x, w1, w2]);
      const out = grads.map(take);
      assert.deepEqual(liveCounts(), counts, 'tensors or buffers leaked');
      tf.dispose([x, y, w1, w2]);
      return out;
    });
    for (const [k, label] of ['dx', 'dw1', 'dw2'].entries()) assertClose(results.wasm[k], results.cpu[k], label, 1e-5);
  });

  test('a dense layer trained with tf.layers gets the same weights as on cpu', async () => {
    const xData = normalData(rng, [32, 8]);
    const yData = normalData(rng, [32, 2]);
    const kernel = normalData(rng, [8, 2], 0.2);
    const results = await onBoth(async () => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [8], activation: 'tanh' })] });
      model.setWeights([tf.tensor2d(kernel, [8, 2]), tf.zeros([2])]);
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
      const [x, y] = [tf.tensor2d(xData, [32, 8]), tf.tensor2d(yData, [32, 2])];
      for (let step = 0; step < 3; step++) await model.trainOnBatch(x, y);
      const out = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
      tf.dispose([x, y]);
      model.dispose();
      return out;
    });
    assertClose(results.wasm[0], results.cpu[0], 'kernel', 1e-5);
    assertClose(results.wasm[1], results.cpu[1], 'bias', 1e-5);
  });
});
