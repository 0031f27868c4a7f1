import type { KernelFunc } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { JS_KERNEL_BACKENDS, kernelMemory } from './jsKernelMemory.js';
import type { KernelMemory } from './jsKernelMemory.js';
import { kernelInput } from './wasmBackend.js';

const FORWARD = 'JepaLayerNorm';
const BACKWARD = 'JepaLayerNormGrad';

/** The variance's epsilon, as nn.ts has always used. */
export const LAYER_NORM_EPSILON = 1e-5;

/**
 * Layer normalisation over the last axis, (x - mean) / sqrt(variance + 1e-5) * g + b, as one
 * taped op with the analytic gradient: dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat
 * xhat)) with dxhat = dy g; dg = sum of dy xhat and db = sum of dy over the leading axes.
 *
 * On wasm and cpu each pass is one JS kernel, a row at a time (statistics in float64): the
 * dozen tf ops it replaces each read and write the whole tensor, and wasm's broadcasting
 * Multiply and Sub ([n, T, C] by [n, T, 1]) ran at ~15 ns an element, 8 of them taking 16 ms
 * of a default training step. The backward pass recomputes each row's mean and rstd from x
 * (nothing but x is kept). Elsewhere the same formulas as tf ops.
 */
export function layerNorm(x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor {
  const c = x.shape[x.rank - 1];
  if (x.rank < 1 || g.rank !== 1 || b.rank !== 1 || g.shape[0] !== c || b.shape[0] !== c) {
    throw new Error(`layerNorm: x [${x.shape.join(', ')}] needs gain and bias of [${c}], got [${g.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
  if ((JS_KERNEL_BACKENDS as readonly string[]).includes(tf.getBackend()) && x.dtype === 'float32') {
    registerLayerNormKernels();
    return kernelOp(x, g, b);
  }
  return opsOp(x, g, b);
}

const kernelOp = tf.customGrad((...args) => {
  const [x, g, b] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
  const save = args[3] as tf.GradSaveFunc;
  save([x, g]);
  return {
    value: tf.engine().runKernel(FORWARD, { x, g, b }, {}) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, gain] = saved;
      return tf.engine().runKernel(BACKWARD, { x: xs, g: gain, dy }, {}) as tf.Tensor[];
    },
  };
});

/** The same op from tf ops, for backends whose memory JS kernels cannot reach. */
const opsOp = tf.customGrad((...args) => {
  const [x, g, b] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
  const save = args[3] as tf.GradSaveFunc;
  const centred = tf.sub(x, tf.mean(x, -1, true));
  const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centred), -1, true), LAYER_NORM_EPSILON));
  const xhat = tf.mul(centred, rstd);
  save([xhat, rstd, g]);
  return {
    value: tf.add(tf.mul(xhat, g), b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xh, r, gain] = saved;
      const leading = Array.from({ length: dy.rank - 1 }, (_, i) => i);
      const dxhat = tf.mul(dy, gain);
      const dx = tf.mul(r, tf.sub(tf.sub(dxhat, tf.mean(dxhat, -1, true)), tf.mul(xh, tf.mean(tf.mul(dxhat, xh), -1, true))));
      return [dx, tf.sum(tf.mul(dy, xh), leading), tf.sum(dy, leading)];
    },
  };
});

let registered = false;

/** Registers the forward and backward JS kernels for wasm and cpu (idempotent; layerNorm calls it). */
export function registerLayerNormKernels(): void {
  if (registered) return;
  for (const backendName of JS_KERNEL_BACKENDS) {
    const memory = kernelMemory(backendName);
    if (tf.getKernel(FORWARD, backendName) === undefined) tf.registerKernel({ kernelName: FORWARD, backendName, kernelFunc: forwardKernel(memory) });
    if (tf.getKernel(BACKWARD, backendName) === undefined) tf.registerKernel({ kernelName: BACKWARD, backendName, kernelFunc: backwardKernel(memory) });
  }
  registered = true;
}

function forwardKernel(memory: KernelMemory): KernelFunc {
  return ({ inputs, backend }) => {
    const xInfo = kernelInput(inputs, 'x', FORWARD);
    const yInfo = memory.output(backend, [...xInfo.shape], 'float32');
    // Views after the allocation: a growing wasm heap detaches earlier ones.
    const x = memory.floats(backend, xInfo);
    const g = memory.floats(backend, kernelInput(inputs, 'g', FORWARD));
    const b = memory.floats(backend, kernelInput(inputs, 'b', FORWARD));
    const y = memory.floats(backend, yInfo);
    const c = g.length;
    for (let start = 0; start < x.length; start += c) {
      const mean = rowMean(x, start, c);
      const rstd = rowRstd(x, start, c, mean);
      for (let j = 0; j < c; j++) y[start + j] = (x[start + j] - mean) * rstd * g[j] + b[j];
    }
    return yInfo;
  };
}

function backwardKernel(memory: KernelMemory): KernelFunc {
  return ({ inputs, backend }) => {
    const xInfo = kernelInput(inputs, 'x', BACKWARD);
    const c = xInfo.shape[xInfo.shape.length - 1];
    const dxInfo = memory.output(backend, [...xInfo.shape], 'float32');
    const dgInfo = memory.output(backend, [c], 'float32');
    const dbInfo = memory.output(backend, [c], 'float32');
    const x = memory.floats(backend, xInfo);
    const g = memory.floats(backend, kernelInput(inputs, 'g', BACKWARD));
    const dy = memory.floats(backend, kernelInput(inputs, 'dy', BACKWARD));
    const dx = memory.floats(backend, dxInfo);
    const dgSum = new Float64Array(c);
    const dbSum = new Float64Array(c);
    const xhat = new Float64Array(c);
    const dxhat = new Float64Array(c);
    for (let start = 0; start < x.length; start += c) {
      const mean = rowMean(x, start, c);
      const rstd = rowRstd(x, start, c, mean);
      let sum = 0;
      let dot = 0;
      for (let j = 0; j < c; j++) {
        const d = dy[start + j];
        const h = (x[start + j] - mean) * rstd;
        xhat[j] = h;
        dxhat[j] = d * g[j];
        sum += dxhat[j];
        dot += dxhat[j] * h;
        dgSum[j] += d * h;
        dbSum[j] += d;
      }
      const meanDxhat = sum / c;
      const meanDot = dot / c;
      for (let j = 0; j < c; j++) dx[start + j] = rstd * (dxhat[j] - meanDxhat - xhat[j] * meanDot);
    }
    memory.floats(backend, dgInfo).set(dgSum);
    memory.floats(backend, dbInfo).set(dbSum);
    return [dxInfo, dgInfo, dbInfo];
  };
}

/** Mean of x[start .. start + c), in float64. */
function rowMean(x: Float32Array, start: number, c: number): number {
  let sum = 0;
  for (let j = start; j < start + c; j++) sum += x[j];
  return sum / c;
}

/** 1 / sqrt(variance + epsilon) of x[start .. start + c) about `mean`, in float64. */
function rowRstd(x: Float32Array, start: number, c: number, mean: number): number {
  let squares = 0;
  for (let j = start; j < start + c; j++) {
    const d = x[j] - mean;
    squares += d * d;
  }
  return 1 / Math.sqrt(squares / c + LAYER_NORM_EPSILON);
}
