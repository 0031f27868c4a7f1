import * as tf from '@tensorflow/tfjs';
import type { OrtFeed, OrtSession } from '../onnx/onnxRuntime.js';
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

/**
 * Runs `session` over `rows` rows (frames) `chunk` at a time and joins the outputs, which
 * must all be per row: the inputs named in `perRow` are split along their first axis (views,
 * no copies), the others fed whole to every run. Why: a chunk's intermediate activations
 * stay in the CPU's cache. Measured on PointNet's forward pass over 96 clouds of 512 points
 * (64 and 128 channels): 19.6 ms in one run, 11 ms in runs of 4 clouds.
 */
export function runByRows(
  session: OrtSession,
  feeds: Readonly<Record<string, OrtFeed>>,
  perRow: readonly string[],
  rows: number,
  chunk: number,
): Record<string, Float32Array> {
  if (rows <= chunk) return session.run(feeds);
  const joined: Record<string, Float32Array> = {};
  for (let start = 0; start < rows; start += chunk) {
    const count = Math.min(chunk, rows - start);
    const part: Record<string, OrtFeed> = { ...feeds };
    for (const name of perRow) {
      const feed = feeds[name];
      if (feed === undefined) throw new RangeError(`runByRows: no input '${name}' to split`);
      const size = feed.data.length / feed.dims[0];
      part[name] = { data: feed.data.subarray(start * size, (start + count) * size), dims: [count, ...feed.dims.slice(1)] };
    }
    const out = session.run(part);
    for (const [name, values] of Object.entries(out)) {
      const size = values.length / count;
      joined[name] ??= new Float32Array(rows * size);
      joined[name].set(values, start * size);
    }
  }
  return joined;
}
