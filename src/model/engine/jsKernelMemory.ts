import type { DataType, TensorInfo } from '@tensorflow/tfjs';
import { asWasmBackend, floatView, intView } from './wasmBackend.js';

/** Backends whose memory JS kernels can reach (others, e.g. native TF, use tf ops instead). */
export const JS_KERNEL_BACKENDS = ['wasm', 'cpu'] as const;
export type JsKernelBackend = (typeof JS_KERNEL_BACKENDS)[number];

/**
 * How a JS kernel reaches a backend's memory. `output` allocates; the views must be taken
 * after the kernel's last `output` (a growing wasm heap detaches earlier views).
 */
export interface KernelMemory {
  output(backend: unknown, shape: number[], dtype: DataType): TensorInfo;
  floats(backend: unknown, info: TensorInfo): Float32Array;
  ints(backend: unknown, info: TensorInfo): Int32Array;
}

const wasmMemory: KernelMemory = {
  output: (backend, shape, dtype) => asWasmBackend(backend).makeOutput(shape, dtype),
  floats: (backend, info) => floatView(asWasmBackend(backend), info),
  ints: (backend, info) => intView(asWasmBackend(backend), info),
};

/** The members of tfjs's `MathBackendCPU` used here; its values live in JS arrays. */
interface CpuBackend {
  readSync(dataId: object): unknown;
  makeTensorInfo(shape: number[], dtype: DataType, values?: Float32Array | Int32Array): TensorInfo;
}

const cpuMemory: KernelMemory = {
  output: (backend, shape, dtype) => {
    const size = shape.reduce((p, d) => p * d, 1);
    // The cpu backend keeps this very array, so filling it later fills the tensor.
    return (backend as CpuBackend).makeTensorInfo(shape, dtype, dtype === 'int32' ? new Int32Array(size) : new Float32Array(size));
  },
  // Outputs made above are already of the right type; an input stored otherwise is converted.
  floats: (backend, info) => {
    const values = (backend as CpuBackend).readSync(info.dataId);
    return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  },
  ints: (backend, info) => {
    const values = (backend as CpuBackend).readSync(info.dataId);
    return values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>);
  },
};

/** The memory access of a JS kernel backend. */
export function kernelMemory(backendName: JsKernelBackend): KernelMemory {
  return backendName === 'wasm' ? wasmMemory : cpuMemory;
}
