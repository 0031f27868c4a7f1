import { composePoses, inversePose } from '../core/Pose.js';
import type { Pose } from '../core/Pose.js';
import type { MainModule, MjData, MjModel } from './mujoco.js';

/** One frame of a transform tree: `child`'s pose in `parent`. */
export interface LinkFrame {
  readonly parent: string;
  readonly child: string;
  readonly pose: Pose;
}

/**
 * The arm's bodies under `rootBodyId` as a tree of frames, each posed in its parent body (the
 * root is named `rootFrame`, the others by their MuJoCo names, `body_<id>` when unnamed), at
 * the state of `data` (kinematics current). What forward kinematics gives a robot's TF tree:
 * for display, never an input of the agent.
 */
export function armLinkFrames(mj: MainModule, model: MjModel, data: MjData, rootBodyId: number, rootFrame: string): LinkFrame[] {
  const parent = model.body_parentid as Int32Array;
  const type = mj.mjtObj.mjOBJ_BODY as unknown as { value: number };
  const nameOf = (b: number): string => (b === rootBodyId ? rootFrame : ((mj.mj_id2name(model, type.value, b) as string | null | undefined) || `body_${b}`));
  const inTree = new Uint8Array(model.nbody);
  inTree[rootBodyId] = 1;
  const frames: LinkFrame[] = [];
  // Bodies are numbered parents first, so one pass walks the subtree.
  for (let b = rootBodyId + 1; b < model.nbody; b++) {
    if (inTree[parent[b]] !== 1) continue;
    inTree[b] = 1;
    frames.push({ parent: nameOf(parent[b]), child: nameOf(b), pose: composePoses(inversePose(bodyPose(data, parent[b])), bodyPose(data, b)) });
  }
  return frames;
}

/** World pose of body `b` (data.xpos / xquat). */
export function bodyPose(data: MjData, b: number): Pose {
  const p = data.xpos as Float64Array;
  const q = data.xquat as Float64Array;
  return { position: [p[3 * b], p[3 * b + 1], p[3 * b + 2]], quaternion: [q[4 * b], q[4 * b + 1], q[4 * b + 2], q[4 * b + 3]] };
}
