import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { Logger } from '../../../src/core/Logger.js';
import { BACKEND_PREFERENCE, BACKEND_PROVIDERS, BackendUnavailableError, initBackend } from '../../../src/model/engine/initBackend.js';
import type { ConcreteBackend } from '../../../src/model/engine/initBackend.js';
import { ENGINE_BACKENDS, engineConfigSchema } from '../../../src/core/config/engineConfig.js';
import { parseConfig } from '../../../src/core/config/Config.js';
import { loadOnnxRuntime, loadPlanningRuntime, selectPlanningEngine } from '../../../src/model/onnx/index.js';
import { isBackendInstalled } from '../../backend.js';

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

type NativeBackend = 'tfjs-node-gpu' | 'tfjs-node';
/** The priority tfjs-node registers its backend with. */
const TFJS_NODE_PRIORITY = 3;
const NATIVE: readonly NativeBackend[] = ['tfjs-node-gpu', 'tfjs-node'];

/** What a native backend's package does here, found without initBackend. */
type NativeState = { readonly kind: 'absent' } | { readonly kind: 'broken'; readonly message: string } | { readonly kind: 'loads' };

/**
 * Resolves the package, then imports it and checks it registered its backend. Importing
 * tfjs-node switches the running backend: the tests set theirs after.
 */
async function nativeState(name: NativeBackend): Promise<NativeState> {
  const { module, tfName } = BACKEND_PROVIDERS[name];
  if (!isBackendInstalled(name)) return { kind: 'absent' };
  try {
    await import(module!);
  } catch (error) {
    return { kind: 'broken', message: error instanceof Error ? error.message : String(error) };
  }
  return tf.findBackendFactory(tfName) === null ? { kind: 'broken', message: 'registered no backend' } : { kind: 'loads' };
}

/** The reason initBackend gives for a native backend that does not run here. */
function reasonPattern(name: NativeBackend, state: NativeState): RegExp {
  const module = BACKEND_PROVIDERS[name].module!.replace('/', '\\/');
  const script = BACKEND_PROVIDERS[name].installScript!;
  switch (state.kind) {
    case 'absent':
      return new RegExp(`^not installed \\(module '${module}' not found; 'npm run ${script}' installs it\\)$`);
    case 'broken':
      return new RegExp(`^failed to load '${module}': |^'${module}' loaded but registered no`);
    case 'loads':
      throw new Error(`${name} loads here: no reason expected`);
  }
}

