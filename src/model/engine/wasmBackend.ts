import type { DataType, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';

type TypedArray = Float32Array | Int32Array | Uint8Array;

/**
 * The part of tfjs-backend-wasm's `BackendWasm` that our JS kernels use. Kernels receive
 * their backend typed as `{}`; this names the members we rely on, checked once in
 * `asWasmBackend`, so no `any` leaks into the kernels.
 */
export interface WasmBackend {
  /** Allocates an output on the wasm heap (uninitialised memory). */
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  /**
   * A view of a tensor's heap memory. Views go stale when the heap grows, so take them
   * after the last allocation of a kernel.
   */
  typedArrayFromHeap(info: TensorInfo): TypedArray;
  /** Frees an intermediate made by `makeOutput` or another kernel. */
  disposeData(dataId: object, force?: boolean): boolean;
  /** One more reference to a tensor's memory (freed when the last one is disposed). */
  incRef(dataId: object): void;
}

export function asWasmBackend(backend: unknown): WasmBackend {
  const b = backend as Partial<WasmBackend> | null;
  if (
    b === null ||
    typeof b !== 'object' ||
    typeof b.makeOutput !== 'function' ||
    typeof b.typedArrayFromHeap !== 'function' ||
    typeof b.disposeData !== 'function' ||
    typeof b.incRef !== 'function'
  ) {
    throw new Error('expected the tfjs wasm backend (makeOutput, typedArrayFromHeap, disposeData, incRef), got another backend');
  }
  return b as WasmBackend;
}

/** The registered kernel `name` of `backendName`; an error naming both when absent. */
export function requireKernel(name: string, backendName: string): KernelConfig {
  const config = tf.getKernel(name, backendName);
  if (config === undefined) throw new Error(`kernel '${name}' is not registered for backend '${backendName}'`);
  return config;
}

/** Calls a kernel function directly (no engine bookkeeping) and returns its single output. */
export function callKernel(
  kernel: KernelFunc,
  backend: WasmBackend,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, unknown> = {},
): TensorInfo {
  const out = kernel({ inputs, backend, attrs: attrs as tf.NamedAttrMap });
  if (Array.isArray(out)) throw new Error('expected a single-output kernel');
  return out;
}

/** The float32 heap view of `info` (see `typedArrayFromHeap` about staleness). */
export function floatView(backend: WasmBackend, info: TensorInfo): Float32Array {
  const view = backend.typedArrayFromHeap(info);
  if (!(view instanceof Float32Array)) throw new Error(`expected a float32 tensor, got ${info.dtype}`);
  return view;
}

/** The int32 heap view of `info`. */
export function intView(backend: WasmBackend, info: TensorInfo): Int32Array {
  const view = backend.typedArrayFromHeap(info);
  if (!(view instanceof Int32Array)) throw new Error(`expected an int32 tensor, got ${info.dtype}`);
  return view;
}

/** Input `name` of a kernel call; an error naming the kernel when it is missing. */
export function kernelInput(inputs: tf.NamedTensorInfoMap, name: string, kernel: string): TensorInfo {
  const info = inputs[name];
  if (info === undefined) throw new Error(`${kernel}: missing input '${name}'`);
  return info;
}
