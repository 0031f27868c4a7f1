import type { Pose, RobotShapes } from '../../core/index.js';
import { matrixToQuat } from '../../core/index.js';
import type { FrameTransform } from '../messages/tfMessage.js';

/*
 * A robot known only by its posed collision shapes (the simulation's arm geoms) as ROS
 * describes a robot: a URDF with one link per shape, each joined to `base` by a floating
 * joint (robot_state_publisher publishes no transform for those), and the transforms that
 * place each link, which the caller publishes on /tf. What `robotModelShapes` and
 * `poseRobotShapes` read back are the same shapes: a capsule goes out as the cylinder whose
 * covering capsule it is.
 */

/** The URDF link of shape `index`. */
export function shapesLinkName(index: number): string {
  return `shape_${index}`;
}

/** The URDF of `shapes` (their kinds and sizes; their poses go on /tf, see `shapesTransforms`). */
export function shapesUrdf(robotName: string, base: string, shapes: RobotShapes): string {
  const f = (v: number): string => String(v);
  const links = shapes.shapes.map((s, i) => {
    const geometry =
      s.kind === 'sphere'
        ? `<sphere radius="${f(s.size[0])}"/>`
        : s.kind === 'capsule'
          ? `<cylinder radius="${f(s.size[0])}" length="${f(2 * s.size[1])}"/>`
          : `<box size="${s.size.map((h) => f(2 * h)).join(' ')}"/>`;
    const name = shapesLinkName(i);
    return `  <link name="${name}"><collision><geometry>${geometry}</geometry></collision></link>
  <joint name="${name}_joint" type="floating"><parent link="${base}"/><child link="${name}"/></joint>`;
  });
  return `<?xml version="1.0"?>\n<robot name="${robotName}">\n  <link name="${base}"/>\n${links.join('\n')}\n</robot>\n`;
}

/** Each shape's pose as the transform from the shapes' frame to its link, at their stamp. */
export function shapesTransforms(shapes: RobotShapes): FrameTransform[] {
  return shapes.shapes.map((s, i) => {
    const pose: Pose = { position: s.position, quaternion: matrixToQuat(s.rotation) };
    return { stamp: shapes.stamp, parent: shapes.frameId, child: shapesLinkName(i), pose };
  });
}
