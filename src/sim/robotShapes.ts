import type { RobotShape, RobotShapes } from '../core/Observation.js';
import type { Pose } from '../core/Pose.js';
import { quatToMatrix } from '../core/Pose.js';
import type { Timestamp } from '../core/Timestamp.js';
import type { MainModule, MjData, MjModel } from './mujoco.js';

/** Ids of every geom on `rootBodyId` and its descendants: the robot's own geometry. */
export function subtreeGeomIds(model: MjModel, rootBodyId: number): Int32Array {
  const parent = model.body_parentid as Int32Array;
  const geomBody = model.geom_bodyid as Int32Array;
  const inTree = new Uint8Array(model.nbody);
  // Bodies are numbered parents first, so one pass marks the whole subtree.
  for (let b = 0; b < model.nbody; b++) inTree[b] = b === rootBodyId || (b > 0 && inTree[parent[b]] === 1) ? 1 : 0;
  const ids: number[] = [];
  for (let g = 0; g < model.ngeom; g++) if (inTree[geomBody[g]] === 1) ids.push(g);
  return Int32Array.from(ids);
}

/**
 * The geoms `geomIds` as collision primitives at the state of `data` (kinematics current),
 * in the frame whose world pose is `framePose`. Cylinders and ellipsoids become their
 * bounding box (a conservative self-filter, tighter than a capsule for flat housings);
 * meshes and other kinds their bounding sphere.
 */
export function robotShapesOf(
  mj: MainModule,
  model: MjModel,
  data: MjData,
  geomIds: Int32Array,
  framePose: Pose,
  header: { readonly frameId: string; readonly stamp: Timestamp },
): RobotShapes {
  const T = mj.mjtGeom;
  const type = model.geom_type as Int32Array;
  const size = model.geom_size as Float64Array;
  const rbound = model.geom_rbound as Float64Array;
  // Views read here, after any allocation of this frame, so none is stale.
  const xpos = data.geom_xpos as Float64Array;
  const xmat = data.geom_xmat as Float64Array;
  // world -> frame: p' = R^T (p - t), M' = R^T M.
  const r = quatToMatrix(framePose.quaternion);
  const [tx, ty, tz] = framePose.position;
  const shapes: RobotShape[] = [];
  for (const g of geomIds) {
    const px = xpos[3 * g] - tx, py = xpos[3 * g + 1] - ty, pz = xpos[3 * g + 2] - tz;
    const position: [number, number, number] = [
      r[0] * px + r[3] * py + r[6] * pz,
      r[1] * px + r[4] * py + r[7] * pz,
      r[2] * px + r[5] * py + r[8] * pz,
    ];
    const rotation = new Array<number>(9);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) rotation[3 * i + j] = r[i] * xmat[9 * g + j] + r[3 + i] * xmat[9 * g + 3 + j] + r[6 + i] * xmat[9 * g + 6 + j];
    }
    const s0 = size[3 * g], s1 = size[3 * g + 1], s2 = size[3 * g + 2];
    const t = type[g];
    if (t === T.mjGEOM_SPHERE.value) shapes.push({ kind: 'sphere', position, rotation, size: [s0] });
    else if (t === T.mjGEOM_CAPSULE.value) shapes.push({ kind: 'capsule', position, rotation, size: [s0, s1] });
    else if (t === T.mjGEOM_BOX.value) shapes.push({ kind: 'box', position, rotation, size: [s0, s1, s2] });
    else if (t === T.mjGEOM_CYLINDER.value) shapes.push({ kind: 'box', position, rotation, size: [s0, s0, s1] });
    else if (t === T.mjGEOM_ELLIPSOID.value) shapes.push({ kind: 'box', position, rotation, size: [s0, s1, s2] });
    else if (t !== T.mjGEOM_PLANE.value && rbound[g] > 0) shapes.push({ kind: 'sphere', position, rotation, size: [rbound[g]] });
  }
  return { ...header, shapes };
}
