import type { PerceptionConfig } from '../../core/config/perceptionConfig.js';
import type { Observation } from '../../core/Observation.js';
import type { Rng } from '../../core/Rng.js';
import { perceivedObject } from '../../perception/index.js';

export interface ObjectPlayOptions {
  /** Hand targets are drawn this far (horizontally) around the perceived object, metres. */
  readonly radius: number;
  /** A target is kept for this many ticks, then another is drawn. */
  readonly holdSteps: number;
}

/**
 * Play around what the cameras perceive as an object: exploration that touches objects, so
 * that the practice data show objects moving (a prediction loss has no reason to encode an
 * object that nothing moves). Generic: the "object" is whatever the perception stage keeps
 * of the current cloud (workspace crop, support plane removed, the robot's own points
 * filtered where the observation carries its link shapes), and the hand is sent to random
 * points around its middle (half its height above the support plane), so it sweeps through and pushes it in random
 * directions. No task, colour or scene constant: it is an intrinsic drive of practice only,
 * never of evaluation.
 */
export class ObjectPlay {
  readonly #perception: PerceptionConfig;
  readonly #options: ObjectPlayOptions;
  readonly #rng: Rng;
  #offset: [number, number] = [0, 0];
  #left = 0;

  constructor(perception: PerceptionConfig, options: ObjectPlayOptions, rng: Rng) {
    this.#perception = perception;
    this.#options = options;
    this.#rng = rng;
  }

  /** Forget the current target (a new episode). */
  reset(): void {
    this.#left = 0;
  }

  /** Where the hand should go now (base frame, metres), or undefined when nothing is perceived. */
  target(observation: Observation): [number, number, number] | undefined {
    const centre = perceivedObject(observation, this.#perception);
    if (centre === undefined) return undefined;
    if (this.#left <= 0) {
      const angle = this.#rng.uniform(-Math.PI, Math.PI);
      const r = this.#options.radius * Math.sqrt(this.#rng.next());
      this.#offset = [r * Math.cos(angle), r * Math.sin(angle)];
      this.#left = this.#options.holdSteps;
    }
    this.#left--;
    return [centre[0] + this.#offset[0], centre[1] + this.#offset[1], centre[2]];
  }
}
