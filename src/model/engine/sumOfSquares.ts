import type { KernelFunc } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { JS_KERNEL_BACKENDS, kernelMemory } from './jsKernelMemory.js';
import type { KernelMemory } from './jsKernelMemory.js';

const KERNEL = 'JepaSumOfSquares';

/**
 * Sum of the squares of every element of every tensor, a scalar: the squared global norm of
 * a model's gradients. On wasm and cpu one JS pass over all of them (accumulated in float64)
 * instead of a square and a sum kernel per tensor; elsewhere those tf ops.
 */
export function sumOfSquares(tensors: readonly tf.Tensor[]): tf.Scalar {
  if (tensors.length === 0) return tf.scalar(0);
  const useKernel = (JS_KERNEL_BACKENDS as readonly string[]).includes(tf.getBackend()) && tensors.every((t) => t.dtype === 'float32');
  if (!useKernel) return tf.tidy(() => tf.addN(tensors.map((t) => tf.sum(tf.square(t)))) as tf.Scalar);
  registerSumOfSquaresKernels();
  const inputs: tf.NamedTensorMap = {};
  tensors.forEach((t, i) => {
    inputs[`x${i}`] = t;
  });
  return tf.engine().runKernel(KERNEL, inputs, { count: tensors.length }) as tf.Scalar;
}

let registered = false;

export function registerSumOfSquaresKernels(): void {
  if (registered) return;
  for (const backendName of JS_KERNEL_BACKENDS) {
    if (tf.getKernel(KERNEL, backendName) === undefined) {
      tf.registerKernel({ kernelName: KERNEL, backendName, kernelFunc: kernel(kernelMemory(backendName)) });
    }
  }
  registered = true;
}

function kernel(memory: KernelMemory): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const out = memory.output(backend, [], 'float32');
    const count = attrs?.count as number;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const info = inputs[`x${i}`];
      if (info === undefined) throw new Error(`${KERNEL}: missing input 'x${i}' of ${count}`);
      const x = memory.floats(backend, info);
      for (let j = 0; j < x.length; j++) total += x[j] * x[j];
    }
    memory.floats(backend, out)[0] = total;
    return out;
  };
}
