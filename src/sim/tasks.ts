import type { TaskName } from '../core/config/simConfig.js';
import type { Vec3 } from '../core/Pose.js';
import { distance } from '../core/Pose.js';
import type { Rng } from '../core/Rng.js';
import type { TaskDefinitions } from './sceneData.js';

/** What an episode asks for, in true-state terms (never shown to the agent). */
export interface Goal {
  readonly task: TaskName;
  /** reach: tool position; push: object centre; pick: object centre lifted. */
  readonly position: Vec3;
  /** The object the task is about (push, pick). */
  readonly objectName?: string;
  /** Resting height of that object's centre at the start (push, pick). */
  readonly restZ?: number;
  /** reach: the arm joint positions that put the tool at the goal (for the goal image). */
  readonly armPositions?: Float64Array;
}

/** True state read for success tests and reports. */
export interface TaskProgress {
  readonly toolPosition: Vec3;
  /** Centre of the task's object, if any. */
  readonly objectPosition?: Vec3;
  /** Both fingers touch the task's object. */
  readonly grasped: boolean;
}

const MAX_TRIES = 1000;

/** Start positions (x, y) of `count` objects, apart from each other. */
export function placeObjects(task: TaskName, defs: TaskDefinitions, count: number, rng: Rng): Array<[number, number]> {
  const region = task === 'reach' ? defs.push.objectRegion : defs[task].objectRegion;
  const placed: Array<[number, number]> = [];
  for (let tries = 0; placed.length < count; tries++) {
    if (tries > MAX_TRIES) throw new Error(`task ${task}: cannot place ${count} objects 9 cm apart in the object region`);
    const p: [number, number] = [rng.uniform(region.min[0], region.max[0]), rng.uniform(region.min[1], region.max[1])];
    if (placed.every((q) => Math.hypot(p[0] - q[0], p[1] - q[1]) > 0.09)) placed.push(p);
  }
  return placed;
}

/** Goal position sampled by the task's rules. `solveReach` returns the reachable tool position and arm pose for a target, or undefined. */
export function sampleGoal(
  task: TaskName,
  defs: TaskDefinitions,
  start: { tool: Vec3; object?: Vec3; objectName?: string },
  rng: Rng,
  solveReach: (target: Vec3) => { position: Vec3; q: Float64Array } | undefined,
): Goal {
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    switch (task) {
      case 'reach': {
        const r = defs.reach.goalRegion;
        const target: Vec3 = [rng.uniform(r.min[0], r.max[0]), rng.uniform(r.min[1], r.max[1]), rng.uniform(r.min[2], r.max[2])];
        if (distance(target, start.tool) < defs.reach.minGoalDistance) continue;
        const solved = solveReach(target);
        if (!solved || distance(solved.position, start.tool) < defs.reach.minGoalDistance) continue;
        return { task, position: solved.position, armPositions: solved.q };
      }
      case 'push': {
        const obj = requireObject(task, start.object);
        const r = defs.push.goalRegion;
        const g: Vec3 = [rng.uniform(r.min[0], r.max[0]), rng.uniform(r.min[1], r.max[1]), obj[2]];
        const d = distance(g, obj);
        if (d < defs.push.minGoalDistance || d > defs.push.maxGoalDistance) continue;
        return { task, position: g, objectName: start.objectName, restZ: obj[2] };
      }
      case 'pick': {
        const obj = requireObject(task, start.object);
        return {
          task,
          position: [obj[0], obj[1], obj[2] + defs.pick.goalLift],
          objectName: start.objectName,
          restZ: obj[2],
        };
      }
    }
  }
  throw new Error(`task ${task}: no goal satisfying the task's distance rules after ${MAX_TRIES} draws`);
}

function requireObject(task: TaskName, p: Vec3 | undefined): Vec3 {
  if (!p) throw new Error(`task ${task} needs an object in the scene`);
  return p;
}

/** Meta-World style success on the true state. For pick, `heldSteps` counts consecutive lifted-and-grasped steps. */
export function isSuccess(goal: Goal, defs: TaskDefinitions, progress: TaskProgress, heldSteps: number): boolean {
  switch (goal.task) {
    case 'reach':
      return distance(progress.toolPosition, goal.position) < defs.reach.successDistance;
    case 'push':
      return progress.objectPosition !== undefined && distance(progress.objectPosition, goal.position) < defs.push.successDistance;
    case 'pick':
      return heldSteps >= defs.pick.holdSteps;
  }
}

/** Whether this step counts toward a pick's hold: lifted enough and grasped. */
export function isLiftedAndGrasped(goal: Goal, defs: TaskDefinitions, progress: TaskProgress): boolean {
  return (
    progress.objectPosition !== undefined &&
    goal.restZ !== undefined &&
    progress.objectPosition[2] - goal.restZ >= defs.pick.liftHeight &&
    progress.grasped
  );
}
