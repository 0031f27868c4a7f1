import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/core/Rng.js';
import { useNativeKernels } from '../../../src/model/engine/nativeKernels.js';
import { pointMlpMaxPool } from '../../../src/model/engine/pointMlpMaxPool.js';
import { loadOnnxRuntime } from '../../../src/model/onnx/onnxRuntime.js';
import { assertClose, liveCounts, normalData, take } from './backendFixtures.js';

const rng = new Rng('pointMlpMaxPool');
const runtime = loadOnnxRuntime();

/** Where the op runs: a backend, and on wasm optionally its forward pass on onnxruntime (native kernels). */
const MODES = ['wasm', 'cpu', ...(runtime.available ? (['wasm+onnxruntime'] as const) : [])] as const;

/** Switches to the mode's backend and native kernels. */
async function enter(mode: (typeof MODES)[number]): Promise<void> {
  await tf.setBackend(mode === 'cpu' ? 'cpu' : 'wasm');
  useNativeKernels(mode === 'wasm+onnxruntime' && runtime.available ? { createSession: runtime.createSession, threads: 1 } : undefined);
}

interface Case {
  readonly shape: [number, number, number];
  readonly widths: readonly number[];
}

const CASES: readonly Case[] = [
  { shape: [1, 1, 3], widths: [4] },
  { shape: [2, 5, 3], widths: [4, 6] },
  { shape: [3, 64, 3], widths: [16, 32] },
  { shape: [2, 257, 3], widths: [64, 128] },
  { shape: [4, 33, 5], widths: [8, 8, 12] },
  // More clouds than one onnxruntime run takes: runs of 4, joined.
  { shape: [9, 20, 3], widths: [6, 10] },
];

interface Data {
  readonly x: Float32Array;
  readonly params: Array<{ w: Float32Array; b: Float32Array; shape: [number, number] }>;
  /** Upstream gradient of the pooled output. */
  readonly u: Float32Array;
}

function data({ shape, widths }: Case): Data {
  let fanIn = shape[2];
  const params = widths.map((m) => {
    const p = { w: normalData(rng, [fanIn, m], Math.sqrt(2 / fanIn)), b: normalData(rng, [m], 0.1), shape: [fanIn, m] as [number, number] };
    fanIn = m;
    return p;
  });
  return { x: normalData(rng, shape), params, u: normalData(rng, [shape[0], fanIn]) };
}

/** Value and gradients (x, then w and b of each layer) of sum(pool(mlp(x)) * u) with `pool`. */
function run(c: Case, d: Data, pool: (x: tf.Tensor3D, layers: Array<{ w: tf.Tensor2D; b: tf.Tensor1D }>) => tf.Tensor2D): Float32Array[] {
  const x = tf.tensor3d(d.x, c.shape);
  const vars = d.params.flatMap((p) => [tf.tensor2d(p.w, p.shape), tf.tensor1d(p.b)]);
  const u = tf.tensor2d(d.u, [c.shape[0], c.widths[c.widths.length - 1]]);
  const layersOf = (ts: tf.Tensor[]): Array<{ w: tf.Tensor2D; b: tf.Tensor1D }> =>
    d.params.map((_, i) => ({ w: ts[2 * i] as tf.Tensor2D, b: ts[2 * i + 1] as tf.Tensor1D }));
  const counts = liveCounts();
  const value = take(tf.tidy(() => pool(x, layersOf(vars))));
  const grads = tf.grads((...ts: tf.Tensor[]) => tf.sum(tf.mul(pool(ts[0] as tf.Tensor3D, layersOf(ts.slice(1))), u)))([x, ...vars]).map(take);
  assert.deepEqual(liveCounts(), counts, 'tensors or buffers leaked');
  tf.dispose([x, u, ...vars]);
  return [value, ...grads];
}

/** The plain ops with tfjs's own gradients: matMul, add, relu per layer, tf.max over the points. */
function plain(x: tf.Tensor3D, layers: Array<{ w: tf.Tensor2D; b: tf.Tensor1D }>): tf.Tensor2D {
  const [b, n, c] = x.shape;
  let h: tf.Tensor2D = tf.reshape(x, [b * n, c]);
  for (const l of layers) h = tf.relu(tf.add(tf.matMul(h, l.w), l.b)) as tf.Tensor2D;
  return tf.max(tf.reshape(h, [b, n, h.shape[1]]), 1);
}