/** States of the native backends `auto` tries, best first, up to the first that loads; and what auto then runs. */
async function autoHere(skip: readonly NativeBackend[] = []): Promise<{ states: Map<NativeBackend, NativeState>; backend: ConcreteBackend }> {
  const states = new Map<NativeBackend, NativeState>();
  for (const name of NATIVE) {
    if (skip.includes(name)) continue;
    const state = await nativeState(name);
    states.set(name, state);
    if (state.kind === 'loads') return { states, backend: name };
  }
  return { states, backend: 'wasm' };
}

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

  test("'auto' takes the best backend that runs here, saying why each better one does not", async () => {
    const expected = await autoHere();
    const entries: Entry[] = [];
    const description = await initBackend({ backend: 'auto', logger: recordingLogger(entries) });
    assert.equal(description.backend, expected.backend);
    assert.equal(tf.getBackend(), BACKEND_PROVIDERS[expected.backend].tfName);
    const unavailable = [...expected.states].filter(([, state]) => state.kind !== 'loads');
    assert.deepEqual(Object.keys(description.reasons), unavailable.map(([name]) => name));
    const messages = entries.map((e) => `${e.level}: ${e.message}`);
    for (const [name, state] of unavailable) {
      assert.match(description.reasons[name]!, reasonPattern(name, state));
      // Not installed is the usual case (info); installed but not running is a warning.
      const level = state.kind === 'absent' ? 'info' : 'warn';
      assert.ok(messages.includes(`${level}: tensor backend ${name} unavailable: ${description.reasons[name]}`), messages.join('\n'));
    }
    assert.equal(messages.at(-1), `info: tensor backend: ${expected.backend}`);
    assert.equal(description.kernelFixes.length > 0, expected.backend === 'wasm');
    await initBackend({ backend: 'wasm' });
  });

  test('is idempotent: calling again (even concurrently) gives the same backend', async () => {
    const { backend } = await autoHere();
    const [first, second] = await Promise.all([initBackend(), initBackend()]);
    assert.equal(first.backend, backend);
    assert.deepEqual(second, first);
    assert.equal(tf.getBackend(), BACKEND_PROVIDERS[backend].tfName);
    const [wasm, again] = await Promise.all([initBackend({ backend: 'wasm' }), initBackend({ backend: 'wasm' })]);
    assert.deepEqual(again, wasm);
    assert.deepEqual(wasm.reasons, {});
    assert.deepEqual([...wasm.kernelFixes].sort(), ['BatchMatMul', 'Conv2DBackpropFilter', 'Identity', 'Mean', 'Sum', '_FusedMatMul']);
    assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined);
    assert.equal(tf.getBackend(), 'wasm');
  });

  test("re-activates wasm when something switched to 'cpu' in between", async () => {
    await tf.setBackend('cpu');
    assert.equal((await initBackend({ backend: 'wasm' })).backend, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
  });

  test("asking for 'tfjs-node' explicitly runs it where it loads, else is an error naming it and why", async () => {
    const state = await nativeState('tfjs-node');
    await initBackend({ backend: 'wasm' });
    if (state.kind === 'loads') {
      const description = await initBackend({ backend: 'tfjs-node' });
      assert.deepEqual(description, { backend: 'tfjs-node', reasons: {}, kernelFixes: [], threads: 1 });
      assert.equal(tf.getBackend(), 'tensorflow');
      await initBackend({ backend: 'wasm' });
      return;
    }
    await assert.rejects(initBackend({ backend: 'tfjs-node' }), (error: Error) => {
      assert.ok(error instanceof BackendUnavailableError);
      assert.match(error.message, /^tensor backend 'tfjs-node' is unavailable: /);
      assert.match(error.message.replace(/^tensor backend 'tfjs-node' is unavailable: /, ''), reasonPattern('tfjs-node', state));
      assert.ok(state.kind === 'broken' || error.cause instanceof Error);
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
    const { backend } = await autoHere(['tfjs-node-gpu']);
    const description = await initBackend({ logger: recordingLogger(entries), importModule });
    assert.equal(description.backend, backend);
    assert.equal(description.reasons['tfjs-node-gpu'], "failed to load '@tensorflow/tfjs-node-gpu': libcudart.so.11.0: cannot open shared object file");
    assert.ok(entries.some((e) => e.level === 'warn' && /tfjs-node-gpu unavailable: failed to load .*libcudart/.test(e.message)));
    await assert.rejects(
      initBackend({ backend: 'tfjs-node-gpu', importModule }),
      /tensor backend 'tfjs-node-gpu' is unavailable: failed to load '@tensorflow\/tfjs-node-gpu': libcudart\.so\.11\.0/,
    );
    await initBackend({ backend: 'wasm' });
  });

  test('a package that is not installed is reported so, with the script that installs it, at info level', async () => {
    const entries: Entry[] = [];
    const notFound = (module: string): Error =>
      Object.assign(new Error(`Cannot find package '${module}' imported from /x/initBackend.js`), { code: 'ERR_MODULE_NOT_FOUND' });
    const importModule = (specifier: string): Promise<unknown> =>
      NATIVE.some((n) => BACKEND_PROVIDERS[n].module === specifier) ? Promise.reject(notFound(specifier)) : realImport(specifier);
    const description = await initBackend({ logger: recordingLogger(entries), importModule });
    assert.equal(description.backend, 'wasm');
    assert.deepEqual(description.reasons, {
      'tfjs-node-gpu': "not installed (module '@tensorflow/tfjs-node-gpu' not found; 'npm run install:gpu' installs it)",
      'tfjs-node': "not installed (module '@tensorflow/tfjs-node' not found; 'npm run install:tfjs-node' installs it)",
    });
    assert.deepEqual(
      entries.filter((e) => e.message.includes('unavailable')).map((e) => e.level),
      ['info', 'info'],
    );
    await assert.rejects(initBackend({ backend: 'tfjs-node-gpu', importModule }), /is unavailable: not installed .*'npm run install:gpu' installs it/);
  });

  test('the install scripts pin each native package to the installed @tensorflow/tfjs, and install without saving', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
      optionalDependencies: Record<string, string>;
    };
    for (const name of NATIVE) {
      const { module, installScript } = BACKEND_PROVIDERS[name];
      assert.equal(manifest.scripts[installScript!], `npm install --no-save ${module}@${tf.version.tfjs}`);
      assert.equal(manifest.optionalDependencies[module!], undefined, `${module} is opt-in`);
      assert.equal(manifest.dependencies[module!], undefined, `${module} is opt-in`);
    }
  });

  test('a missing dependency of an installed package counts as broken, not as not installed', async () => {
    const missingDependency = Object.assign(new Error("Cannot find package 'node-pre-gyp' imported from /x/tfjs-node/index.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    const importModule = (specifier: string): Promise<unknown> =>
      specifier === '@tensorflow/tfjs-node' ? Promise.reject(missingDependency) : realImport(specifier);
    await assert.rejects(
      initBackend({ backend: 'tfjs-node', importModule }),
      /tensor backend 'tfjs-node' is unavailable: failed to load '@tensorflow\/tfjs-node': Cannot find package 'node-pre-gyp'/,
    );
  });

  test('a package that registers no backend with our tfjs is reported so', async () => {
    await initBackend({ backend: 'wasm' });
    // Where tfjs-node is installed and was loaded above, its registration is set aside meanwhile.
    const registered = tf.findBackendFactory('tensorflow');
    if (registered !== null) tf.removeBackend('tensorflow');
    try {
      const importModule = (specifier: string): Promise<unknown> =>
        specifier === '@tensorflow/tfjs-node' ? Promise.resolve({}) : realImport(specifier);
      await assert.rejects(
        initBackend({ backend: 'tfjs-node', importModule }),
        /tensor backend 'tfjs-node' is unavailable: '@tensorflow\/tfjs-node' loaded but registered no 'tensorflow' backend with this @tensorflow\/tfjs 4\./,
      );
    } finally {
      if (registered !== null) tf.registerBackend('tensorflow', registered, TFJS_NODE_PRIORITY);
    }
    assert.equal(tf.getBackend(), 'wasm');
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
