import * as tf from '@tensorflow/tfjs';
import type { EngineBackend } from '../../core/config/engineConfig.js';
import type { Logger } from '../../core/Logger.js';
import { silentLogger } from '../../core/Logger.js';
import { installWasmKernelFixes } from './installWasmKernelFixes.js';

/** A backend that can run (everything but `auto`). */
export type ConcreteBackend = Exclude<EngineBackend, 'auto'>;

/** What `auto` tries, best first. */
export const BACKEND_PREFERENCE: readonly ConcreteBackend[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

/** The package that provides each backend and the name it registers in TensorFlow.js. */
const PROVIDERS: Record<ConcreteBackend, { module?: string; tfName: string }> = {
  'tfjs-node-gpu': { module: '@tensorflow/tfjs-node-gpu', tfName: 'tensorflow' },
  'tfjs-node': { module: '@tensorflow/tfjs-node', tfName: 'tensorflow' },
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
}

export interface InitBackendOptions {
  /** `auto` (default) takes the best that loads; a named one is an error when it cannot run. */
  backend?: EngineBackend;
  logger?: Logger;
  /** Loads a package; tests replace it to act out a broken install. */
  importModule?: (specifier: string) => Promise<unknown>;
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
    const failure = await activate(name, importModule);
    if (failure === undefined) {
      const kernelFixes = name === 'wasm' ? installWasmKernelFixes() : [];
      for (const [better, reason] of Object.entries(reasons)) {
        const installedButBroken = !reason.startsWith('not installed');
        logger[installedButBroken ? 'warn' : 'info'](`tensor backend ${better} unavailable: ${reason}`, { backend: better, reason });
      }
      logger.info(`tensor backend: ${name}`, { backend: name, asked, reasons, kernelFixes });
      return { backend: name, reasons, kernelFixes };
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

/** Makes `name` the active backend; undefined on success, else why not. */
async function activate(
  name: ConcreteBackend,
  importModule: (specifier: string) => Promise<unknown>,
): Promise<{ reason: string; cause?: unknown } | undefined> {
  const { module, tfName } = PROVIDERS[name];
  if (module !== undefined) {
    try {
      await importModule(module);
    } catch (error) {
      if (isModuleNotFound(error, module)) return { reason: `not installed (module '${module}' not found)`, cause: error };
      return { reason: `failed to load '${module}': ${messageOf(error)}`, cause: error };
    }
    if (tf.findBackendFactory(tfName) === null) {
      // E.g. the package brought its own copy of @tensorflow/tfjs (a version mismatch).
      return { reason: `'${module}' loaded but registered no '${tfName}' backend with this @tensorflow/tfjs ${tf.version_core}` };
    }
  }
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
