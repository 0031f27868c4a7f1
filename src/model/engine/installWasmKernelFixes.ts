import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { batchedBiasFusedMatMul } from './batchedBiasFusedMatMul.js';
import { conv2DBackpropFilterWasm } from './conv2DBackpropFilterWasm.js';
import { registerGlobalMaxPoolKernels } from './globalMaxPool.js';
import { leadingAxesReduce } from './leadingAxesReduce.js';
import { nativeMatMul } from './nativeMatMul.js';
import { sharedIdentity } from './sharedIdentity.js';
import { transposeFirstMatMul } from './transposeFirstMatMul.js';
import { requireKernel } from './wasmBackend.js';

const MATMUL_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;
const REDUCE_KERNELS = ['Sum', 'Mean'] as const;
const FIXED_KERNELS = [...MATMUL_KERNELS, 'Conv2DBackpropFilter', 'Identity', ...REDUCE_KERNELS] as const;

/** Kernel functions registered here, to recognise our own kernels (idempotence). */
const ours = new WeakSet<KernelFunc>();

/** The kernels found before installing, restored by `uninstallWasmKernelFixes`. */
const originals = new Map<string, KernelConfig | undefined>();

/**
 * Makes the wasm backend fast enough to train (measured reasons in NOTES.md):
 * - `BatchMatMul` and `_FusedMatMul` transpose operands first, so the fast untransposed
 *   wasm matMul runs even in backward passes;
 * - `_FusedMatMul` gets a batched product with bias right (the shipped kernel does not);
 * - both run large single products on onnxruntime instead while native kernels are on
 *   (nativeMatMul.ts; initBackend turns them on where onnxruntime loads);
 * - registers a `Conv2DBackpropFilter` (wasm ships none, so conv nets could not train);
 * - `Identity` (tf.clone, used for every tensor a gradient tape saves) shares memory instead
 *   of copying it;
 * - `Sum` and `Mean` over leading axes (bias gradients) add rows in one pass instead of
 *   transposing first;
 * - registers the kernels of `globalMaxPool` (cheap PointNet max-pool gradient).
 * Needs `@tensorflow/tfjs-backend-wasm` imported (it registers the wasm kernels); works
 * before or after `tf.setBackend('wasm')`. Idempotent: a second call changes nothing.
 * Returns the wasm kernels that are ours after the call.
 */
export function installWasmKernelFixes(): string[] {
  const transpose = requireKernel('Transpose', 'wasm').kernelFunc;
  for (const name of MATMUL_KERNELS) {
    const current = requireKernel(name, 'wasm');
    if (ours.has(current.kernelFunc)) continue;
    originals.set(name, current);
    const fixed = name === '_FusedMatMul' ? batchedBiasFusedMatMul(current) : current;
    replace(name, nativeMatMul(transposeFirstMatMul(fixed, transpose)));
  }
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined) {
    originals.set('Conv2DBackpropFilter', undefined);
    // The kernel only asks for untransposed products: the shipped matMul is the fast one.
    const batchMatMul = (originals.get('BatchMatMul') ?? requireKernel('BatchMatMul', 'wasm')).kernelFunc;
    replace('Conv2DBackpropFilter', conv2DBackpropFilterWasm({ transpose, batchMatMul }));
  }
  const identity = requireKernel('Identity', 'wasm');
  if (!ours.has(identity.kernelFunc)) {
    originals.set('Identity', identity);
    replace('Identity', sharedIdentity(identity));
  }
  for (const name of REDUCE_KERNELS) {
    const current = requireKernel(name, 'wasm');
    if (ours.has(current.kernelFunc)) continue;
    originals.set(name, current);
    replace(name, leadingAxesReduce(current, name));
  }
  registerGlobalMaxPoolKernels();
  return FIXED_KERNELS.filter((name) => {
    const config = tf.getKernel(name, 'wasm');
    return config !== undefined && ours.has(config.kernelFunc);
  });
}

function replace(name: string, config: KernelConfig): void {
  if (tf.getKernel(name, 'wasm') !== undefined) tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(config);
  ours.add(config.kernelFunc);
}

/** Puts back the kernels `installWasmKernelFixes` replaced (for before/after benchmarks). */
export function uninstallWasmKernelFixes(): void {
  for (const [name, config] of originals) {
    if (tf.getKernel(name, 'wasm') !== undefined) tf.unregisterKernel(name, 'wasm');
    if (config !== undefined) tf.registerKernel(config);
  }
  originals.clear();
}
