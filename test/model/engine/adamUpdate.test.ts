import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/core/Rng.js';
import { adamUpdate } from '../../../src/model/engine/adamUpdate.js';
import { assertClose, liveCounts, normalData, onBoth, take } from './backendFixtures.js';

const rng = new Rng('adamUpdate');
const STEP = { learningRate: 0.003, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, oneMinusAccBeta1: Math.fround(1 - 0.81), oneMinusAccBeta2: Math.fround(1 - 0.998001) };

function inputs(shape: number[]): Float32Array[] {
  const [x, m, g] = [normalData(rng, shape), normalData(rng, shape, 0.1), normalData(rng, shape)];
  const v = normalData(rng, shape, 0.1).map((e) => e * e);
  return [x, m, v, g];
}

/** tf.train.adam's op sequence (adam_optimizer.ts) on a clipped gradient. */
function reference([x, m, v, g]: tf.Tensor[], scale: number): Float32Array[] {
  return tf.tidy(() => {
    const gs = tf.mul(g, tf.scalar(scale));
    const m2 = tf.add(tf.mul(m, STEP.beta1), tf.mul(gs, 1 - STEP.beta1));
    const v2 = tf.add(tf.mul(v, STEP.beta2), tf.mul(tf.square(gs), 1 - STEP.beta2));
    const mh = tf.div(m2, tf.scalar(STEP.oneMinusAccBeta1));
    const vh = tf.div(v2, tf.scalar(STEP.oneMinusAccBeta2));
    const x2 = tf.add(tf.mul(tf.div(mh, tf.add(tf.sqrt(vh), STEP.epsilon)), -STEP.learningRate), x);
    return [x2, m2, v2].map((t) => Float32Array.from(t.dataSync()));
  });
}

describe('adamUpdate', () => {
  test('the JS kernel gives exactly the values of the tf ops, on wasm and cpu, no leak', async () => {
    const data = inputs([37, 5]);
    const results = await onBoth(() => {
      const ts = data.map((d) => tf.tensor2d(d, [37, 5]));
      const scale = tf.scalar(0.3);
      const counts = liveCounts();
      const ours = adamUpdate(ts[0], ts[1], ts[2], ts[3], scale, STEP).map(take);
      assert.deepEqual(liveCounts(), counts, 'tensors or buffers leaked');
      const expected = reference(ts, 0.3);
      tf.dispose([...ts, scale]);
      return [...ours, ...expected];
    });
    for (const backend of ['wasm', 'cpu'] as const) {
      const r = results[backend];
      for (let i = 0; i < 3; i++) assertClose(r[i], r[i + 3], `${backend} output ${i}`, 0, 0);
    }
  });

  test('on a backend without the JS kernel the tf ops run', async () => {
    const factory = tf.findBackendFactory('cpu');
    assert.ok(factory !== null);
    tf.registerBackend('cpu-without-kernels', factory);
    for (const k of tf.getKernelsForBackend('cpu')) {
      if (!k.kernelName.startsWith('Jepa')) tf.registerKernel({ ...k, backendName: 'cpu-without-kernels' });
    }
    await tf.setBackend('cpu-without-kernels');
    const data = inputs([6]);
    const ts = data.map((d) => tf.tensor1d(d));
    const scale = tf.scalar(2);
    const ours = adamUpdate(ts[0], ts[1], ts[2], ts[3], scale, STEP).map(take);
    const expected = reference(ts, 2);
    tf.dispose([...ts, scale]);
    await tf.setBackend('cpu');
    tf.removeBackend('cpu-without-kernels');
    ours.forEach((values, i) => assertClose(values, expected[i], `output ${i}`, 0, 0));
  });

  test('moments or a gradient of another shape than the variable are an error naming it', async () => {
    await tf.setBackend('cpu');
    const [x, g] = [tf.zeros([2, 3]), tf.zeros([3, 2])];
    assert.throws(() => adamUpdate(x, x, x, g, tf.scalar(1), STEP), /adamUpdate: gradient has shape \[3, 2\], the variable \[2, 3\]/);
    tf.dispose([x, g]);
  });
});
