import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { EngineBackend, EngineThreads } from '../../core/config/engineConfig.js';
import type { Logger } from '../../core/Logger.js';
import { silentLogger } from '../../core/Logger.js';
import { loadOnnxRuntime } from '../onnx/onnxRuntime.js';
import { selectPlanningEngine } from '../onnx/planningEngine.js';
import type { PlanningEngineChoice, PlanningEngineDescription } from '../onnx/planningEngine.js';
import { installWasmKernelFixes } from './installWasmKernelFixes.js';
import { useNativeKernels } from './nativeKernels.js';
import { createThreadedWasmBackend, wasmBackendThreads } from './threadedWasmBackend.js';

/** A backend that can run (everything but `auto`). */
export type ConcreteBackend = Exclude<EngineBackend, 'auto'>;

/** What `auto` tries, best first. */
export const BACKEND_PREFERENCE: readonly ConcreteBackend[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

/**
 * The package that provides each backend, the name it registers in TensorFlow.js, and for the
 * native ones (opt-in: libtensorflow is downloaded when they install) the package.json script
 * that installs them.
 */
export const BACKEND_PROVIDERS: Readonly<Record<ConcreteBackend, { readonly module?: string; readonly tfName: string; readonly installScript?: string }>> = {
  'tfjs-node-gpu': { module: '@tensorflow/tfjs-node-gpu', tfName: 'tensorflow', installScript: 'install:gpu' },
  'tfjs-node': { module: '@tensorflow/tfjs-node', tfName: 'tensorflow', installScript: 'install:tfjs-node' },
  wasm: { module: '@tensorflow/tfjs-backend-wasm', tfName: 'wasm' },
  cpu: { tfName: 'cpu' },
};

export interface BackendDescription {
  /** The backend that runs. */
  readonly backend: ConcreteBackend;
  /** Why each better backend tried by `auto` could not run (empty for an explicit choice). */
  readonly reasons: Readonly<Partial<Record<ConcreteBackend, string>>>;
  /** Kernels replaced or added to make this backend train fast (wasm only). */
  readonly kernelFixes: readonly string[];
  /** Threads of the backend's compute pool (wasm: XNNPACK's; 1 elsewhere, where the backend decides). */
  readonly threads: number;
  /**
   * Where the wasm backend's native kernels run (large matMuls, PointNet's forward pass:
   * nativeKernels.ts), and why; absent on other backends.
   */
  readonly native?: NativeKernelsDescription;
  /** Where sampling planners score samples, when `planning` was given (model/onnx/planningEngine.ts). */
  readonly planning?: PlanningEngineDescription;
}

export interface InitBackendOptions {
  /** `auto` (default) takes the best that loads; a named one is an error when it cannot run. */
  backend?: EngineBackend;
  /**
   * Threads of the wasm backend (default 1, the package's single-threaded build; `auto`: one
   * per core). Fixed by the call that first starts wasm in a process: its tensors live in
   * that backend's memory, so a later call asking another count keeps it and warns.
   */
  threads?: EngineThreads;
  logger?: Logger;
  /**
   * `engine.planning`: also choose where sampling planners score their samples (onnxruntime
   * when it loads, with as many threads as the tensor backend, else tfjs) and log why.
   * Left out (workers that only train), nothing is chosen and planners use tfjs.
   */
  planning?: PlanningEngineChoice;
  /**
   * Run the wasm backend's native kernels on onnxruntime when it loads (default true; false
   * keeps everything on wasm, e.g. for before/after comparisons).
   */
  nativeKernels?: boolean;
  /** Loads a package; tests replace it to act out a broken install. */
  importModule?: (specifier: string) => Promise<unknown>;
}

export interface NativeKernelsDescription {
  readonly engine: 'onnxruntime' | 'none';
  readonly reason: string;
  readonly version?: string;
}

/** Raised when an explicitly asked backend (or, with `auto`, every backend) cannot run. */
export class BackendUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BackendUnavailableError';
  }
}

// Calls run one after another: two concurrent setBackend calls would race.
let queue: Promise<unknown> = Promise.resolve();

/**
 * Picks and activates the TensorFlow.js backend at start-up. Logs which one runs and why
 * each better one did not, installs the wasm kernel fixes when wasm runs. Idempotent:
 * calling again re-checks and re-activates the same backend.
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendDescription> {
  const run = queue.then(() => select(options));
  queue = run.catch(() => undefined);
  return run;
}

async function select(options: InitBackendOptions): Promise<BackendDescription> {
  const asked = options.backend ?? 'auto';
  const logger = options.logger ?? silentLogger;
  const importModule = options.importModule ?? ((specifier: string): Promise<unknown> => import(specifier));
  const candidates = asked === 'auto' ? BACKEND_PREFERENCE : [asked];
  const reasons: Partial<Record<ConcreteBackend, string>> = {};
  const causes: unknown[] = [];
  for (const name of candidates) {
    const failure = await activate(name, importModule, threadsWanted(options.threads), logger);
    if (failure === undefined) {
      const kernelFixes = name === 'wasm' ? installWasmKernelFixes() : [];
      const threads = name === 'wasm' ? wasmBackendThreads(tf.backend()) : 1;
      const native = selectNativeKernels(name, options.nativeKernels ?? true, threads, logger);
      for (const [better, reason] of Object.entries(reasons)) {
        const installedButBroken = !reason.startsWith('not installed');
        logger[installedButBroken ? 'warn' : 'info'](`tensor backend ${better} unavailable: ${reason}`, { backend: better, reason });
      }
      logger.info(`tensor backend: ${name}`, { backend: name, asked, reasons, kernelFixes, threads, ...(native === undefined ? {} : { native }) });
      const description = { backend: name, reasons, kernelFixes, threads, ...(native === undefined ? {} : { native }) };
      if (options.planning === undefined) return description;
      const planning = selectPlanningEngine(options.planning, threadsWanted(options.threads), logger);
      return { ...description, planning };
    }
    reasons[name] = failure.reason;
    causes.push(failure.cause);
  }
  if (asked !== 'auto') {
    throw new BackendUnavailableError(`tensor backend '${asked}' is unavailable: ${reasons[asked]}`, { cause: causes[0] });
  }
  const all = Object.entries(reasons).map(([name, reason]) => `${name}: ${reason}`).join('; ');
  throw new BackendUnavailableError(`no tensor backend could run (${all})`, { cause: causes[causes.length - 1] });
}

/**
 * On wasm, the native kernels run on onnxruntime when it loads (and `wanted`), with the
 * backend's threads; elsewhere they are off. Logged by the caller with the backend.
 */
