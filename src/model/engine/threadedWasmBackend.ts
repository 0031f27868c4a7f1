import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);
const MODULE_JS = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
const MODULE_WASM = 'tfjs-backend-wasm-threaded-simd.wasm';
const WORKER_JS = fileURLToPath(new URL('./wasmPthreadWorker.js', import.meta.url));

/** The parts of the emscripten module used here (wasm-out/tfjs-backend-wasm-threaded-simd.d.ts). */
interface ThreadedModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  PThread: { unusedWorkers: Worker[]; runningWorkers: Worker[]; terminateAllThreads(): void };
  tfjs?: Record<string, (...args: number[]) => number>;
}

type Imports = { env: Record<string, unknown> };

/** The one WebAssembly call used (the project's TypeScript libs declare no WebAssembly). */
interface WebAssemblyApi {
  instantiate(bytes: Uint8Array, imports: Imports): Promise<{ instance: object; module: object }>;
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

interface FactoryConfig {
  locateFile(path: string, prefix: string): string;
  instantiateWasm(imports: Imports, receive: (instance: object, module: object) => void): object;
  onAbort(reason: unknown): void;
}

/**
 * tfjs-backend-wasm's multithreaded build (XNNPACK with a pool of `threads` threads), which
 * the package ships but switches off in Node (tfjs issue 3830): its loader hands emscripten
 * the worker script as a Blob URL, which Node's Worker cannot start. Here the emscripten
 * module in wasm-out/ is loaded directly, its pthreads start from wasmPthreadWorker.js, and
 * the result is the package's own BackendWasm class, so every registered wasm kernel (and
 * our kernel fixes) runs on it unchanged. Measured on 2 idle cores: big matMuls ~1.7x
 * faster, a 512x8x4 CEM plan ~1.4x; on busy cores slower than one thread (engineConfig.ts).
 * Emscripten pre-starts 8 workers (~0.4 s, a few MB each); they are unref'd, so they never
 * keep the process alive.
 */
export async function createThreadedWasmBackend(threads: number): Promise<BackendWasm> {
  if (!(Number.isInteger(threads) && threads >= 2)) throw new RangeError(`threaded wasm backend: threads must be an integer >= 2, got ${threads}`);
  const factory = require(MODULE_JS) as (config: FactoryConfig) => Promise<ThreadedModule>;
  const bytes = readFileSync(join(dirname(require.resolve(MODULE_JS)), MODULE_WASM));
  let fail: (reason: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const loading = factory({
    locateFile: (path, prefix) => (path.endsWith('.worker.js') ? WORKER_JS : prefix + path),
    instantiateWasm(imports, receive) {
      // The wasm sizes its thread pool from the logical core count halved (it assumes two
      // hyper-threads per core), which gives 1 thread on a 2-core machine whatever we ask.
      imports.env.emscripten_num_logical_cores = () => 2 * threads;
      webAssembly.instantiate(bytes, imports).then(
        (result) => receive(result.instance, result.module),
        (error: unknown) => fail(new Error(`threaded wasm backend: ${MODULE_WASM} did not instantiate`, { cause: error })),
      );
      return {};
    },
    onAbort: (reason) => fail(new Error(`threaded wasm backend: the module aborted: ${String(reason)}`)),
  });
  const module = await Promise.race([loading, failed]);
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  // Read by the BackendWasm constructor when it creates XNNPACK's thread pool.
  setThreadsCount(threads);
  const backend = new BackendWasm(module as unknown as ConstructorParameters<typeof BackendWasm>[0]);
  // Pool threads wait for work forever; unref'd, they no longer hold the process open.
  // (BackendWasm.dispose terminates them.)
  for (const worker of [...module.PThread.runningWorkers, ...module.PThread.unusedWorkers]) worker.unref();
  return backend;
}

/** Threads of a wasm backend's XNNPACK pool (1 for the single-threaded build). */
export function wasmBackendThreads(backend: unknown): number {
  const tfjs = (backend as { wasm?: { tfjs?: { getThreadsCount?: () => number } } } | null)?.wasm?.tfjs;
  return typeof tfjs?.getThreadsCount === 'function' ? tfjs.getThreadsCount() : 1;
}
