import * as tf from '@tensorflow/tfjs';
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

/** x [..., in] -> [..., out]; inputs of rank > 2 are flattened around one 2-D matMul. */
export function dense(w: Weights, name: string, x: tf.Tensor, act: Activation = 'none'): tf.Tensor {
  const weight = w(`${name}.w`);
  const flat = x.rank === 2 ? x : x.reshape([-1, x.shape[x.rank - 1] as number]);
  let y: tf.Tensor = tf.add(tf.matMul(flat as tf.Tensor2D, weight as tf.Tensor2D), w(`${name}.b`));
  y = activate(y, act);
  return x.rank === 2 ? y : y.reshape([...x.shape.slice(0, -1), weight.shape[1] as number]);
}

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

/** Layer normalisation over the last axis. */
export function layerNorm(w: Weights, name: string, x: tf.Tensor): tf.Tensor {
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, 1e-5))), w(`${name}.g`)), w(`${name}.b`));
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
  let h = x;
  for (let i = 0; i < layers; i++) h = dense(w, `${name}.${i}`, h, i + 1 < layers ? act : 'none');
  return h;
}

/** Identity forward, zero gradient backward (tfjs has no stop_gradient op). */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const op = tf.customGrad((...inputs) => ({
    value: tf.clone(inputs[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }));
  return op(x) as T;
}
