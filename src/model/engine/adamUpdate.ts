import type { KernelFunc } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { JS_KERNEL_BACKENDS, kernelMemory } from './jsKernelMemory.js';
import type { KernelMemory } from './jsKernelMemory.js';
import { kernelInput } from './wasmBackend.js';

const KERNEL = 'JepaAdamUpdate';

/** Adam's constants for one step; the bias corrections 1 - beta^t as float32 values. */
export interface AdamStep {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly oneMinusAccBeta1: number;
  readonly oneMinusAccBeta2: number;
}

/**
 * One Adam update of one variable with gradient `g` scaled by `scale` (global-norm clipping):
 * [new value, new first moment, new second moment]. The arithmetic is tf.train.adam's (and
 * the clip's multiply) operation by operation in float32, so results are the same; on wasm
 * and cpu it is one JS pass instead of ~13 kernels each reading and writing whole tensors
 * (~450 kernel calls per default training step, about a tenth of it). Elsewhere tf ops.
 */
export function adamUpdate(value: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, scale: tf.Scalar, step: AdamStep): tf.Tensor[] {
  for (const [name, t] of [['first moment', m], ['second moment', v], ['gradient', g]] as const) {
    if (!tf.util.arraysEqual(t.shape, value.shape)) {
      throw new Error(`adamUpdate: ${name} has shape [${t.shape.join(', ')}], the variable [${value.shape.join(', ')}]`);
    }
  }
  if ((JS_KERNEL_BACKENDS as readonly string[]).includes(tf.getBackend()) && value.dtype === 'float32') {
    registerAdamUpdateKernels();
    return tf.engine().runKernel(KERNEL, { value, m, v, g, scale }, { ...step }) as tf.Tensor[];
  }
  return tf.tidy(() => {
    const gs = tf.mul(g, scale);
    const newM = tf.add(tf.mul(m, step.beta1), tf.mul(gs, 1 - step.beta1));
    const newV = tf.add(tf.mul(v, step.beta2), tf.mul(tf.square(gs), 1 - step.beta2));
    const update = tf.div(tf.div(newM, step.oneMinusAccBeta1), tf.add(tf.sqrt(tf.div(newV, step.oneMinusAccBeta2)), step.epsilon));
    return [tf.add(tf.mul(update, -step.learningRate), value), newM, newV];
  });
}

let registered = false;

export function registerAdamUpdateKernels(): void {
  if (registered) return;
  for (const backendName of JS_KERNEL_BACKENDS) {
    if (tf.getKernel(KERNEL, backendName) === undefined) {
      tf.registerKernel({ kernelName: KERNEL, backendName, kernelFunc: adamKernel(kernelMemory(backendName)) });
    }
  }
  registered = true;
}

function adamKernel(memory: KernelMemory): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const value = kernelInput(inputs, 'value', KERNEL);
    const out = [0, 1, 2].map(() => memory.output(backend, [...value.shape], 'float32'));
    const [x, m, v, g, scale] = ['value', 'm', 'v', 'g', 'scale'].map((n) => memory.floats(backend, kernelInput(inputs, n, KERNEL)));
    const [x2, m2, v2] = out.map((o) => memory.floats(backend, o));
    adamLoop(x, m, v, g, scale[0], attrs as unknown as AdamStep, x2, m2, v2);
    return out;
  };
}

/** tf.train.adam's arithmetic, each operation rounded to float32 as the kernels do. */
function adamLoop(
  x: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  scale: number,
  step: AdamStep,
  x2: Float32Array,
  m2: Float32Array,
  v2: Float32Array,
): void {
  const f = Math.fround;
  const b1 = f(step.beta1);
  const b2 = f(step.beta2);
  const c1 = f(1 - step.beta1);
  const c2 = f(1 - step.beta2);
  const eps = f(step.epsilon);
  const negLr = f(-step.learningRate);
  const d1 = f(step.oneMinusAccBeta1);
  const d2 = f(step.oneMinusAccBeta2);
  const s = f(scale);
  for (let i = 0; i < x.length; i++) {
    const gi = f(g[i] * s);
    const mi = f(f(m[i] * b1) + f(gi * c1));
    const vi = f(f(v[i] * b2) + f(f(gi * gi) * c2));
    m2[i] = mi;
    v2[i] = vi;
    const denominator = f(f(Math.sqrt(f(vi / d2))) + eps);
    x2[i] = f(f(f(f(mi / d1) / denominator) * negLr) + x[i]);
  }
}
