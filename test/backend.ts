// The tensor backend the suite runs its models on: wasm (installed everywhere, the product's
// backend where no native TensorFlow is installed) unless JEPA_TEST_BACKEND names another:
//   JEPA_TEST_BACKEND=tfjs-node npm test      (or: npm run test:backend -- tfjs-node)
// Every test that runs a model, in this process, in a learner worker or in a spawned CLI,
// follows it; tests of one backend's own kernels (test/model/engine) stay on that backend,
// and initBackend's own tests check whichever backends are installed.
import { createRequire } from 'node:module';
import { ENGINE_BACKENDS } from '../src/core/config/engineConfig.js';
import { BACKEND_PROVIDERS, initBackend } from '../src/model/engine/initBackend.js';
import type { BackendDescription, ConcreteBackend } from '../src/model/engine/initBackend.js';

/** The environment variable that chooses the suite's backend. */
export const TEST_BACKEND_VARIABLE = 'JEPA_TEST_BACKEND';

const CONCRETE: readonly ConcreteBackend[] = ENGINE_BACKENDS.filter((b): b is ConcreteBackend => b !== 'auto');

/** A backend name from the variable's value; wasm when unset or empty; an error naming the variable otherwise. */
export function parseTestBackend(value: string | undefined): ConcreteBackend {
  if (value === undefined || value === '') return 'wasm';
  const found = CONCRETE.find((b) => b === value);
  if (found === undefined) throw new Error(`${TEST_BACKEND_VARIABLE}: expected one of ${CONCRETE.join(', ')}, got '${value}'`);
  return found;
}

/** The backend this run of the suite uses. */
export const TEST_BACKEND: ConcreteBackend = parseTestBackend(process.env[TEST_BACKEND_VARIABLE]);

/** `engine.backend=<TEST_BACKEND>`, for configs built from overrides and for CLI runs (`--set`). */
export const TEST_ENGINE_OVERRIDE = `engine.backend=${TEST_BACKEND}`;

/**
 * Activates the suite's backend (with the kernel fixes on wasm). Where it cannot run, the
 * error names the variable and initBackend's reason (which says how to install a missing
 * native backend).
 */
export async function useTestBackend(): Promise<BackendDescription> {
  try {
    return await initBackend({ backend: TEST_BACKEND });
  } catch (error) {
    throw new Error(`${TEST_BACKEND_VARIABLE}=${TEST_BACKEND}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

const resolver = createRequire(import.meta.url);

/**
 * Whether the package behind a backend is installed (resolves from here), without loading it:
 * loading tfjs-node switches the running backend. True for `cpu`, which is part of tfjs.
 */
export function isBackendInstalled(name: ConcreteBackend): boolean {
  const { module } = BACKEND_PROVIDERS[name];
  if (module === undefined) return true;
  try {
    resolver.resolve(module);
    return true;
  } catch {
    return false;
  }
}
