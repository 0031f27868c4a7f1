import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/core/Rng.js';
import { installWasmKernelFixes } from '../../../src/model/engine/installWasmKernelFixes.js';
import { useNativeKernels } from '../../../src/model/engine/nativeKernels.js';
import { nativeMlp, nativeMlpAvailable } from '../../../src/model/engine/nativeMlp.js';
import type { MlpActivation } from '../../../src/model/engine/nativeMlp.js';
import { loadOnnxRuntime } from '../../../src/model/onnx/onnxRuntime.js';
import { assertClose, liveCounts, normalData, take } from './backendFixtures.js';

const rng = new Rng('nativeMlp');
const runtime = loadOnnxRuntime();
const skip = runtime.available ? false : `onnxruntime does not run here: ${runtime.reason}`;

interface Case {
  readonly n: number;
  readonly widths: readonly number[];
  readonly acts: readonly MlpActivation[];
}

const CASES: readonly Case[] = [
  { n: 16, widths: [18, 64, 64, 64], acts: ['relu', 'relu', 'none'] },
  { n: 48, widths: [260, 128, 128, 128, 256], acts: ['elu', 'elu', 'elu', 'none'] },
  { n: 300, widths: [64, 128, 64], acts: ['relu', 'none'] },
  { n: 1, widths: [7, 5], acts: ['none'] },
  { n: 9, widths: [7, 5], acts: ['elu'] },
];

/** The plain tf ops: matMul, add, relu or elu per layer, with tfjs's own gradients. */
function plain(x: tf.Tensor2D, params: tf.Tensor[], acts: readonly MlpActivation[]): tf.Tensor2D {
  let h = x;
  acts.forEach((act, i) => {
    const z = tf.add(tf.matMul(h, params[2 * i] as tf.Tensor2D), params[2 * i + 1]) as tf.Tensor2D;
    h = act === 'relu' ? tf.relu(z) : act === 'elu' ? tf.elu(z) : z;
  });
  return h;
}

/** Value and gradients (x, then w and b of each layer) of sum(f(x, params) * u), checking for leaks. */
function run(c: Case, data: Float32Array[], f: (x: tf.Tensor2D, params: tf.Tensor[]) => tf.Tensor2D): Float32Array[] {
  const x = tf.tensor2d(data[0], [c.n, c.widths[0]]);
  const params = c.acts.flatMap((_, i) => [tf.tensor2d(data[1 + 2 * i], [c.widths[i], c.widths[i + 1]]), tf.tensor1d(data[2 + 2 * i])]);
  const u = tf.tensor2d(data[data.length - 1], [c.n, c.widths[c.widths.length - 1]]);
  const counts = liveCounts();
  const value = take(tf.tidy(() => f(x, params)));
  const grads = tf.grads((...ts: tf.Tensor[]) => tf.sum(tf.mul(f(ts[0] as tf.Tensor2D, ts.slice(1)), u)))([x, ...params]).map(take);
  assert.deepEqual(liveCounts(), counts, 'tensors or buffers leaked');
  tf.dispose([x, u, ...params]);
  return [value, ...grads];
}

describe('nativeMlp', { skip }, () => {
  before(async () => {
    await tf.setBackend('wasm');
    installWasmKernelFixes();
  });
  after(() => useNativeKernels(undefined));

  for (const c of CASES) {
    test(`${c.n} rows through [${c.widths}] (${c.acts}): value and gradients of the plain tf ops on cpu, no leak`, async () => {
      if (!runtime.available) return;
      const data = [
        normalData(rng, [c.n * c.widths[0]]),
        ...c.acts.flatMap((_, i) => [normalData(rng, [c.widths[i] * c.widths[i + 1]], Math.sqrt(2 / c.widths[i])), normalData(rng, [c.widths[i + 1]], 0.1)]),
        normalData(rng, [c.n * c.widths[c.widths.length - 1]]),
      ];
      useNativeKernels(undefined);
      await tf.setBackend('cpu');
      const expected = run(c, data, (x, params) => plain(x, params, c.acts));
      await tf.setBackend('wasm');
      useNativeKernels({ createSession: runtime.createSession, threads: 1 });
      assert.ok(nativeMlpAvailable());
      const got = run(c, data, (x, params) => nativeMlp(x, c.acts.map((act, i) => ({ w: params[2 * i] as tf.Tensor2D, b: params[2 * i + 1] as tf.Tensor1D, act }))));
      const labels = ['value', 'dx', ...c.acts.flatMap((_, i) => [`dW${i}`, `db${i}`])];
      got.forEach((v, i) => assertClose(v, expected[i], labels[i], 1e-4, 1e-4));
    });
  }

  test('off without native kernels; layers that do not chain are an error that names them', () => {
    useNativeKernels(undefined);
    assert.equal(nativeMlpAvailable(), false);
    if (!runtime.available) return;
    useNativeKernels({ createSession: runtime.createSession, threads: 1 });
    const x = tf.zeros([2, 3]) as tf.Tensor2D;
    const w = tf.zeros([4, 2]) as tf.Tensor2D;
    const b = tf.zeros([2]) as tf.Tensor1D;
    assert.throws(() => nativeMlp(x, [{ w, b, act: 'relu' }]), /layer 0 has weights \[4, 2\] and bias \[2\], expected \[3, m\] and \[m\]/);
    tf.dispose([x, w, b]);
  });
});
