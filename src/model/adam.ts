import * as tf from '@tensorflow/tfjs';
import { adamUpdate } from './engine/index.js';

export interface AdamOptions {
  readonly beta1?: number;
  readonly beta2?: number;
  /** Default: the backend's epsilon (1e-7 in float32), as tf.train.adam. */
  readonly epsilon?: number;
}

/**
 * Adam as tf.train.adam computes it (same defaults, same float32 arithmetic), taking the
 * global-norm clip factor with the gradients, and run as one fused kernel per variable
 * (engine/adamUpdate.ts) instead of a dozen elementwise kernels each.
 * Moments are created on a variable's first update; `dispose` frees them.
 */
export class Adam {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly #epsilon: number | undefined;
  /** beta^t after t steps, as float32 values (tf.train.adam keeps them in float32 variables). */
  #accBeta1: number;
  #accBeta2: number;
  readonly #moments = new Map<tf.Variable, { m: tf.Variable; v: tf.Variable }>();

  constructor(learningRate: number, options: AdamOptions = {}) {
    this.learningRate = learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.#epsilon = options.epsilon;
    this.#accBeta1 = Math.fround(this.beta1);
    this.#accBeta2 = Math.fround(this.beta2);
  }

  /** One step: every variable moves along its gradient times `scale` (1 without clipping). */
  applyGradients(updates: ReadonlyArray<{ variable: tf.Variable; gradient: tf.Tensor }>, scale: tf.Scalar): void {
    const step = {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.#epsilon ?? tf.backend().epsilon(),
      oneMinusAccBeta1: Math.fround(1 - this.#accBeta1),
      oneMinusAccBeta2: Math.fround(1 - this.#accBeta2),
    };
    tf.tidy(() => {
      for (const { variable, gradient } of updates) {
        let slots = this.#moments.get(variable);
        if (slots === undefined) {
          slots = tf.tidy(() => ({ m: tf.variable(tf.zerosLike(variable), false), v: tf.variable(tf.zerosLike(variable), false) }));
          this.#moments.set(variable, slots);
        }
        const [value, m, v] = adamUpdate(variable, slots.m, slots.v, gradient, scale, step);
        variable.assign(value);
        slots.m.assign(m);
        slots.v.assign(v);
      }
    });
    this.#accBeta1 = Math.fround(this.#accBeta1 * Math.fround(this.beta1));
    this.#accBeta2 = Math.fround(this.#accBeta2 * Math.fround(this.beta2));
  }

  dispose(): void {
    for (const { m, v } of this.#moments.values()) tf.dispose([m, v]);
    this.#moments.clear();
  }
}
