import type { BaselinesConfig } from '../../core/config/baselinesConfig.js';
import type { Observation } from '../../core/Observation.js';
import type { Vec3 } from '../../core/Pose.js';
import { locateTabletopObject } from './locateTabletopObject.js';
import type { LocatedObject } from './locateTabletopObject.js';

/** How much farther back the tool starts each time its descent stalls on the object, metres. */
const BACKOFF_STEP = 0.015;
/** The object estimate this close to the goal's (x/y): the push is done; hold the hand still, metres. */
const ARRIVED = 0.01;

export type PushPhase = 'look' | 'approach' | 'descend' | 'push';

/** The hand target of this tick and why. */
export interface PushSubgoal {
  readonly target: Vec3;
  readonly phase: PushPhase;
  /** Where the object is believed to be; undefined while it has not been seen. */
  readonly object: Vec3 | undefined;
}

/**
 * Hand subgoals for pushing an object to where the goal observation shows it: go above a point
 * behind the object on the line from the goal through it (rising first when low, so as not to
 * sweep the object), descend to push height (starting farther back when the descent stalls on
 * the object), push through toward the goal; approach again when the tool drifts off the line.
 * The object is located in each observation's point cloud (and in the goal's, with the same
 * surface bias, so that it cancels); sightings are averaged while it rests, and while pushing
 * it is kept ahead of the tool by the contact offset, which also places it while the arm hides
 * it. The world model plans the hand motion toward each subgoal: these say where the hand
 * should go, not how to get there.
 */
export class PushSubgoals {
  readonly #config: BaselinesConfig['scriptedSubgoals'];
  #goalObject: Vec3 | undefined;
  #object: Vec3 | undefined;
  /** The object's colour in the goal view, where the arm is out of the way. */
  #chroma: { value: readonly [number, number]; tolerance: number } | undefined;
  /** How many points the estimate stands for (its memory caps it). */
  #weight = 0;
  #phase: Exclude<PushPhase, 'look'> = 'approach';
  /** Extra distance behind the object, grown each time the descent stalls on top of it. */
  #backoff = 0;
  /** Tool height at the last tick and how many descending ticks it has not gone down. */
  #lastHeight = Infinity;
  #stalled = 0;

  constructor(config: BaselinesConfig['scriptedSubgoals']) {
    this.#config = config;
  }

  /** Where the goal shows the object; undefined when the goal's cloud does not show it. */
  get goalObject(): Vec3 | undefined {
    return this.#goalObject;
  }

