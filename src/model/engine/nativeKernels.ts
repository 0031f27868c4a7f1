import type { OrtSession } from '../onnx/onnxRuntime.js';
import type { OrtSessionFactory } from '../onnx/planningEngine.js';

let selected: OrtSessionFactory | undefined;
const sessions = new Map<string, OrtSession>();

/**
 * Where the engine's native kernels run: onnxruntime's CPU kernels (MLAS, on the CPU's own
 * vector units) for the parts of training that gain from them, or nowhere (undefined:
 * everything stays on the tensor backend). Chosen by initBackend; tests switch it to compare
 * both paths. Sessions made for the previous runtime are freed.
 */
export function useNativeKernels(runtime: OrtSessionFactory | undefined): void {
  for (const session of sessions.values()) session.dispose();
  sessions.clear();
  selected = runtime;
}

/** The runtime of the native kernels, or undefined when they are off. */
export function nativeKernels(): OrtSessionFactory | undefined {
  return selected;
}

/**
 * The session of the graph known as `key` on the native runtime, made from `model()` on
 * first use; undefined when native kernels are off.
 */
export function nativeSession(key: string, model: () => Uint8Array): OrtSession | undefined {
  const runtime = selected;
  if (runtime === undefined) return undefined;
  let session = sessions.get(key);
  if (session === undefined) {
    session = runtime.createSession(model(), { threads: runtime.threads });
    sessions.set(key, session);
  }
  return session;
}
