import type { ActionSpace } from '../../core/Action.js';
import type { Rng } from '../../core/Rng.js';

/**
 * Motor babbling: uniform random actions inside the bounds, each held for a few ticks so
 * that the arm sweeps the workspace (a fresh random action every tick mostly cancels out).
 * The gripper command flips now and then, so that grasping is lived too.
 */
export class Babbler {
  readonly #space: ActionSpace;
  readonly #hold: number;
  readonly #rng: Rng;
  #current: Float32Array;
  #left = 0;

  constructor(space: ActionSpace, holdSteps: number, rng: Rng) {
    this.#space = space;
    this.#hold = holdSteps;
    this.#rng = rng;
    this.#current = new Float32Array(space.names.length);
  }

  next(): Float32Array {
    if (this.#left <= 0) {
      const { low, high } = this.#space;
      this.#current = Float32Array.from(low, (lo, i) => this.#rng.uniform(lo, high[i]));
      this.#left = this.#hold;
    }
    this.#left--;
    return Float32Array.from(this.#current);
  }
}
