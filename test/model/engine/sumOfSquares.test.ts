import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/core/Rng.js';
import { sumOfSquares } from '../../../src/model/engine/sumOfSquares.js';
import { assertClose, liveCounts, normalData, onBoth, take } from './backendFixtures.js';

const rng = new Rng('sumOfSquares');

describe('sumOfSquares', () => {
  test('the squared global norm of several tensors agrees with tf ops on wasm and cpu, no leak', async () => {
    const shapes = [[5, 7], [3], [2, 3, 4], []];
    const data = shapes.map((s) => normalData(rng, s));
    const results = await onBoth(() => {
      const ts = data.map((d, i) => tf.tensor(d, shapes[i]));
      const counts = liveCounts();
      const ours = take(sumOfSquares(ts));
      assert.deepEqual(liveCounts(), counts, 'tensors or buffers leaked');
      const expected = take(tf.addN(ts.map((t) => tf.sum(tf.square(t)))));
      tf.dispose(ts);
      return [ours, expected];
    });
    assertClose(results.wasm[0], results.wasm[1], 'wasm', 1e-5, 1e-6);
    assertClose(results.cpu[0], results.cpu[1], 'cpu', 1e-5, 1e-6);
  });

  test('no tensors sum to zero, and the result is a scalar', async () => {
    await tf.setBackend('wasm');
    const zero = sumOfSquares([]);
    assert.equal(zero.rank, 0);
    assert.equal(take(zero)[0], 0);
    const x = tf.tensor1d([3, 4]);
    const s = sumOfSquares([x]);
    assert.deepEqual(s.shape, []);
    assert.equal(take(s)[0], 25);
    x.dispose();
  });
});
