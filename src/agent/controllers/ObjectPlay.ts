import type { PerceptionConfig } from '../../core/config/perceptionConfig.js';
import type { Observation } from '../../core/Observation.js';
import type { Rng } from '../../core/Rng.js';
import { perceivedObject } from '../../perception/index.js';

export interface ObjectPlayOptions {
  /** `around`: random points near the object's middle; `stroke`: strokes through it from a random side. */
  readonly style: 'around' | 'stroke';
  /** Hand targets are drawn this far (horizontally) around the perceived object, metres (style `around`). */
  readonly radius: number;
  /** A target is kept for this many ticks, then another is drawn. */
  readonly holdSteps: number;
  /** Style `stroke`: where a stroke starts and ends, and how high the hand comes in, metres. */
  readonly stroke: { readonly behind: number; readonly through: number; readonly lift: number };
}

/** One stroke: the hand comes in above `start`, goes down to it, then through the object to `end`. */
interface Stroke {
  readonly start: [number, number, number];
  readonly end: [number, number, number];
  readonly lift: number;
  /** Ticks of the stroke already played. */
  tick: number;
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
 *
 * Style `stroke` pushes from the side rather than from above: for a random horizontal
 * direction u, the hand comes in `lift` above a point `behind` the middle (opposite u), goes
 * down to it, then strokes to `through` beyond the middle along u. Why: the targets of
 * `around` lie within the object's own footprint, so the hand mostly comes down on it and
 * cages it between the fingers, and the practice data rarely show the side pushes a planner
 * needs to foresee. Targets are fixed in the base frame at the stroke's start, so the hand
 * keeps going when the object moves.
 */
export class ObjectPlay {
  readonly #perception: PerceptionConfig;
  readonly #options: ObjectPlayOptions;
  readonly #rng: Rng;
  #offset: [number, number] = [0, 0];
  #left = 0;
  #stroke: Stroke | undefined;

  constructor(perception: PerceptionConfig, options: ObjectPlayOptions, rng: Rng) {
    this.#perception = perception;
    this.#options = options;
    this.#rng = rng;
  }

  /** Forget the current target (a new episode). */
  reset(): void {
    this.#left = 0;
    this.#stroke = undefined;
  }

  /** Where the hand should go now (base frame, metres), or undefined when nothing is perceived. */
  target(observation: Observation): [number, number, number] | undefined {
    const centre = perceivedObject(observation, this.#perception);
    if (centre === undefined) return undefined;
    if (this.#options.style === 'stroke') return this.#strokeTarget(centre);
    if (this.#left <= 0) {
      const angle = this.#rng.uniform(-Math.PI, Math.PI);
      const r = this.#options.radius * Math.sqrt(this.#rng.next());
      this.#offset = [r * Math.cos(angle), r * Math.sin(angle)];
      this.#left = this.#options.holdSteps;
    }
    this.#left--;
    return [centre[0] + this.#offset[0], centre[1] + this.#offset[1], centre[2]];
  }

  /** Come in above the start (holdSteps ticks), go down to it (half as many), stroke through (holdSteps). */
  #strokeTarget(centre: readonly [number, number, number]): [number, number, number] {
    const hold = this.#options.holdSteps;
    const down = Math.ceil(hold / 2);
    if (this.#stroke === undefined || this.#stroke.tick >= 2 * hold + down) {
      const angle = this.#rng.uniform(-Math.PI, Math.PI);
      const u = [Math.cos(angle), Math.sin(angle)];
      const { behind, through, lift } = this.#options.stroke;
      this.#stroke = {
        start: [centre[0] - behind * u[0], centre[1] - behind * u[1], centre[2]],
        end: [centre[0] + through * u[0], centre[1] + through * u[1], centre[2]],
        lift,
        tick: 0,
      };
    }
    const stroke = this.#stroke;
    const tick = stroke.tick++;
    if (tick < hold) return [stroke.start[0], stroke.start[1], stroke.start[2] + stroke.lift];
    if (tick < hold + down) return [...stroke.start];
    return [...stroke.end];
  }
}
