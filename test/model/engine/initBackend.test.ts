import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { Logger } from '../../../src/core/Logger.js';
import { BACKEND_PREFERENCE, BackendUnavailableError, initBackend } from '../../../src/model/engine/initBackend.js';
import { ENGINE_BACKENDS, engineConfigSchema } from '../../../src/core/config/engineConfig.js';
import { parseConfig } from '../../../src/core/config/Config.js';
import { loadOnnxRuntime, loadPlanningRuntime, selectPlanningEngine } from '../../../src/model/onnx/index.js';

interface Entry {
  level: string;
  message: string;
}

function recordingLogger(entries: Entry[]): Logger {
  const log = (level: string) => (message: string): void => void entries.push({ level, message });
  const logger: Logger = { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug'), child: () => logger };
  return logger;
}

const realImport = (specifier: string): Promise<unknown> => import(specifier);

describe('initBackend', () => {
  test('with planning, it also chooses the planning engine and logs which and why; without, nothing is chosen', async () => {
    const entries: Entry[] = [];
    const plain = await initBackend({ backend: 'wasm', logger: recordingLogger(entries) });
    assert.equal(plain.planning, undefined);
    const description = await initBackend({ backend: 'wasm', planning: 'auto', logger: recordingLogger(entries) });
    const ort = loadOnnxRuntime();
    assert.equal(description.planning?.engine, ort.available ? 'onnxruntime' : 'tfjs');
    assert.equal(loadPlanningRuntime() !== undefined, ort.available);
    assert.ok(entries.some((e) => e.level === 'info' && e.message === 'planning engine'));
    selectPlanningEngine('tfjs');
  });

  test("'auto' ends on wasm here, saying why each native backend is unavailable", async () => {
    const entries: Entry[] = [];
    const description = await initBackend({ backend: 'auto', logger: recordingLogger(entries) });
    assert.equal(description.backend, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.deepEqual(Object.keys(description.reasons), ['tfjs-node-gpu', 'tfjs-node']);
    assert.match(description.reasons['tfjs-node-gpu']!, /not installed \(module '@tensorflow\/tfjs-node-gpu' not found\)/);
    assert.match(description.reasons['tfjs-node']!, /not installed \(module '@tensorflow\/tfjs-node' not found\)/);
    assert.ok(description.kernelFixes.includes('BatchMatMul'));
    assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined);
    const messages = entries.map((e) => `${e.level}: ${e.message}`);
    assert.ok(messages.some((m) => /^info: tensor backend tfjs-node-gpu unavailable: not installed/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /^info: tensor backend tfjs-node unavailable: not installed/.test(m)), messages.join('\n'));
    assert.equal(messages.at(-1), 'info: tensor backend: wasm');
  });

  test('is idempotent: calling again (even concurrently) gives the same backend', async () => {
    const [first, second] = await Promise.all([initBackend(), initBackend()]);
    assert.equal(first.backend, 'wasm');
    assert.deepEqual(second, first);
    assert.deepEqual([...second.kernelFixes].sort(), ['BatchMatMul', 'Conv2DBackpropFilter', 'Identity', 'Mean', 'Sum', '_FusedMatMul']);
    assert.equal(tf.getBackend(), 'wasm');
  });

  test("re-activates wasm when something switched to 'cpu' in between", async () => {
    await tf.setBackend('cpu');
    assert.equal((await initBackend({ backend: 'wasm' })).backend, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
  });

  test("asking for 'tfjs-node' explicitly is an error naming it and why", async () => {
    await assert.rejects(initBackend({ backend: 'tfjs-node' }), (error: Error) => {
      assert.ok(error instanceof BackendUnavailableError);
      assert.match(error.message, /tensor backend 'tfjs-node' is unavailable: not installed \(module '@tensorflow\/tfjs-node' not found\)/);
      assert.ok(error.cause instanceof Error);
      return true;
    });
    assert.equal(tf.getBackend(), 'wasm', 'the running backend is left alone');
  });

  test('an installed but broken package is reported as failing to load, with its message, as a warning', async () => {
    const entries: Entry[] = [];
    const importModule = (specifier: string): Promise<unknown> =>
      specifier === '@tensorflow/tfjs-node-gpu'
        ? Promise.reject(new Error('libcudart.so.11.0: cannot open shared object file'))
        : realImport(specifier);
    const description = await initBackend({ logger: recordingLogger(entries), importModule });
    assert.equal(description.backend, 'wasm');
    assert.equal(description.reasons['tfjs-node-gpu'], "failed to load '@tensorflow/tfjs-node-gpu': libcudart.so.11.0: cannot open shared object file");
    assert.ok(entries.some((e) => e.level === 'warn' && /tfjs-node-gpu unavailable: failed to load .*libcudart/.test(e.message)));
    await assert.rejects(
      initBackend({ backend: 'tfjs-node-gpu', importModule }),
      /tensor backend 'tfjs-node-gpu' is unavailable: failed to load '@tensorflow\/tfjs-node-gpu': libcudart\.so\.11\.0/,
    );
  });

  test('a missing dependency of an installed package counts as broken, not as not installed', async () => {
    const missingDependency = Object.assign(new Error("Cannot find package 'node-pre-gyp' imported from /x/tfjs-node/index.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    const importModule = (specifier: string): Promise<unknown> =>
      specifier === '@tensorflow/tfjs-node' ? Promise.reject(missingDependency) : realImport(specifier);
    const description = await initBackend({ importModule });
    assert.match(description.reasons['tfjs-node']!, /^failed to load '@tensorflow\/tfjs-node': Cannot find package 'node-pre-gyp'/);
  });

  test('a package that registers no backend with our tfjs is reported so', async () => {
    const importModule = (specifier: string): Promise<unknown> =>
      specifier === '@tensorflow/tfjs-node' ? Promise.resolve({}) : realImport(specifier);
    const description = await initBackend({ importModule });
    assert.match(description.reasons['tfjs-node']!, /'@tensorflow\/tfjs-node' loaded but registered no 'tensorflow' backend with this @tensorflow\/tfjs/);
  });

  test("'cpu' explicitly runs cpu with no reasons and no fixes", async () => {
    const description = await initBackend({ backend: 'cpu' });
    assert.deepEqual(description, { backend: 'cpu', reasons: {}, kernelFixes: [], threads: 1 });
    assert.equal(tf.getBackend(), 'cpu');
    await initBackend({ backend: 'wasm' });
  });

  test('the config section lists every backend, defaults to auto and rejects others', () => {
    assert.deepEqual([...ENGINE_BACKENDS], ['auto', ...BACKEND_PREFERENCE]);
    assert.deepEqual(engineConfigSchema.parse(undefined), { backend: 'auto', threads: 1, planning: 'auto' });
    assert.equal(parseConfig({ engine: { planning: 'tfjs' } }).engine.planning, 'tfjs');
    assert.throws(() => parseConfig({ engine: { planning: 'webgpu' } }), /'engine\.planning'/);
    assert.equal(parseConfig({ engine: { threads: 'auto' } }).engine.threads, 'auto');
    assert.throws(() => parseConfig({ engine: { threads: 0 } }), /'engine\.threads'/);
    assert.equal(parseConfig({ engine: { backend: 'wasm' } }).engine.backend, 'wasm');
    assert.throws(() => parseConfig({ engine: { backend: 'webgl' } }), /'engine\.backend'.*\(got "webgl"\)/);
  });
});
