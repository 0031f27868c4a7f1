import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/core/Rng.js';
import { installWasmKernelFixes } from '../../../src/model/engine/installWasmKernelFixes.js';
import { nativeKernels, useNativeKernels } from '../../../src/model/engine/nativeKernels.js';
import { NATIVE_MATMUL_MIN_MACS } from '../../../src/model/engine/nativeMatMul.js';
import { loadOnnxRuntime } from '../../../src/model/onnx/onnxRuntime.js';
import { assertClose, liveCounts, normalData, take } from './backendFixtures.js';

const rng = new Rng('nativeMatMul');
const runtime = loadOnnxRuntime();
const skip = runtime.available ? false : `onnxruntime does not run here: ${runtime.reason}`;

/** Stored shape of an operand [rows, cols] (leading ones first), transposed or not. */
function stored(lead: readonly number[], rows: number, cols: number, transposed: boolean): number[] {
  return [...lead, ...(transposed ? [cols, rows] : [rows, cols])];
}

interface Product {
  readonly label: string;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly lead: readonly number[];
}

// Every product here is large enough for onnxruntime (>= NATIVE_MATMUL_MIN_MACS multiply-adds, depth >= 8).
const PRODUCTS: readonly Product[] = [
  { label: 'rank 3 [1, m, k]', m: 300, k: 40, n: 70, lead: [1] },
  { label: 'rank 2', m: 64, k: 130, n: 33, lead: [] },
  { label: 'rank 4 [1, 1, m, k]', m: 129, k: 64, n: 17, lead: [1, 1] },
];

/** act(op(a) op(b) + bias) on `backend` with the engine's kernels, read back; checks for leaks. */
async function product(backend: 'wasm' | 'cpu', p: Product, ta: boolean, tb: boolean, act: 'linear' | 'relu' | 'elu' | undefined, data: Float32Array[]): Promise<Float32Array> {
  await tf.setBackend(backend);
  const a = tf.tensor(data[0], stored(p.lead, p.m, p.k, ta));
  const b = tf.tensor(data[1], stored(p.lead, p.k, p.n, tb));
  const bias = tf.tensor1d(data[2]);
  const counts = liveCounts();
  const out =
    act === undefined
      ? take(tf.matMul(a, b, ta, tb))
      : take(tf.tidy(() => tf.fused.matMul({ a: a as tf.Tensor3D, b: b as tf.Tensor3D, transposeA: ta, transposeB: tb, bias, activation: act })));
  assert.deepEqual(liveCounts(), counts, 'tensors or buffers leaked');
  tf.dispose([a, b, bias]);
  return out;
}

describe('nativeMatMul: large wasm matMuls on onnxruntime', { skip }, () => {
  before(async () => {
    await tf.setBackend('wasm');
    installWasmKernelFixes();
    if (runtime.available) useNativeKernels({ createSession: runtime.createSession, threads: 1 });
  });
  after(() => useNativeKernels(undefined));

  test('the products below are above the threshold', () => {
    for (const p of PRODUCTS) assert.ok(p.m * p.k * p.n >= NATIVE_MATMUL_MIN_MACS, p.label);
  });

  for (const p of PRODUCTS) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      for (const act of [undefined, 'linear', 'relu', 'elu'] as const) {
        test(`${p.label} transposeA=${ta} transposeB=${tb} ${act === undefined ? 'matMul' : `fused ${act} + bias`}: the values of cpu, no leak`, async () => {
          const data = [normalData(rng, [p.m * p.k]), normalData(rng, [p.k * p.n]), normalData(rng, [p.n])];
          const expected = await product('cpu', p, ta, tb, act, data);
          const got = await product('wasm', p, ta, tb, act, data);
          assertClose(got, expected, `${p.label} ${ta} ${tb} ${act}`, 1e-4, 1e-4);
        });
      }
    }
  }

  test('the same values with the native kernels off (wasm alone), to float rounding', async () => {
    const p = PRODUCTS[0];
    const data = [normalData(rng, [p.m * p.k]), normalData(rng, [p.k * p.n]), normalData(rng, [p.n])];
    const native = await product('wasm', p, false, true, 'relu', data);
    const saved = nativeKernels();
    useNativeKernels(undefined);
    try {
      assertClose(native, await product('wasm', p, false, true, 'relu', data), 'native vs wasm', 1e-5, 1e-5);
    } finally {
      useNativeKernels(saved);
    }
  });

  test('batched products, small products and other activations stay on wasm and agree with cpu', async () => {
    const cases: Array<{ a: number[]; b: number[]; act?: 'relu6' | 'sigmoid' }> = [
      { a: [3, 40, 50], b: [3, 50, 60] },
      { a: [1, 8, 8], b: [1, 8, 8] },
      { a: [1, 100, 40], b: [1, 40, 30], act: 'sigmoid' },
    ];
    for (const c of cases) {
      const da = normalData(rng, c.a);
      const db = normalData(rng, c.b);
      const bias = normalData(rng, [c.b[2]]);
      const run = async (backend: 'wasm' | 'cpu'): Promise<Float32Array> => {
        await tf.setBackend(backend);
        return take(
          tf.tidy(() =>
            c.act === undefined
              ? tf.matMul(tf.tensor3d(da, c.a as [number, number, number]), tf.tensor3d(db, c.b as [number, number, number]))
              : tf.fused.matMul({ a: tf.tensor3d(da, c.a as [number, number, number]), b: tf.tensor3d(db, c.b as [number, number, number]), bias: tf.tensor1d(bias), activation: c.act }),
          ),
        );
      };
      assertClose(await run('wasm'), await run('cpu'), `[${c.a}] x [${c.b}] ${c.act ?? ''}`, 1e-4, 1e-4);
    }
  });
});
