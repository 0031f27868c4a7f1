import type { PerceptionConfig } from '../../core/config/perceptionConfig.js';
import type { Observation } from '../../core/Observation.js';
import type { Rng } from '../../core/Rng.js';
import { perceiveCloud } from '../../perception/index.js';
import type { PerceivedCloud } from '../../perception/index.js';

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
    // The self-filter keeps the hand from being taken for the object whenever the shapes come with the cloud.
    this.#perception = { ...perception, selfFilter: { ...perception.selfFilter, enabled: true } };
    this.#options = options;
    this.#rng = rng;
  }

  /** Forget the current target (a new episode). */
  reset(): void {
    this.#left = 0;
  }

  /** Where the hand should go now (base frame, metres), or undefined when nothing is perceived. */
  target(observation: Observation): [number, number, number] | undefined {
    const cloud = observation.points;
    if (cloud === undefined) return undefined;
    const centre = perceivedMiddle(perceiveCloud(cloud, this.#perception, 64, observation.robotShapes));
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

/**
 * The middle of what perception kept: horizontally the mean of the samples (farthest-point
 * samples spread evenly over it), vertically half its height above the support plane, so the
 * hand sweeps through the object rather than over its top (the camera sees mostly tops).
 */
function perceivedMiddle(perceived: PerceivedCloud): [number, number, number] | undefined {
  if (perceived.kept === 0) return undefined;
  const p = perceived.points;
  const n = p.length / 3;
  const c: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) c[k] += p[3 * i + k] / n;
  const plane = perceived.stats.plane;
  if (plane === undefined || !plane.applied) return c;
  const height = (i: number): number => plane.normal[0] * p[3 * i] + plane.normal[1] * p[3 * i + 1] + plane.normal[2] * p[3 * i + 2] + plane.offset;
  let top = 0;
  for (let i = 0; i < n; i++) top = Math.max(top, height(i));
  // Move the centre along the plane normal to half the top height.
  const shift = top / 2 - (plane.normal[0] * c[0] + plane.normal[1] * c[1] + plane.normal[2] * c[2] + plane.offset);
  return [c[0] + shift * plane.normal[0], c[1] + shift * plane.normal[1], c[2] + shift * plane.normal[2]];
}
