import * as tf from '@tensorflow/tfjs';
import { layerNorm as layerNormOp } from './engine/layerNorm.js';
import { nativeMlp, nativeMlpAvailable } from './engine/nativeMlp.js';
import type { ParamStore, Weights } from './paramStore.js';

/**
 * The few layers the model is built from, as plain functions over named weights. Written
 * here rather than with tf.layers so that one forward function serves online and EMA target
 * weights, and so that every weight is seeded from our Rng.
 */
export type Activation = 'relu' | 'elu' | 'none';

export function addDense(store: ParamStore, name: string, fanIn: number, fanOut: number, gain = Math.SQRT2): void {
  store.add(`${name}.w`, [fanIn, fanOut], { kind: 'normal', fanIn, gain });
  store.add(`${name}.b`, [fanOut], { kind: 'zeros' });
}

/**
 * x [..., in] -> [..., out]; inputs of rank > 2 are flattened around one 2-D matMul.
 * One fused kernel: bias and activation are applied in the matMul's own output pass instead
 * of by two more kernels that each read and write the whole output. tf.fused.matMul does
 * that only outside gradient tapes (or without activation); under a tape `fusedDense` does
 * it, with its own gradient.
 */
export function dense(w: Weights, name: string, x: tf.Tensor, act: Activation = 'none'): tf.Tensor {
  if (useNativeLayers(x)) return denseChain(w, x, [[name, act]]);
  const weight = w(`${name}.w`) as tf.Tensor2D;
  const flat = (x.rank === 2 ? x : x.reshape([-1, x.shape[x.rank - 1] as number])) as tf.Tensor2D;
  const bias = w(`${name}.b`) as tf.Tensor1D;
  const taped = tf.engine().state.gradientDepth > 0;
  const y = act !== 'none' && taped ? fusedDense[act](flat, weight, bias) : tf.fused.matMul({ a: flat, b: weight, bias, activation: FUSED[act] });
  return x.rank === 2 ? y : y.reshape([...x.shape.slice(0, -1), weight.shape[1]]);
}

const FUSED = { relu: 'relu', elu: 'elu', none: 'linear' } as const satisfies Record<Activation, tf.fused.Activation>;

/**
 * act(x W + b) as one `_FusedMatMul` kernel under a gradient tape. The gradient is the one
 * tf ops give: dz = dy * act'(z), read off the saved output (ReLU: y > 0, as relu's own
 * gradient; ELU: tf's EluGrad), then dx = dz W^T, dW = x^T dz, db = sum of dz over rows.
 */
function fusedDenseOp(act: 'relu' | 'elu'): (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D {
  return tf.customGrad((...args) => {
    const [x, w, b] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const [n, k] = x.shape;
    const m = w.shape[1];
    // The raw kernel: inside a tape, tf.fused.matMul would split it up again. Its contract is rank 3.
    const y3 = tf.engine().runKernel(
      '_FusedMatMul',
      { a: tf.reshape(x, [1, n, k]), b: tf.reshape(w, [1, k, m]), bias: b },
      { transposeA: false, transposeB: false, activation: act, leakyreluAlpha: 0.2 },
    ) as tf.Tensor3D;
    const y = tf.reshape(y3, [n, m]) as tf.Tensor2D;
    save([x, w, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws, ys] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const dz = (act === 'relu' ? tf.mul(dy, tf.step(ys)) : tf.engine().runKernel('EluGrad', { dy, y: ys })) as tf.Tensor2D;
        return [tf.matMul(dz, ws, false, true), tf.matMul(xs, dz, true, false), tf.sum(dz, 0)];
      },
    };
  });
}

const fusedDense = { relu: fusedDenseOp('relu'), elu: fusedDenseOp('elu') };

export function activate(x: tf.Tensor, act: Activation): tf.Tensor {
  switch (act) {
    case 'relu':
      return tf.relu(x);
    case 'elu':
      return tf.elu(x);
    case 'none':
      return x;
  }
}

export function addLayerNorm(store: ParamStore, name: string, dim: number): void {
  store.add(`${name}.g`, [dim], { kind: 'ones' });
  store.add(`${name}.b`, [dim], { kind: 'zeros' });
}

/**
 * Layer normalisation over the last axis: (x - mean) / sqrt(variance + 1e-5) * g + b. One
 * taped op with the analytic gradient, a JS kernel per pass on wasm and cpu (engine/layerNorm.ts).
 */
export function layerNorm(w: Weights, name: string, x: tf.Tensor): tf.Tensor {
  return layerNormOp(x, w(`${name}.g`) as tf.Tensor1D, w(`${name}.b`) as tf.Tensor1D);
}

/**
 * A stack of dense layers `sizes[0] -> sizes[1] -> ... -> sizes[n]`, activation between
 * layers, none after the last. `lastGain` scales the last layer's init (small for residual
 * outputs, so a fresh predictor starts near the identity).
 */
export function addMlp(store: ParamStore, name: string, sizes: readonly number[], lastGain = 1): void {
  for (let i = 0; i + 1 < sizes.length; i++) {
    const last = i + 2 === sizes.length;
    addDense(store, `${name}.${i}`, sizes[i], sizes[i + 1], last ? lastGain : Math.SQRT2);
  }
}

export function mlp(w: Weights, name: string, layers: number, x: tf.Tensor, act: Activation): tf.Tensor {
  return denseChain(w, x, Array.from({ length: layers }, (_, i) => [`${name}.${i}`, i + 1 < layers ? act : 'none'] as const));
}

/**
 * Dense layers `[name, activation]` one after the other. Under a gradient tape with the
 * engine's native kernels on, the whole chain is one op whose forward and backward passes are
 * each one onnxruntime graph (engine/nativeMlp.ts): the same values and gradients as `dense`
 * layer by layer, at a fraction of the engine's per-op overhead.
 */
export function denseChain(w: Weights, x: tf.Tensor, layers: ReadonlyArray<readonly [string, Activation]>): tf.Tensor {
  if (!useNativeLayers(x)) return layers.reduce((h, [name, act]) => dense(w, name, h, act), x);
  const flat = (x.rank === 2 ? x : tf.reshape(x, [-1, x.shape[x.rank - 1] as number])) as tf.Tensor2D;
  const y = nativeMlp(
    flat,
    layers.map(([name, act]) => ({ w: w(`${name}.w`) as tf.Tensor2D, b: w(`${name}.b`) as tf.Tensor1D, act })),
  );
  return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), y.shape[1]]);
}

/** Taped float32 layers run on the native kernels where they are on (outside a tape the fused kernels are as fast). */
function useNativeLayers(x: tf.Tensor): boolean {
  return tf.engine().state.gradientDepth > 0 && x.dtype === 'float32' && x.rank >= 2 && nativeMlpAvailable();
}

/** Identity forward, zero gradient backward (tfjs has no stop_gradient op). */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const op = tf.customGrad((...inputs) => ({
    value: tf.clone(inputs[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }));
  return op(x) as T;
}
