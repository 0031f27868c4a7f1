import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { Logger } from '../../../src/core/Logger.js';
import { Rng } from '../../../src/core/Rng.js';
import { globalMaxPool } from '../../../src/model/engine/globalMaxPool.js';
import { initBackend } from '../../../src/model/engine/initBackend.js';
import { createThreadedWasmBackend, wasmBackendThreads } from '../../../src/model/engine/threadedWasmBackend.js';
import { assertClose, liveCounts, normalData, take } from './backendFixtures.js';

const rng = new Rng('threadedWasmBackend');

function recordingLogger(warnings: string[]): Logger {
  const ignore = (): void => undefined;
  const logger: Logger = { error: ignore, warn: (m) => void warnings.push(m), info: ignore, debug: ignore, child: () => logger };
  return logger;
}

/** Runs `f` on cpu, then on the (threaded) wasm backend, returning both read-backs. */
async function cpuThenWasm(f: () => Float32Array[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  await tf.setBackend('cpu');
  const cpu = f();
  await tf.setBackend('wasm');
  return { cpu, wasm: f() };
}

describe('threaded wasm backend', () => {
  // The first initBackend of this process starts wasm, so it fixes the thread count.
  before(async () => {
    const description = await initBackend({ backend: 'wasm', threads: 2 });
    assert.equal(description.threads, 2);
  });

  test('initBackend runs wasm with a pool of 2 threads and the kernel fixes', () => {
    assert.equal(tf.getBackend(), 'wasm');
    assert.equal(wasmBackendThreads(tf.backend()), 2);
    assert.ok(tf.getKernel('JepaGlobalMaxPool', 'wasm') !== undefined);
  });

  test('matMuls (plain, transposed, fused with bias and ELU) and the max pool agree with cpu, no leak', async () => {
    const a = normalData(rng, [96, 40]);
    const b = normalData(rng, [40, 72]);
    const bias = normalData(rng, [72]);
    const points = normalData(rng, [4, 300, 24]);
    const results = await cpuThenWasm(() => {
      const [ta, tb, tbias, tp] = [tf.tensor2d(a, [96, 40]), tf.tensor2d(b, [40, 72]), tf.tensor1d(bias), tf.tensor3d(points, [4, 300, 24])];
      const counts = liveCounts();
      const out = [
        take(tf.matMul(ta, tb)),
        take(tf.matMul(ta, ta, true, false)),
        take(tf.fused.matMul({ a: ta, b: tb, bias: tbias, activation: 'elu' })),
        take(globalMaxPool(tp)),
        take(tf.grad((x: tf.Tensor) => tf.sum(tf.square(globalMaxPool(x as tf.Tensor3D))))(tp)),
      ];
      assert.deepEqual(liveCounts(), counts, 'tensors or buffers leaked');
      tf.dispose([ta, tb, tbias, tp]);
      return out;
    });
    results.wasm.forEach((values, i) => assertClose(values, results.cpu[i], `output ${i}`));
  });

  test('a later call asking for another count keeps the running backend and says so', async () => {
    const warnings: string[] = [];
    const description = await initBackend({ backend: 'wasm', threads: 1, logger: recordingLogger(warnings) });
    assert.equal(description.threads, 2);
    assert.ok(warnings.some((w) => /already runs with 2 thread\(s\); 1 asked, kept 2/.test(w)), warnings.join('\n'));
  });

  test('fewer than 2 threads is not a threaded backend', async () => {
    await assert.rejects(createThreadedWasmBackend(1), /threads must be an integer >= 2, got 1/);
  });

  test('the pool threads do not keep a process alive', () => {
    const engine = fileURLToPath(new URL('../../../src/model/engine/index.js', import.meta.url));
    const script = `(async () => {
      const { initBackend } = await import(${JSON.stringify(engine)});
      const tf = await import('@tensorflow/tfjs');
      const d = await initBackend({ backend: 'wasm', threads: 2 });
      const x = tf.ones([64, 64]);
      console.log(d.threads, tf.matMul(x, x).dataSync()[0]);
    })();`;
    const cwd = fileURLToPath(new URL('../../../../', import.meta.url));
    const run = spawnSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.signal, null, `the process did not end by itself: ${run.stderr}`);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), '2 64');
  });
});
