import type { AgentConfig } from '../../core/config/agentConfig.js';
import type { Observation } from '../../core/Observation.js';
import type { Vec3 } from '../../core/Pose.js';
import { locateTabletopObject } from './locateTabletopObject.js';

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
 * behind the object on the line from the goal through it, descend to push height, push
 * through toward the goal; approach again when the tool drifts off the line. The object is
 * located in each observation's point cloud (and in the goal's); while the arm hides it, the
 * last estimate stands. The world model plans the hand motion toward each subgoal: these
 * say where the hand should go, not how to get there.
 */
export class PushSubgoals {
  readonly #config: AgentConfig['planning']['pushSubgoals'];
  #goalObject: Vec3 | undefined;
  #object: Vec3 | undefined;
  /** The object's colour in the goal view, where the arm is out of the way. */
  #chroma: { value: readonly [number, number]; tolerance: number } | undefined;
  #phase: Exclude<PushPhase, 'look'> = 'approach';

  constructor(config: AgentConfig['planning']['pushSubgoals']) {
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
    this.#phase = 'approach';
  }

  /** The subgoal for this observation, or undefined when the object or its goal is unknown or the tool is not measured. */
  next(observation: Observation): PushSubgoal | undefined {
    const tool = observation.proprio?.endEffector.position;
    const goal = this.#goalObject;
    if (tool === undefined || goal === undefined) return undefined;
    const c = this.#config;
    const near = this.#object === undefined ? undefined : { position: this.#object, radius: c.trackRadius };
    const seen = observation.points === undefined ? undefined : locateTabletopObject(observation.points, tool, c, near, this.#chroma);
    if (seen !== undefined) this.#object = seen.position;
    const o = this.#object;
    // Not seen yet: the arm hides it; wait where the camera can see the table.
    if (o === undefined) return { target: c.lookPose, phase: 'look', object: undefined };
    const dx = goal[0] - o[0];
    const dy = goal[1] - o[1];
    const n = Math.hypot(dx, dy) || 1;
    const dir = [dx / n, dy / n];
    const pre: Vec3 = [o[0] - dir[0] * c.behind, o[1] - dir[1] * c.behind, c.pushHeight];
    const lateral = Math.abs((tool[0] - o[0]) * -dir[1] + (tool[1] - o[1]) * dir[0]);
    // Behind the object means a negative coordinate along the push direction.
    const along = (tool[0] - o[0]) * dir[0] + (tool[1] - o[1]) * dir[1];
    if (this.#phase === 'push' && (lateral > c.maxLateral || along > 0)) this.#phase = 'approach';
    if (this.#phase === 'approach') {
      if (Math.hypot(tool[0] - pre[0], tool[1] - pre[1]) < 0.015) this.#phase = 'descend';
      else return { target: [pre[0], pre[1], Math.max(c.travelHeight, tool[2])], phase: 'approach', object: o };
    }
    if (this.#phase === 'descend') {
      if (tool[2] - c.pushHeight < 0.01) this.#phase = 'push';
      else return { target: pre, phase: 'descend', object: o };
    }
    // A carrot on the push line a little ahead of the tool, never past the end (the goal less
    // the object's far half): a far target would be chased along the action box's diagonal.
    const end = Math.hypot(goal[0] - o[0], goal[1] - o[1]) - (c.behind - 0.04);
    const ahead = Math.min(along + c.lookahead, end);
    const carrot: Vec3 = [o[0] + dir[0] * ahead, o[1] + dir[1] * ahead, c.pushHeight];
    return { target: carrot, phase: 'push', object: o };
  }
}