function selectNativeKernels(name: ConcreteBackend, wanted: boolean, threads: number, logger: Logger): NativeKernelsDescription | undefined {
  useNativeKernels(undefined);
  if (name !== 'wasm') return undefined;
  if (!wanted) return { engine: 'none', reason: 'native kernels switched off (nativeKernels: false)' };
  const runtime = loadOnnxRuntime();
  if (!runtime.available) {
    logger.debug('native kernels off', { reason: runtime.reason });
    return { engine: 'none', reason: runtime.reason };
  }
  useNativeKernels({ createSession: runtime.createSession, threads });
  return {
    engine: 'onnxruntime',
    reason: `onnxruntime-node ${runtime.version} runs here: training's dense layers and MLPs, large matMuls, PointNet's point MLP and pool and the targets' encoding run on it, the rest on wasm`,
    version: runtime.version,
  };
}

function threadsWanted(threads: EngineThreads | undefined): number {
  if (threads === 'auto') return availableParallelism();
  if (threads === undefined) return 1;
  if (!(Number.isInteger(threads) && threads >= 1)) throw new RangeError(`initBackend: threads must be 'auto' or an integer >= 1, got ${threads}`);
  return threads;
}

/** The package's own (single-threaded) wasm factory, kept while ours is registered. */
let packageWasmFactory: (() => tf.KernelBackend | Promise<tf.KernelBackend>) | undefined;
let registeredThreads = 1;

/**
 * Registers the wasm backend factory for `threads` if wasm has not started yet in this
 * process; once it has, its thread count stays (a warning says so when another is asked).
 */
function prepareWasmThreads(threads: number, logger: Logger): void {
  if (tf.engine().registry.wasm !== undefined) {
    const running = wasmBackendThreads(tf.engine().registry.wasm);
    if (running !== threads) logger.warn(`tensor backend wasm already runs with ${running} thread(s); ${threads} asked, kept ${running}`);
    return;
  }
  if (threads === registeredThreads) return;
  packageWasmFactory ??= tf.findBackendFactory('wasm') ?? undefined;
  tf.removeBackend('wasm');
  if (threads === 1 && packageWasmFactory !== undefined) tf.registerBackend('wasm', packageWasmFactory, WASM_PRIORITY);
  else tf.registerBackend('wasm', () => createThreadedWasmBackend(threads), WASM_PRIORITY);
  registeredThreads = threads;
}

/** tfjs-backend-wasm's registration priority. */
const WASM_PRIORITY = 2;

/** Makes `name` the active backend; undefined on success, else why not. */
async function activate(
  name: ConcreteBackend,
  importModule: (specifier: string) => Promise<unknown>,
  threads: number,
  logger: Logger,
): Promise<{ reason: string; cause?: unknown } | undefined> {
  const { module, tfName, installScript } = BACKEND_PROVIDERS[name];
  if (module !== undefined) {
    try {
      await importModule(module);
    } catch (error) {
      if (isModuleNotFound(error, module)) {
        const hint = installScript === undefined ? '' : `; 'npm run ${installScript}' installs it`;
        return { reason: `not installed (module '${module}' not found${hint})`, cause: error };
      }
      return { reason: `failed to load '${module}': ${messageOf(error)}`, cause: error };
    }
    if (tf.findBackendFactory(tfName) === null) {
      // E.g. the package brought its own copy of @tensorflow/tfjs (a version mismatch).
      return { reason: `'${module}' loaded but registered no '${tfName}' backend with this @tensorflow/tfjs ${tf.version_core}` };
    }
  }
  if (name === 'wasm') prepareWasmThreads(threads, logger);
  let failure = await setBackend(tfName);
  if (failure !== undefined && name === 'wasm' && registeredThreads > 1) {
    // The multithreaded build goes around the package's loader: should it fail, the
    // shipped single-threaded build still runs.
    logger.warn(`tensor backend wasm with ${registeredThreads} threads failed (${failure.reason}); using 1 thread`);
    prepareWasmThreads(1, logger);
    failure = await setBackend(tfName);
  }
  return failure;
}

async function setBackend(tfName: string): Promise<{ reason: string; cause?: unknown } | undefined> {
  try {
    if (!(await tf.setBackend(tfName))) return { reason: `failed to initialise (tf.setBackend('${tfName}') returned false)` };
    await tf.ready();
  } catch (error) {
    return { reason: `failed to initialise: ${messageOf(error)}`, cause: error };
  }
  return undefined;
}

/** The package itself is missing (not one of its dependencies, which is a broken install). */
function isModuleNotFound(error: unknown, module: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: unknown }).code;
  const notFound = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
  return notFound && (error.message.includes(`'${module}'`) || error.message.includes(`"${module}"`));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
