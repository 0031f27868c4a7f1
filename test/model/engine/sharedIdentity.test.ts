import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/core/Rng.js';
import { installWasmKernelFixes } from '../../../src/model/engine/installWasmKernelFixes.js';
import { assertClose, liveCounts, normalData, onBoth, take } from './backendFixtures.js';

const rng = new Rng('sharedIdentity');

describe('sharedIdentity on wasm', () => {
  before(async () => {
    await tf.setBackend('wasm');
    installWasmKernelFixes();
  });

  test('a clone shares the memory: no new buffer, same values, and each survives the other', () => {
    const data = normalData(rng, [3, 5]);
    const counts = liveCounts();
    const x = tf.tensor2d(data, [3, 5]);
    const y = tf.clone(x);
    assert.equal(tf.engine().backend.numDataIds(), counts.buffers + 1, 'the clone made a buffer');
    assert.equal(tf.memory().numTensors, counts.tensors + 2);
    x.dispose();
    assert.deepEqual(Float32Array.from(y.dataSync()), data, 'the clone lost its values with the original');
    const z = tf.clone(y);
    y.dispose();
    assert.deepEqual(take(z), data);
    assert.deepEqual(liveCounts(), counts, 'tensors or buffers leaked');
  });

  test('int32 and bool tensors clone too; strings still get their own copy', () => {
    const counts = liveCounts();
    const ints = tf.tensor1d([1, -2, 3], 'int32');
    const bools = tf.tensor1d([1, 0, 1], 'bool');
    const strings = tf.tensor1d(['a', 'bc']);
    const [ci, cb, cs] = [tf.clone(ints), tf.clone(bools), tf.clone(strings)];
    tf.dispose([ints, bools, strings]);
    assert.deepEqual(Array.from(ci.dataSync()), [1, -2, 3]);
    assert.deepEqual(Array.from(cb.dataSync()), [1, 0, 1]);
    assert.deepEqual(cs.arraySync(), ['a', 'bc']);
    tf.dispose([ci, cb, cs]);
    assert.deepEqual(liveCounts(), counts, 'tensors or buffers leaked');
  });

  test('a variable updated after a clone leaves the clone alone', () => {
    const counts = liveCounts();
    const initial = tf.tensor1d([1, 2, 3]);
    const v = tf.variable(initial);
    initial.dispose();
    const snapshot = tf.clone(v);
    tf.tidy(() => v.assign(tf.mul(v, 10)));
    assert.deepEqual(Array.from(snapshot.dataSync()), [1, 2, 3]);
    assert.deepEqual(Array.from(v.dataSync()), [10, 20, 30]);
    tf.dispose([v, snapshot]);
    assert.deepEqual(liveCounts(), counts, 'tensors or buffers leaked');
  });

  test('gradients through a taped MLP (which clones every saved tensor) agree with cpu, no leak', async () => {
    const x = normalData(rng, [16, 8]);
    const w1 = normalData(rng, [8, 12]);
    const w2 = normalData(rng, [12, 3]);
    let counts = { tensors: 0, buffers: 0 };
    const results = await onBoth(() => {
      const [tx, t1, t2] = [tf.tensor2d(x, [16, 8]), tf.tensor2d(w1, [8, 12]), tf.tensor2d(w2, [12, 3])];
      counts = liveCounts();
      const f = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => tf.mean(tf.square(tf.matMul(tf.elu(tf.matMul(tx, a)), b)));
      const { value, grads } = tf.valueAndGrads(f)([t1, t2]);
      const out = [take(value), ...grads.map(take)];
      assert.deepEqual(liveCounts(), counts, 'tensors or buffers leaked');
      tf.dispose([tx, t1, t2]);
      return out;
    });
    results.wasm.forEach((values, i) => assertClose(values, results.cpu[i], `output ${i}`));
  });
});
