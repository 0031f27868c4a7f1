import type { KernelFunc } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { JS_KERNEL_BACKENDS, kernelMemory } from './jsKernelMemory.js';
import type { KernelMemory } from './jsKernelMemory.js';
import { kernelInput } from './wasmBackend.js';

const FORWARD = 'JepaGlobalMaxPool';
const BACKWARD = 'JepaGlobalMaxPoolGrad';

/**
 * Max over the points axis of a [B, N, C] feature tensor (PointNet's symmetric pooling),
 * [B, C] out, with a cheap gradient: the upstream gradient goes to the argmax point of each
 * (batch, channel), all other points get zero. Why: the gradient of `tf.max(x, 1)` builds
 * an `Equal` mask over all of [B, N, C] (plus transposes), which took half of a PointNet
 * training step on wasm. With ties, tf.max shares the gradient among all tied points, this
 * gives it to the first; after a ReLU, ties are zeros whose ReLU gradient is zero anyway.
 * On wasm and cpu both passes are single JS loops over the backend's memory.
 */
export function globalMaxPool(x: tf.Tensor3D): tf.Tensor2D {
  if (x.rank !== 3) throw new Error(`globalMaxPool: expected a [batch, points, channels] tensor, got shape [${x.shape.join(', ')}]`);
  if (x.dtype !== 'float32') throw new Error(`globalMaxPool: expected float32, got ${x.dtype}`);
  if (x.shape[1] < 1) throw new Error(`globalMaxPool: expected at least one point, got shape [${x.shape.join(', ')}]`);
  registerGlobalMaxPoolKernels();
  return maxPoolOp(x);
}

const maxPoolOp = tf.customGrad<tf.Tensor2D>((...args) => {
  const x = args[0] as tf.Tensor3D;
  const save = args[1] as tf.GradSaveFunc;
  const numPoints = x.shape[1];
  const useKernels = (JS_KERNEL_BACKENDS as readonly string[]).includes(tf.getBackend());
  let value: tf.Tensor2D;
  let indices: tf.Tensor2D;
  if (useKernels) {
    [value, indices] = tf.engine().runKernel(FORWARD, { x }, {}) as [tf.Tensor2D, tf.Tensor2D];
  } else {
    value = tf.max(x, 1);
    indices = tf.argMax(x, 1);
  }
  save([indices]);
  return {
    value,
    gradFunc: (dy, saved) => {
      const idx = saved[0] as tf.Tensor2D;
      if (useKernels) return tf.engine().runKernel(BACKWARD, { dy, indices: idx }, { numPoints }) as tf.Tensor3D;
      return tf.tidy(() => {
        if (numPoints === 1) return tf.expandDims(dy, 1);
        const mask = tf.oneHot(idx, numPoints, 1, 0, 'float32'); // [B, C, N]
        return tf.transpose(tf.mul(mask, tf.expandDims(dy, 2)), [0, 2, 1]);
      });
    },
  };
});

/**
 * The forward kernel alone: [max over points, index of the first maximal point] of x
 * [B, N, C], each [B, C] (int32 indices). wasm and cpu only (the JS kernel); registers it.
 */
export function maxPoolWithArgmax(x: tf.Tensor3D): [tf.Tensor2D, tf.Tensor2D] {
  registerGlobalMaxPoolKernels();
  return tf.engine().runKernel(FORWARD, { x }, {}) as [tf.Tensor2D, tf.Tensor2D];
}

let registered = false;

/** Registers the JS forward/backward kernels for wasm and cpu (idempotent; globalMaxPool calls it). */
export function registerGlobalMaxPoolKernels(): void {
  if (registered) return;
  for (const backendName of JS_KERNEL_BACKENDS) {
    const memory = kernelMemory(backendName);
    if (tf.getKernel(FORWARD, backendName) === undefined) {
      tf.registerKernel({ kernelName: FORWARD, backendName, kernelFunc: forwardKernel(memory) });
    }
    if (tf.getKernel(BACKWARD, backendName) === undefined) {
      tf.registerKernel({ kernelName: BACKWARD, backendName, kernelFunc: backwardKernel(memory) });
    }
  }
  registered = true;
}

function forwardKernel(memory: KernelMemory): KernelFunc {
  return ({ inputs, backend }) => {
    const x = kernelInput(inputs, 'x', FORWARD);
    const [b, n, c] = x.shape;
    const value = memory.output(backend, [b, c], 'float32');
    const indices = memory.output(backend, [b, c], 'int32');
    maxOverPoints(memory.floats(backend, x), b, n, c, memory.floats(backend, value), memory.ints(backend, indices));
    return [value, indices];
  };
}

function backwardKernel(memory: KernelMemory): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const dy = kernelInput(inputs, 'dy', BACKWARD);
    const indices = kernelInput(inputs, 'indices', BACKWARD);
    const [b, c] = dy.shape;
    const n = attrs?.numPoints as number;
    const dx = memory.output(backend, [b, n, c], 'float32');
    scatterToArgmax(memory.floats(backend, dy), memory.ints(backend, indices), b, n, c, memory.floats(backend, dx));
    return dx;
  };
}

/** y[b, c] = max over n of x[b, n, c], idx = first argmax; NaN wins, as in tf.max. */
function maxOverPoints(x: Float32Array, b: number, n: number, c: number, y: Float32Array, idx: Int32Array): void {
  for (let bi = 0; bi < b; bi++) {
    const out = bi * c;
    let src = bi * n * c;
    for (let ci = 0; ci < c; ci++) {
      y[out + ci] = x[src + ci];
      idx[out + ci] = 0;
    }
    for (let ni = 1; ni < n; ni++) {
      src += c;
      for (let ci = 0; ci < c; ci++) {
        const v = x[src + ci];
        const best = y[out + ci];
        if (v > best || (v !== v && best === best)) {
          y[out + ci] = v;
          idx[out + ci] = ni;
        }
      }
    }
  }
}

/** dx = 0 except dx[b, idx[b, c], c] = dy[b, c]. */
function scatterToArgmax(dy: Float32Array, idx: Int32Array, b: number, n: number, c: number, dx: Float32Array): void {
  dx.fill(0); // wasm heap memory comes uninitialised
  for (let bi = 0; bi < b; bi++) {
    for (let ci = 0; ci < c; ci++) {
      const k = bi * c + ci;
      dx[(bi * n + idx[k]) * c + ci] = dy[k];
    }
  }
}
