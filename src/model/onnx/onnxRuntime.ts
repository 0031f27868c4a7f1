import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { encodeOnnxModel } from './onnxProto.js';
import { OnnxGraphBuilder } from './OnnxGraphBuilder.js';

/** A float32 tensor as fed to or read from a session. */
export interface OrtFeed {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** One loaded graph. `run` is synchronous, so planners (synchronous functions) can call it. */
export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Feeds every input by name; returns every output by name. */
  run(feeds: Readonly<Record<string, OrtFeed>>): Record<string, Float32Array>;
  /**
   * Feeds every input by name and writes every output into the buffer given for it, whose
   * dims must be the output's (no copy either way: e.g. views of the wasm heap).
   */
  runInto(feeds: Readonly<Record<string, OrtFeed>>, outputs: Readonly<Record<string, OrtFeed>>): void;
  dispose(): void;
}

export interface OrtSessionOptions {
  /** Threads of the session's intra-op pool (1: the calling thread only). */
  readonly threads: number;
}

export type OnnxRuntime =
  | { readonly available: true; readonly version: string; createSession(model: Uint8Array, options: OrtSessionOptions): OrtSession }
  | { readonly available: false; readonly reason: string };

/** The native binding's session, as onnxruntime-node's own backend.js drives it. */
interface NativeSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): unknown;
  run(feeds: Record<string, unknown>, fetches: Record<string, unknown>, options: object): Record<string, { data: unknown; dims: readonly number[] }>;
  dispose(): void;
  readonly inputMetadata: ReadonlyArray<{ name: string }>;
  readonly outputMetadata: ReadonlyArray<{ name: string }>;
}

interface Binding {
  binding: { InferenceSession: new () => NativeSession };
  initOrt(): void;
}

type TensorClass = new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;

let loaded: OnnxRuntime | undefined;

/**
 * onnxruntime-node (an optional dependency) when it loads and runs here, else why not.
 * Checked once per process by loading the package and running a one-node graph.
 *
 * Why the native binding and not `InferenceSession`: the package's public `run` is async (it
 * defers the binding's synchronous run to setImmediate), and our planners are synchronous
 * functions of (model, state, goal, config, rng). The binding's `loadModel` and `run` are the
 * calls onnxruntime-node's backend.js makes; the version is pinned in package.json, and a
 * binding without them is reported as unavailable, which falls back to tfjs.
 */
export function loadOnnxRuntime(): OnnxRuntime {
  loaded ??= tryLoad();
  return loaded;
}

function tryLoad(): OnnxRuntime {
  const require = createRequire(import.meta.url);
  let main: string;
  try {
    main = require.resolve('onnxruntime-node');
  } catch (error) {
    return { available: false, reason: `onnxruntime-node is not installed (an optional dependency): ${(error as Error).message.split('\n')[0]}` };
  }
  try {
    const dir = dirname(main);
    const version = (require(join(dir, '..', 'package.json')) as { version: string }).version;
    const { binding, initOrt } = require(join(dir, 'binding.js')) as Binding;
    const { Tensor } = createRequire(main)('onnxruntime-common') as { Tensor: TensorClass };
    if (typeof binding?.InferenceSession !== 'function' || typeof initOrt !== 'function' || typeof Tensor !== 'function') {
      return { available: false, reason: `onnxruntime-node ${version}: its native binding lacks InferenceSession or initOrt` };
    }
    initOrt();
    const runtime = {
      available: true as const,
      version,
      createSession: (model: Uint8Array, options: OrtSessionOptions): OrtSession => createSession(binding.InferenceSession, Tensor, model, options),
    };
    smokeTest(runtime.createSession);
    return runtime;
  } catch (error) {
    return { available: false, reason: `onnxruntime-node does not run here: ${(error as Error).message.split('\n')[0]}` };
  }
}

function createSession(Session: new () => NativeSession, Tensor: TensorClass, model: Uint8Array, options: OrtSessionOptions): OrtSession {
  const session = new Session();
  // Synchronous for a model in memory (backend.js awaits a promise that is already settled).
  void session.loadModel(model.buffer, model.byteOffset, model.byteLength, {
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const inputNames = session.inputMetadata.map((m) => m.name);
  const outputNames = session.outputMetadata.map((m) => m.name);
  const fetches = Object.fromEntries(outputNames.map((n) => [n, null])) as Record<string, null>;
  let disposed = false;
  const tensorsOf = (values: Readonly<Record<string, OrtFeed>>, kind: 'input' | 'output'): Record<string, unknown> => {
    if (disposed) throw new Error('onnxruntime: run on a disposed session');
    const tensors: Record<string, unknown> = {};
    for (const name of kind === 'input' ? inputNames : outputNames) {
      const value = values[name];
      if (value === undefined) {
        throw new RangeError(kind === 'input' ? `onnxruntime: no value fed for the graph input '${name}'` : `onnxruntime: no buffer given for the graph output '${name}'`);
      }
      tensors[name] = new Tensor('float32', value.data, value.dims);
    }
    return tensors;
  };
  return {
    inputNames,
    outputNames,
    run(feeds) {
      const out = session.run(tensorsOf(feeds, 'input'), fetches, {});
      const result: Record<string, Float32Array> = {};
      for (const name of outputNames) {
        const data = out[name]?.data;
        if (!(data instanceof Float32Array)) throw new Error(`onnxruntime: output '${name}' is not float32`);
        result[name] = data;
      }
      return result;
    },
    runInto(feeds, outputs) {
      // Given tensors as fetches: the binding writes into them (and returns copies, unused here).
      session.run(tensorsOf(feeds, 'input'), tensorsOf(outputs, 'output'), {});
    },
    dispose() {
      if (!disposed) session.dispose();
      disposed = true;
    },
  };
}

/** y = x W on a 1x2 by 2x1 product: throws unless the binding loads, runs synchronously and computes. */
function smokeTest(create: (model: Uint8Array, options: OrtSessionOptions) => OrtSession): void {
  const g = new OnnxGraphBuilder();
  const y = g.op('MatMul', [g.input('x', [1, 2]), g.constant([3, 4], [2, 1])]);
  g.output(g.name(y, 'y'), [1, 1]);
  const session = create(encodeOnnxModel(g.build('smoke')), { threads: 1 });
  try {
    const out = session.run({ x: { data: Float32Array.of(1, 2), dims: [1, 2] } }).y;
    if (out?.[0] !== 11) throw new Error(`a 1x2 by 2x1 product gave ${out?.[0]}, expected 11`);
  } finally {
    session.dispose();
  }
}