  /** Reads the object's wanted place from a goal observation (cameras only: no tool to filter). */
  setGoal(goal: Observation): void {
    const seen = goal.points === undefined ? undefined : locateTabletopObject(goal.points, undefined, this.#config);
    this.#goalObject = seen?.position;
    this.#chroma = seen === undefined ? undefined : { value: seen.chroma, tolerance: this.#config.colorTolerance };
    this.#object = undefined;
    this.#weight = 0;
    this.#phase = 'approach';
    this.#backoff = 0;
    this.#lastHeight = Infinity;
    this.#stalled = 0;
  }

  /** The subgoal for this observation, or undefined when the object or its goal is unknown or the tool is not measured. */
  next(observation: Observation): PushSubgoal | undefined {
    const tool = observation.proprio?.endEffector.position;
    const goal = this.#goalObject;
    if (tool === undefined || goal === undefined) return undefined;
    const c = this.#config;
    const near = this.#object === undefined ? undefined : { position: this.#object, radius: c.trackRadius };
    const seen = observation.points === undefined ? undefined : locateTabletopObject(observation.points, tool, c, near, this.#chroma);
    this.#update(seen, tool);
    const o = this.#object;
    // Not seen yet: the arm hides it; wait where the camera can see the table.
    if (o === undefined) return { target: c.lookPose, phase: 'look', object: undefined };
    const dx = goal[0] - o[0];
    const dy = goal[1] - o[1];
    const n = Math.hypot(dx, dy);
    // Arrived (as far as the clouds tell): the line to the goal is undefined; stay.
    if (n < ARRIVED) return { target: [tool[0], tool[1], Math.max(tool[2], c.pushHeight)], phase: this.#phase, object: o };
    const dir = [dx / n, dy / n];
    const behind = c.behind + this.#backoff;
    const pre: Vec3 = [o[0] - dir[0] * behind, o[1] - dir[1] * behind, c.pushHeight];
    const lateral = Math.abs((tool[0] - o[0]) * -dir[1] + (tool[1] - o[1]) * dir[0]);
    // Behind the object means a negative coordinate along the push direction.
    const along = (tool[0] - o[0]) * dir[0] + (tool[1] - o[1]) * dir[1];
    if (this.#phase === 'push' && (lateral > c.maxLateral || along > 0)) this.#phase = 'approach';
    if (this.#phase === 'approach') {
      const away = Math.hypot(tool[0] - pre[0], tool[1] - pre[1]);
      if (away < 0.015) this.#phase = 'descend';
      // Low and away from the start point: rise first, a low sideways move would sweep the object off.
      else if (tool[2] < c.travelHeight - 0.02 && away > 0.03) return { target: [tool[0], tool[1], c.travelHeight], phase: 'approach', object: o };
      else return { target: [pre[0], pre[1], Math.max(c.travelHeight, tool[2])], phase: 'approach', object: o };
    }
    if (this.#phase === 'descend') {
      // Not going down: the tool sits on the object (larger than thought, or misplaced); start farther back.
      this.#stalled = this.#lastHeight - tool[2] < 0.003 ? this.#stalled + 1 : 0;
      this.#lastHeight = tool[2];
      if (tool[2] - c.pushHeight < 0.01) this.#phase = 'push';
      else if (this.#stalled >= c.stallTicks) {
        this.#backoff = Math.min(this.#backoff + BACKOFF_STEP, c.behind);
        this.#phase = 'approach';
        this.#stalled = 0;
        return { target: [tool[0], tool[1], c.travelHeight], phase: 'approach', object: o };
      } else return { target: pre, phase: 'descend', object: o };
    }
    this.#lastHeight = Infinity;
    // A carrot on the push line a little ahead of the tool, never past where the tool puts the
    // object on its goal: a far target would be chased along the action box's diagonal.
    const end = n - c.contactOffset;
    const ahead = Math.min(along + c.lookahead, end);
    const carrot: Vec3 = [o[0] + dir[0] * ahead, o[1] + dir[1] * ahead, c.pushHeight];
    return { target: carrot, phase: 'push', object: o };
  }

  /**
   * Folds a sighting into the estimate. Sightings are averaged, weighted by their points (each
   * cloud holds a few of the object's points, so one alone is noisy), with a long memory while
   * the object rests and a short one while it is pushed. While pushing, the object cannot be inside
   * the tool: it is moved ahead to the contact offset along the push line, which also stands
   * for it while the arm hides it.
   */
  #update(seen: LocatedObject | undefined, tool: Vec3): void {
    const c = this.#config;
    if (seen !== undefined) {
      const o = this.#object;
      if (o === undefined) {
        this.#object = seen.position;
        this.#weight = seen.points;
      } else {
        // While pushing it moves: a short memory, enough that one stray sighting does not throw the line off.
        const w = Math.min(this.#weight, this.#phase === 'push' ? c.pushMemoryPoints : c.memoryPoints);
        const k = seen.points / (w + seen.points);
        const p = seen.position;
        this.#object = [o[0] + k * (p[0] - o[0]), o[1] + k * (p[1] - o[1]), o[2] + k * (p[2] - o[2])];
        this.#weight = w + seen.points;
      }
    }
    const o = this.#object;
    const goal = this.#goalObject;
    if (this.#phase !== 'push' || o === undefined || goal === undefined) return;
    const dx = goal[0] - o[0];
    const dy = goal[1] - o[1];
    const n = Math.hypot(dx, dy);
    if (n === 0) return;
    // Never past the goal: the push stops the tool there, and a line through the goal has no direction.
    const ahead = Math.min(((tool[0] - o[0]) * dx + (tool[1] - o[1]) * dy) / n + c.contactOffset, n);
    if (ahead > 0) this.#object = [o[0] + (dx / n) * ahead, o[1] + (dy / n) * ahead, o[2]];
  }
}
