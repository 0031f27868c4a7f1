import type { CubePrimitive, CylinderPrimitive, FrameTransforms, LinePrimitive, SceneEntity, SceneUpdate, SpherePrimitive } from '@foxglove/schemas';
import { LineType } from '@foxglove/schemas';
import type { RobotShapes } from '../core/Observation.js';
import type { Pose, Vec3 } from '../core/Pose.js';
import { matrixToQuat } from '../core/Pose.js';
import type { Timestamp } from '../core/Timestamp.js';
import { costColor, IDENTITY_POSE, toPose, toQuaternion, toTime, toVector } from './wire.js';

/** One frame of a transform tree: `child`'s pose in `parent` (a robot's TF; the simulation's link frames have this shape). */
export interface LiveFrame {
  readonly parent: string;
  readonly child: string;
  readonly pose: Pose;
}

/** Frames as foxglove.FrameTransforms, all at `stamp`. */
export function frameTransformsMessage(stamp: Timestamp, frames: readonly LiveFrame[]): FrameTransforms {
  const timestamp = toTime(stamp);
  return {
    transforms: frames.map((f) => ({
      timestamp,
      parent_frame_id: f.parent,
      child_frame_id: f.child,
      translation: toVector(f.pose.position),
      rotation: toQuaternion(f.pose.quaternion),
    })),
  };
}

function entity(id: string, frameId: string, stamp: Timestamp, parts: Partial<SceneEntity>): SceneEntity {
  return {
    timestamp: toTime(stamp),
    frame_id: frameId,
    id,
    lifetime: { sec: 0, nsec: 0 },
    frame_locked: false,
    metadata: [],
    arrows: [],
    cubes: [],
    spheres: [],
    cylinders: [],
    lines: [],
    triangles: [],
    texts: [],
    models: [],
    ...parts,
  };
}

const ARM_GREY = { r: 0.6, g: 0.62, b: 0.68, a: 0.6 };

/** The robot's link shapes (Observation.robotShapes) as one scene entity `robot`: spheres, boxes, capsules as a cylinder and two spheres. */
export function robotShapesUpdate(robot: RobotShapes): SceneUpdate {
  const spheres: SpherePrimitive[] = [];
  const cubes: CubePrimitive[] = [];
  const cylinders: CylinderPrimitive[] = [];
  for (const s of robot.shapes) {
    const orientation = toQuaternion(matrixToQuat(s.rotation));
    const position = toVector(s.position);
    if (s.kind === 'sphere') {
      const d = 2 * s.size[0];
      spheres.push({ pose: { position, orientation }, size: { x: d, y: d, z: d }, color: ARM_GREY });
    } else if (s.kind === 'box') {
      cubes.push({ pose: { position, orientation }, size: { x: 2 * s.size[0], y: 2 * s.size[1], z: 2 * s.size[2] }, color: ARM_GREY });
    } else {
      const [r, half] = s.size;
      cylinders.push({ pose: { position, orientation }, size: { x: 2 * r, y: 2 * r, z: 2 * half }, bottom_scale: 1, top_scale: 1, color: ARM_GREY });
      // The capsule's axis is the shape's local z: the rotation matrix's third column.
      const axis: Vec3 = [s.rotation[2], s.rotation[5], s.rotation[8]];
      for (const sign of [-1, 1]) {
        const end: Vec3 = [s.position[0] + sign * half * axis[0], s.position[1] + sign * half * axis[1], s.position[2] + sign * half * axis[2]];
        spheres.push({ pose: { position: toVector(end), orientation }, size: { x: 2 * r, y: 2 * r, z: 2 * r }, color: ARM_GREY });
      }
    }
  }
  return { deletions: [], entities: [entity('robot', robot.frameId, robot.stamp, { spheres, cubes, cylinders })] };
}

/** A predicted end-effector path and its cost. */
export interface CostedPath {
  readonly points: readonly Vec3[];
  readonly cost: number;
}

export interface PlanMarkers {
  readonly stamp: Timestamp;
  readonly frameId: string;
  /** The chosen plan's predicted hand path. */
  readonly best?: CostedPath;
  /** Other elites of the last planning iteration, cheapest first. */
  readonly elites?: readonly CostedPath[];
  /** Where the model reads the hand in the goal observation (the planner's end-effector goal). */
  readonly goalHand?: Vec3;
  /** Objects perceived in the goal observation's cloud. */
  readonly goalObjects?: readonly Vec3[];
  /** Where the model reads the hand and the object now, and where proprioception and perception put them. */
  readonly handRead?: Vec3;
  readonly handActual?: Vec3;
  readonly objectRead?: Vec3;
  readonly objectPerceived?: Vec3;
}

