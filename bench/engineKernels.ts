/**
 * Speed of the wasm kernel fixes (src/model/engine): milliseconds per call, median of a few
 * runs, with the shipped kernels ("before") and with the fixes ("after"); the cpu backend
 * where wasm had no kernel at all. Timings belong here, not in tests.
 * Run: npx tsc -p . && node dist/bench/engineKernels.js  (prints one JSON object).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../src/core/index.js';
import { globalMaxPool, initBackend, installWasmKernelFixes, uninstallWasmKernelFixes } from '../src/model/engine/index.js';

const REPEATS = 5;
const rng = new Rng('engineKernels');

function normal(shape: number[]): tf.Tensor {
  return tf.tensor(rng.fillNormal(new Float32Array(shape.reduce((p, d) => p * d, 1))), shape);
}

/**
 * Median wall time of `f` in ms over `repeats` runs after one warm-up (none when a single
 * run is asked); `f` returns what it made, which is read back then freed.
 */
function time(f: () => tf.Tensor | tf.Tensor[], repeats = REPEATS): number {
  const once = (): number => {
    const start = performance.now();
    const out = f();
    for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
    const ms = performance.now() - start;
    tf.dispose(out);
    return ms;
  };
  if (repeats > 1) once();
  const runs = Array.from({ length: repeats }, once).sort((a, b) => a - b);
  return Math.round(runs[Math.floor(repeats / 2)] * 10) / 10;
}

type Case = { name: string; run: () => tf.Tensor | tf.Tensor[] };

function matMulCases(): Case[] {
  const cases: Case[] = [];
  const products: Array<[string, number, number, number]> = [
    ['[1024x136]x[136x512]', 1024, 136, 512],
    ['[64x8192]x[8192x128] (PointNet layer dW)', 64, 8192, 128],
  ];
  for (const [label, m, k, n] of products) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const a = normal(ta ? [k, m] : [m, k]);
      const b = normal(tb ? [n, k] : [k, n]);
      cases.push({ name: `matMul ${label} transposeA=${ta} transposeB=${tb}`, run: () => tf.matMul(a, b, ta, tb) });
    }
  }
  return cases;
}

/** Forward + backward + SGD of the predictor-sized MLP 1024x136 -> 512 -> 128. */
function mlpStepCase(): Case {
  const x = normal([1024, 136]);
  const y = normal([1024, 128]);
  const w1 = tf.variable(tf.mul(normal([136, 512]), 0.05));
  const w2 = tf.variable(tf.mul(normal([512, 128]), 0.05));
  const optimizer = tf.train.sgd(1e-4);
  return {
    name: 'MLP training step 1024x136 -> 512 -> 128',
    run: () => optimizer.minimize(() => tf.losses.meanSquaredError(y, tf.matMul(tf.relu(tf.matMul(x, w1)), w2)), true) as tf.Scalar,
  };
}

function maxPoolCases(): Case[] {
  const x = normal([32, 1024, 256]);
  return [
    { name: 'max over points [32,1024,256] forward+backward, tf.max', run: () => tf.grad((v: tf.Tensor) => tf.sum(tf.max(v, 1)))(x) },
    {
      name: 'max over points [32,1024,256] forward+backward, globalMaxPool',
      run: () => tf.grad((v: tf.Tensor) => tf.sum(globalMaxPool(v as tf.Tensor3D)))(x),
    },
  ];
}

function convCase(): Case {
  const x = normal([8, 32, 32, 16]) as tf.Tensor4D;
  const filter = normal([3, 3, 16, 32]) as tf.Tensor4D;
  return {
    name: 'conv2d filter gradient x=[8,32,32,16] filter=[3,3,16,32] stride 1 same',
    run: () => tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(x, f as tf.Tensor4D, 1, 'same')))(filter),
  };
}

async function main(): Promise<void> {
  const description = await initBackend({ backend: 'wasm' });
  const results: Record<string, Record<string, number | string>> = {};
  const record = (name: string, key: string, value: number | string): void => {
    results[name] = { ...results[name], [key]: value };
  };
  const cases = [...matMulCases(), mlpStepCase(), ...maxPoolCases()];
  uninstallWasmKernelFixes();
  for (const c of cases) {
    if (c.name.endsWith('globalMaxPool')) continue; // a new op, it has no "before"
    record(c.name, 'wasmBeforeMs', time(c.run));
  }
  installWasmKernelFixes();
  for (const c of cases) record(c.name, 'wasmAfterMs', time(c.run));

  const conv = convCase();
  uninstallWasmKernelFixes();
  try {
    conv.run();
    record(conv.name, 'wasmBeforeMs', 'ran');
  } catch (error) {
    record(conv.name, 'wasmBeforeMs', `unavailable: ${(error as Error).message.slice(0, 80)}`);
  }
  installWasmKernelFixes();
  record(conv.name, 'wasmAfterMs', time(conv.run));
  await tf.setBackend('cpu');
  record(conv.name, 'cpuMs', time(convCase().run, 1)); // ~10 s a run: once is enough

  for (const r of Object.values(results)) {
    if (typeof r.wasmBeforeMs === 'number' && typeof r.wasmAfterMs === 'number') {
      r.speedup = Math.round((r.wasmBeforeMs / r.wasmAfterMs) * 10) / 10;
    }
  }
  process.stdout.write(`${JSON.stringify({ bench: 'engineKernels', backend: description.backend, tfjs: tf.version_core, repeats: REPEATS, results }, null, 2)}\n`);
}

await main();
