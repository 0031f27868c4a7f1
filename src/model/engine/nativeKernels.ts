import * as tf from '@tensorflow/tfjs';
import type { OrtSession } from '../onnx/onnxRuntime.js';
import type { OrtSessionFactory } from '../onnx/planningEngine.js';
import { asWasmBackend, floatView } from './wasmBackend.js';

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

/**
 * A float32 tensor's values for a native kernel's input, without a copy where the backend is
 * wasm: a view of its heap, valid until the next wasm allocation, so take the views of a call
 * right before the run that reads them. Elsewhere `dataSync()` (a copy, or the cpu backend's own array).
 */
export function nativeInput(t: tf.Tensor): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`native kernels: expected a float32 input, got ${t.dtype}`);
  if (tf.getBackend() === 'wasm') return floatView(asWasmBackend(tf.backend()), { dataId: t.dataId, shape: t.shape, dtype: t.dtype });
  return t.dataSync() as Float32Array;
}
