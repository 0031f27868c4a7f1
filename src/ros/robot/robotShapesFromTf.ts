import type { Pose, RobotShape, RobotShapes, Timestamp } from '../../core/index.js';
import { composePoses, quatRotate, quatToMatrix } from '../../core/index.js';
import { resolveMeshPath, stlBounds } from './meshBounds.js';
import type { TransformBuffer } from './TransformBuffer.js';
import type { LinkCollision } from './urdfCollision.js';
import { urdfCollisions } from './urdfCollision.js';

/** A primitive in its link's frame, ready to be posed by tf. */
export interface LinkShape {
  readonly link: string;
  readonly origin: Pose;
  readonly kind: RobotShape['kind'];
  readonly size: readonly number[];
}

export interface RobotModelShapes {
  readonly robotName: string;
  readonly shapes: readonly LinkShape[];
  /** Collision elements left out, each with why (a mesh that cannot be found or read). */
  readonly skipped: readonly string[];
}

/**
 * The self-filter's shapes of a URDF: its primitives as they are, each STL mesh as the box of
 * its vertex bounds (scaled, centred where the mesh is). A mesh that cannot be resolved or
 * read is left out and listed in `skipped`; a malformed URDF throws (see `urdfCollisions`).
 */
export function robotModelShapes(urdf: string, packagePaths: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): RobotModelShapes {
  const { robotName, collisions } = urdfCollisions(urdf);
  const shapes: LinkShape[] = [];
  const skipped: string[] = [];
  for (const c of collisions) {
    if (c.kind !== 'mesh') {
      shapes.push(c);
      continue;
    }
    try {
      shapes.push(meshBox(c, stlBounds(resolveMeshPath(c.filename, packagePaths, env))));
    } catch (error) {
      skipped.push(`link '${c.link}': ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { robotName, shapes, skipped };
}

function meshBox(c: Extract<LinkCollision, { kind: 'mesh' }>, bounds: { min: readonly number[]; max: readonly number[] }): LinkShape {
  // With a negative scale min and max swap: the half sizes stay positive.
  const centre = [0, 1, 2].map((k) => ((bounds.min[k] + bounds.max[k]) / 2) * c.scale[k]) as [number, number, number];
  const half = [0, 1, 2].map((k) => (Math.abs(bounds.max[k] - bounds.min[k]) / 2) * Math.abs(c.scale[k]));
  const offset = quatRotate(c.origin.quaternion, centre);
  const p = c.origin.position;
  return { link: c.link, kind: 'box', size: half, origin: { position: [p[0] + offset[0], p[1] + offset[1], p[2] + offset[2]], quaternion: c.origin.quaternion } };
}

export interface PoseShapesOptions {
  /** robot_state_publisher's frame_prefix: tf names link L as `${framePrefix}L`. */
  readonly framePrefix?: string;
  /** How far past a link transform's newest (or before its oldest) sample it may be held. */
  readonly toleranceS?: number;
}

/**
 * Every link shape posed in `frame` at `stamp` from the tf buffer, as the point cloud of that
 * frame and stamp needs them; an error naming the first link tf cannot place (a cloud
 * filtered with only some links would keep the others' points).
 */
export function poseRobotShapes(
  shapes: readonly LinkShape[],
  tf: TransformBuffer,
  frame: string,
  stamp: Timestamp,
  options: PoseShapesOptions = {},
): { readonly shapes: RobotShapes } | { readonly error: string } {
  const prefix = options.framePrefix ?? '';
  const links = new Map<string, Pose>();
  const out: RobotShape[] = [];
  for (const s of shapes) {
    let link = links.get(s.link);
    if (link === undefined) {
      const found = tf.lookup(frame, prefix + s.link, stamp, options.toleranceS ?? 0);
      if ('error' in found) return { error: `link '${s.link}': ${found.error}` };
      link = found.pose;
      links.set(s.link, link);
    }
    const pose = composePoses(link, s.origin);
    out.push({ kind: s.kind, position: pose.position, rotation: quatToMatrix(pose.quaternion), size: s.size });
  }
  return { shapes: { stamp, frameId: frame, shapes: out } };
}
