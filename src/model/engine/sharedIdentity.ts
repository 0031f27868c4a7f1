import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { asWasmBackend, kernelInput } from './wasmBackend.js';

/**
 * `Identity` (tf.clone) for wasm that returns one more reference to the input's memory
 * instead of a copy, as tfjs's cpu backend does and as wasm's own `Reshape` does. Why: while
 * a gradient tape records, tfjs clones every tensor a gradient will need, and the shipped
 * wasm kernel copies each: ~700 copies per default training step, megabytes of activations.
 * Sharing is safe because tfjs never writes into an existing tensor (kernels write fresh
 * outputs; `Variable.assign` swaps the variable's data), and the backend frees the memory
 * only when its last reference is disposed.
 */
export function sharedIdentity(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const x = kernelInput(inputs, 'x', 'Identity');
    // String tensors live in JS, not in wasm memory: the shipped kernel handles them.
    if (x.dtype === 'string') return original.kernelFunc({ inputs, backend, attrs });
    asWasmBackend(backend).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return { ...original, kernelFunc };
}