function ball(at: Vec3, diameter: number, color: SpherePrimitive['color']): SpherePrimitive {
  return { pose: { position: toVector(at), orientation: IDENTITY_POSE.orientation }, size: { x: diameter, y: diameter, z: diameter }, color };
}

function line(points: readonly Vec3[], thickness: number, color: LinePrimitive['color']): LinePrimitive {
  return { type: LineType.LINE_STRIP, pose: IDENTITY_POSE, thickness, scale_invariant: true, points: points.map(toVector), color, colors: [], indices: [] };
}

/**
 * The plan and the goal as three scene entities: `plan` (the best path thick, the elites thin,
 * each coloured by its cost among them: green cheapest, red dearest), `goal` (the hand the model
 * reads in the goal image as a blue ball, the goal cloud's objects as blue cubes) and
 * `readout` (hand: proprioception green, model orange; object: perception cyan, model magenta).
 * Entities with nothing to show are deleted, so a stale plan does not linger.
 */
export function planSceneUpdate(m: PlanMarkers): SceneUpdate {
  const entities: SceneEntity[] = [];
  const deletions: SceneUpdate['deletions'] = [];
  const drop = (id: string): void => void deletions.push({ timestamp: toTime(m.stamp), type: 0, id });
  const paths = [...(m.best === undefined ? [] : [m.best]), ...(m.elites ?? [])];
  if (paths.length > 0) {
    const costs = paths.map((p) => p.cost);
    const lo = Math.min(...costs);
    const span = Math.max(...costs) - lo;
    const shade = (c: number): number => (span > 0 ? (c - lo) / span : 0);
    const lines = [
      ...(m.elites ?? []).map((p) => line(p.points, 1.5, costColor(shade(p.cost), 0.6))),
      ...(m.best === undefined ? [] : [line(m.best.points, 5, costColor(shade(m.best.cost)))]),
    ];
    const texts = m.best === undefined ? [] : [{ pose: toPose({ position: m.best.points.at(-1) ?? [0, 0, 0], quaternion: [1, 0, 0, 0] }), billboard: true, font_size: 12, scale_invariant: true, color: { r: 1, g: 1, b: 1, a: 1 }, text: `cost ${m.best.cost.toPrecision(3)}` }];
    entities.push(entity('plan', m.frameId, m.stamp, { lines, texts }));
  } else {
    drop('plan');
  }
  const goalSpheres = m.goalHand === undefined ? [] : [ball(m.goalHand, 0.04, { r: 0.2, g: 0.4, b: 1, a: 0.8 })];
  const goalCubes: CubePrimitive[] = (m.goalObjects ?? []).map((o) => ({ pose: { position: toVector(o), orientation: IDENTITY_POSE.orientation }, size: { x: 0.05, y: 0.05, z: 0.05 }, color: { r: 0.2, g: 0.4, b: 1, a: 0.4 } }));
  if (goalSpheres.length + goalCubes.length > 0) entities.push(entity('goal', m.frameId, m.stamp, { spheres: goalSpheres, cubes: goalCubes }));
  else drop('goal');
  const readout: SpherePrimitive[] = [];
  if (m.handActual !== undefined) readout.push(ball(m.handActual, 0.025, { r: 0.1, g: 0.9, b: 0.2, a: 0.9 }));
  if (m.handRead !== undefined) readout.push(ball(m.handRead, 0.025, { r: 1, g: 0.55, b: 0, a: 0.9 }));
  if (m.objectPerceived !== undefined) readout.push(ball(m.objectPerceived, 0.03, { r: 0, g: 0.9, b: 0.9, a: 0.9 }));
  if (m.objectRead !== undefined) readout.push(ball(m.objectRead, 0.03, { r: 0.9, g: 0, b: 0.9, a: 0.9 }));
  if (readout.length > 0) entities.push(entity('readout', m.frameId, m.stamp, { spheres: readout }));
  else drop('readout');
  return { deletions, entities };
}
