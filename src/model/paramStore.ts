import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../core/index.js';

/** Reads a weight by name; lets one forward function run on online or target (EMA) weights. */
export type Weights = (name: string) => tf.Tensor;

export type Init =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  /** Normal with std = gain / sqrt(fanIn) (He for ReLU at gain sqrt(2), LeCun at gain 1). */
  | { kind: 'normal'; fanIn: number; gain?: number }
  | { kind: 'constant'; value: number };

/**
 * Every tensor the model owns, by dotted name ('enc.rgb.embed.w'). Trainable weights are
 * drawn from a seeded Rng rather than tf.random so that a seed fixes the model exactly.
 * Buffers (EMA copies, normaliser statistics) are non-trainable variables in the same store,
 * so a checkpoint saves and restores all of them alike.
 */
export class ParamStore {
  /** tfjs registers variables by name process-wide, so each store gets its own scope. */
  static #stores = 0;
  readonly #scope = `model${ParamStore.#stores++}`;
  readonly #vars = new Map<string, tf.Variable>();
  readonly #trainable = new Set<string>();
  readonly #rng: Rng;

  constructor(rng: Rng) {
    this.#rng = rng;
  }

  /** Creates a trainable weight; shapes are fixed from here on. */
  add(name: string, shape: readonly number[], init: Init): tf.Variable {
    const v = this.addBuffer(name, shape, init, true);
    this.#trainable.add(name);
    return v;
  }

  /** Creates a non-trainable variable (statistics, EMA copies). */
  addBuffer(name: string, shape: readonly number[], init: Init | Float32Array, trainable = false): tf.Variable {
    if (this.#vars.has(name)) throw new Error(`model parameter '${name}' is defined twice`);
    const size = shape.reduce((a, b) => a * b, 1);
    // Copied: the cpu backend would otherwise keep the caller's array as the tensor's storage.
    const values = init instanceof Float32Array ? Float32Array.from(init) : this.#values(name, size, init);
    if (values.length !== size) {
      throw new RangeError(`model parameter '${name}': ${values.length} initial values for shape [${shape.join(',')}]`);
    }
    const v = tf.tidy(() => tf.variable(tf.tensor(values, [...shape], 'float32'), trainable, `${this.#scope}/${name}`));
    this.#vars.set(name, v);
    return v;
  }

  get(name: string): tf.Variable {
    const v = this.#vars.get(name);
    if (v === undefined) throw new Error(`model parameter '${name}' does not exist`);
    return v;
  }

  has(name: string): boolean {
    return this.#vars.has(name);
  }

  /** The online weights, as a Weights reader. */
  readonly weights: Weights = (name) => this.get(name);

  /** Names in creation order (stable, so checkpoints list them in a fixed order). */
  names(): string[] {
    return [...this.#vars.keys()];
  }

  trainableNames(prefix = ''): string[] {
    return this.names().filter((n) => this.#trainable.has(n) && n.startsWith(prefix));
  }

  trainable(prefix = ''): tf.Variable[] {
    return this.trainableNames(prefix).map((n) => this.get(n));
  }

  /** Total number of scalars in trainable weights. */
  trainableSize(): number {
    return this.trainable().reduce((a, v) => a + v.size, 0);
  }

  dispose(): void {
    for (const v of this.#vars.values()) v.dispose();
    this.#vars.clear();
    this.#trainable.clear();
  }

  #values(name: string, size: number, init: Init): Float32Array {
    const out = new Float32Array(size);
    switch (init.kind) {
      case 'zeros':
        return out;
      case 'ones':
        return out.fill(1);
      case 'constant':
        return out.fill(init.value);
      case 'normal':
        // A stream per name: a weight's initial value depends on the seed and its name only,
        // so adding a module does not reshuffle the others.
        return this.#rng.fork(name).fillNormal(out, 0, (init.gain ?? 1) / Math.sqrt(Math.max(1, init.fanIn)));
    }
  }
}