const LABELS = (c: Case): string[] => ['value', 'dx', ...c.widths.flatMap((_, i) => [`dW${i}`, `db${i}`])];

describe('pointMlpMaxPool', () => {
  after(() => useNativeKernels(undefined));

  for (const c of CASES) {
    for (const mode of MODES) {
      test(`[${c.shape}] through [${c.widths}] on ${mode}: value and gradients of the plain tf ops on cpu, no leak`, async () => {
        const d = data(c);
        await enter('cpu');
        const expected = run(c, d, plain);
        await enter(mode);
        const got = run(c, d, pointMlpMaxPool);
        useNativeKernels(undefined);
        const labels = LABELS(c);
        got.forEach((g, i) => assertClose(g, expected[i], `${mode} ${labels[i]}`, 1e-5, 1e-4));
      });
    }
  }

  test('the other-backend path (tf ops) agrees too', async () => {
    // Act out a backend without the JS kernels: register 'cpu' under another name.
    const factory = tf.findBackendFactory('cpu');
    assert.ok(factory !== null);
    tf.registerBackend('cpu-without-point-kernels', factory);
    for (const k of tf.getKernelsForBackend('cpu')) {
      if (!k.kernelName.startsWith('Jepa')) tf.registerKernel({ ...k, backendName: 'cpu-without-point-kernels' });
    }
    const c: Case = { shape: [2, 9, 3], widths: [5, 7] };
    const d = data(c);
    await tf.setBackend('cpu');
    const expected = run(c, d, plain);
    await tf.setBackend('cpu-without-point-kernels');
    const got = run(c, d, pointMlpMaxPool);
    await tf.setBackend('cpu');
    tf.removeBackend('cpu-without-point-kernels');
    const labels = LABELS(c);
    got.forEach((g, i) => assertClose(g, expected[i], `fallback ${labels[i]}`, 1e-5, 1e-4));
  });

  test('a channel whose max is not positive passes no gradient; a point chosen by no channel gets none', async () => {
    await tf.setBackend('wasm');
    // One layer, identity weights, bias 0: channel 0 sees x[:, 0], channel 1 sees x[:, 1] (all negative).
    const x = tf.tensor3d([1, -1, 3, -2, 2, -3], [1, 3, 2]);
    const w = tf.tensor2d([1, 0, 0, 1], [2, 2]);
    const b = tf.tensor1d([0, 0]);
    const [dx, dw, db] = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(pointMlpMaxPool(xx as tf.Tensor3D, [{ w: ww as tf.Tensor2D, b: bb as tf.Tensor1D }])),
    )([x, w, b]).map(take);
    tf.dispose([x, w, b]);
    assert.deepEqual(Array.from(dx), [0, 0, 1, 0, 0, 0]);
    assert.deepEqual(Array.from(dw), [3, 0, -2, 0]);
    assert.deepEqual(Array.from(db), [1, 0]);
  });

  for (const mode of MODES) {
    test(`inference outside a gradient tape on ${mode} keeps nothing alive`, async () => {
      await enter(mode);
      const c: Case = { shape: [2, 8, 3], widths: [4, 6] };
      const d = data(c);
      const x = tf.tensor3d(d.x, c.shape);
      const layers = d.params.map((p) => ({ w: tf.tensor2d(p.w, p.shape), b: tf.tensor1d(p.b) }));
      const counts = liveCounts();
      for (let i = 0; i < 3; i++) pointMlpMaxPool(x, layers).dispose();
      assert.deepEqual(liveCounts(), counts);
      tf.dispose([x, ...layers.flatMap((l) => [l.w, l.b])]);
      useNativeKernels(undefined);
    });
  }

  test('shapes that do not chain are an error that names them', () => {
    const x = tf.zeros([1, 4, 3]) as tf.Tensor3D;
    const w = tf.zeros([4, 2]) as tf.Tensor2D;
    const b = tf.zeros([2]) as tf.Tensor1D;
    assert.throws(() => pointMlpMaxPool(x, [{ w, b }]), /layer 0 has weights \[4, 2\] and bias \[2\], expected \[3, m\] and \[m\]/);
    const flat = tf.zeros([3, 4]);
    assert.throws(() => pointMlpMaxPool(flat as unknown as tf.Tensor3D, [{ w, b }]), /got shape \[3, 4\]/);
    tf.dispose([x, w, b, flat]);
  });
});
