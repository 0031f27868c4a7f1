import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/core/Rng.js';
import { installWasmKernelFixes } from '../../../src/model/engine/installWasmKernelFixes.js';
import { leadingLayout } from '../../../src/model/engine/leadingAxesReduce.js';
import { assertClose, liveCounts, normalData, onBoth, take } from './backendFixtures.js';

const rng = new Rng('leadingAxesReduce');

/** [shape, axis]: leading (several, negative) axes, and others left to the shipped kernel. */
const CASES: Array<[number[], number | number[]]> = [
  [[1000, 9], 0],
  [[1003, 64], 0],
  [[5, 3], [0]],
  [[4, 6, 5], 1],
  [[4, 6, 5], [0, 1]],
  [[2, 3, 4, 5], [1, 2]],
  [[3, 4, 5], -3],
  [[3, 4, 5], -2],
  [[6, 5], 1],
  [[6, 5], [0, 1]],
  [[4, 6, 5], [1, 2]],
  [[300, 129], -1],
  [[4, 6, 5], [0, 2]],
  [[7], 0],
];

describe('leadingAxesReduce on wasm', () => {
  before(async () => {
    await tf.setBackend('wasm');
    installWasmKernelFixes();
  });

  test('the layout covers leading axes that keep rows of at least 8 values', () => {
    assert.deepEqual(leadingLayout([1000, 9], 0), { reduce: 1000, inner: 9, axes: [0] });
    assert.deepEqual(leadingLayout([2, 3, 4, 5], [1, 0]), { reduce: 6, inner: 20, axes: [0, 1] });
    assert.deepEqual(leadingLayout([3, 4, 5], -3), { reduce: 3, inner: 20, axes: [0] });
    assert.equal(leadingLayout([3, 4, 5], 1), undefined, 'middle axis');
    assert.equal(leadingLayout([6, 5], 1), undefined, 'last axis');
    assert.equal(leadingLayout([6, 5], [0, 1]), undefined, 'every axis');
    assert.equal(leadingLayout([4, 6, 5], [0, 2]), undefined, 'not contiguous');
    assert.equal(leadingLayout([7], 0), undefined, 'rank 1');
    assert.equal(leadingLayout([0, 9], 0), undefined, 'empty');
    assert.equal(leadingLayout([100, 7], 0), undefined, 'short rows');
  });

  for (const [shape, axis] of CASES) {
    for (const keepDims of [false, true]) {
      test(`sum and mean of [${shape}] over ${JSON.stringify(axis)} keepDims=${keepDims} agree with cpu, no leak`, async () => {
        const data = normalData(rng, shape);
        const results = await onBoth(() => {
          const x = tf.tensor(data, shape);
          const counts = liveCounts();
          const out = [take(tf.sum(x, axis, keepDims)), take(tf.mean(x, axis, keepDims))];
          const shapes = [tf.sum(x, axis, keepDims), tf.mean(x, axis, keepDims)].map((t) => {
            const s = t.shape;
            t.dispose();
            return s;
          });
          assert.deepEqual(shapes[0], shapes[1]);
          assert.deepEqual(liveCounts(), counts, 'tensors or buffers leaked');
          x.dispose();
          return [...out, Float32Array.from(shapes[0])];
        });
        assertClose(results.wasm[2], results.cpu[2], 'shape', 0, 0);
        assertClose(results.wasm[0], results.cpu[0], 'sum', 1e-4, 1e-5);
        assertClose(results.wasm[1], results.cpu[1], 'mean', 1e-5, 1e-5);
      });
    }
  }

  test('int32 sums and the gradient of a batch mean (the bias-gradient path) agree with cpu', async () => {
    const ints = Int32Array.from({ length: 24 }, (_, i) => i - 7);
    const data = normalData(rng, [64, 9]);
    const results = await onBoth(() => {
      const xi = tf.tensor2d(ints, [6, 4], 'int32');
      const x = tf.tensor2d(data, [64, 9]);
      const bias = tf.zeros([9]);
      const out = [
        Float32Array.from(take(tf.sum(xi, 0))),
        ...tf.grads((b: tf.Tensor) => tf.mean(tf.square(tf.add(x, b)), 0).sum())([bias]).map(take),
      ];
      tf.dispose([xi, x, bias]);
      return out;
    });
    assertClose(results.wasm[0], results.cpu[0], 'int32 sum', 0, 0);
    assertClose(results.wasm[1], results.cpu[1], 'bias gradient');
  });
});
