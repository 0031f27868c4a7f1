import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { asWasmBackend, callKernel, kernelInput } from './wasmBackend.js';
import type { WasmBackend } from './wasmBackend.js';

/** Marks configs made here, so that installing twice never wraps a wrapper. */
const wrappers = new WeakSet<KernelFunc>();

export function isTransposeFirstMatMul(config: KernelConfig): boolean {
  return wrappers.has(config.kernelFunc);
}

/**
 * Wraps a wasm matMul kernel (`BatchMatMul` or `_FusedMatMul`: inputs `a`, `b`, attrs
 * `transposeA`, `transposeB`) so that a transposed operand is materialised first with the
 * wasm `Transpose` kernel and the original kernel always runs untransposed. Why: the wasm
 * matMul is fast (~15 GFLOP/s here) only without transposes and ~15x slower with them, and
 * every backward pass of a dense layer uses them (dW = x^T dy, dx = dy W^T). A transpose
 * is one memory pass, cheap next to the O(n^3) product.
 */
export function transposeFirstMatMul(original: KernelConfig, transpose: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const transposeA = attrs?.transposeA === true;
    const transposeB = attrs?.transposeB === true;
    if (!transposeA && !transposeB) return original.kernelFunc({ inputs, backend, attrs });
    const wasm = asWasmBackend(backend);
    const made: TensorInfo[] = [];
    const a = transposeA ? swapLastTwo(wasm, transpose, kernelInput(inputs, 'a', original.kernelName), made) : inputs.a;
    const b = transposeB ? swapLastTwo(wasm, transpose, kernelInput(inputs, 'b', original.kernelName), made) : inputs.b;
    try {
      return original.kernelFunc({
        inputs: { ...inputs, a, b },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      for (const info of made) wasm.disposeData(info.dataId);
    }
  };
  wrappers.add(kernelFunc);
  return { ...original, kernelFunc };
}

/**
 * `x` with its last two axes swapped. A matrix with a unit dimension has the same memory
 * layout either way, so it is only re-described (no copy, nothing to free); otherwise the
 * copy is pushed on `made` for the caller to free.
 */
function swapLastTwo(backend: WasmBackend, transpose: KernelFunc, x: TensorInfo, made: TensorInfo[]): TensorInfo {
  const rank = x.shape.length;
  const rows = x.shape[rank - 2];
  const cols = x.shape[rank - 1];
  const shape = [...x.shape.slice(0, -2), cols, rows];
  if (rows === 1 || cols === 1) return { dataId: x.dataId, shape, dtype: x.dtype };
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  const out = callKernel(transpose, backend, { x }, { perm });
  made.push(out);
  return out;
}
