import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/core/Rng.js';
import { installWasmKernelFixes } from '../../../src/model/engine/installWasmKernelFixes.js';
import { assertClose, liveCounts, normalData, onBoth, take } from './backendFixtures.js';
import assert from 'node:assert/strict';

const rng = new Rng('batchedBiasFusedMatMul');

type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu' | 'prelu';

/** act(a' b' + bias) on both backends; b may be rank 2 (shared weights, as in PointNet). */
async function compare(aShape: number[], bShape: number[], activation: Activation, transposeA = false, transposeB = false): Promise<void> {
  const n = transposeB ? bShape[bShape.length - 2] : bShape[bShape.length - 1];
  const aData = normalData(rng, aShape);
  const bData = normalData(rng, bShape);
  const biasData = normalData(rng, [n]);
  const alphaData = normalData(rng, [n], 0.1);
  const results = await onBoth(() => {
    const [a, b, bias, alpha] = [tf.tensor(aData, aShape), tf.tensor(bData, bShape), tf.tensor1d(biasData), tf.tensor1d(alphaData)];
    const counts = liveCounts();
    const out = take(
      tf.fused.matMul({
        a, b, bias, activation, transposeA, transposeB,
        preluActivationWeights: activation === 'prelu' ? alpha : undefined,
        leakyreluAlpha: 0.3,
      }),
    );
    assert.deepEqual(liveCounts(), counts, 'tensors or buffers leaked');
    tf.dispose([a, b, bias, alpha]);
    return [out];
  });
  assertClose(results.wasm[0], results.cpu[0], `[${aShape}] x [${bShape}] ${activation} tA=${transposeA} tB=${transposeB}`);
}

describe('batchedBiasFusedMatMul on wasm', () => {
  before(async () => {
    await tf.setBackend('wasm');
    installWasmKernelFixes();
  });

  test('shared weights over a batch (PointNet shared MLP) agree with cpu', async () => {
    await compare([2, 4, 3], [3, 5], 'linear');
    await compare([3, 16, 8], [8, 6], 'relu');
    await compare([3, 16, 8], [1, 8, 6], 'prelu');
  });

  test('per-batch weights agree with cpu for every activation', async () => {
    for (const activation of ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const) {
      await compare([2, 4, 3], [2, 3, 5], activation);
    }
  });

  test('batched with transposes agrees with cpu', async () => {
    await compare([2, 3, 4], [2, 3, 5], 'relu', true, false);
    await compare([2, 4, 3], [5, 3], 'relu', false, true);
    await compare([2, 3, 4], [2, 5, 3], 'sigmoid', true, true);
  });

  test('a single matrix keeps the fused path and agrees with cpu', async () => {
    await compare([6, 4], [4, 5], 'relu');
    await compare([1, 6, 4], [1, 4, 5], 'elu');
  });

  // Per-batch b: tfjs-core (4.22) cannot differentiate a product whose b is broadcast over
  // the batch, on any backend ("gradient of input 'b' has shape '2,3,4'").
  test('the gradient of a batched fused product agrees with cpu', async () => {
    const [aData, bData, biasData] = [normalData(rng, [2, 5, 3]), normalData(rng, [2, 3, 4]), normalData(rng, [4])];
    const results = await onBoth(() => {
      const [a, b, bias] = [tf.tensor3d(aData, [2, 5, 3]), tf.tensor3d(bData, [2, 3, 4]), tf.tensor1d(biasData)];
      const counts = liveCounts();
      const grads = tf.grads((x: tf.Tensor, w: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(tf.fused.matMul({ a: x, b: w, bias: c, activation: 'relu' }))))([a, b, bias]);
      const out = grads.map(take);
      assert.deepEqual(liveCounts(), counts, 'tensors or buffers leaked');
      tf.dispose([a, b, bias]);
      return out;
    });
    for (const [k, label] of ['da', 'db', 'dbias'].entries()) assertClose(results.wasm[k], results.cpu[k], label);
  });
});
