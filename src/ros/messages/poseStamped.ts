import type { Pose, Quat, SensorHeader } from '../../core/index.js';
import { headerToRos, sensorHeaderFromRos } from './header.js';
import type { PoseStampedMsg, QuaternionMsg } from './rosTypes.js';
import { sourceLabel } from './sourceLabel.js';

const TYPE = 'geometry_msgs/PoseStamped';

/** A pose with the stamp and frame it was measured in. */
export interface StampedPose extends SensorHeader {
  readonly pose: Pose;
}

/**
 * geometry_msgs/PoseStamped to a core pose. ROS orders the quaternion x, y, z, w; the core
 * orders it w, x, y, z. A quaternion far from unit length is refused (a zero quaternion is
 * what an unset message carries), a nearly unit one is renormalised.
 */
export function stampedPoseFromRos(msg: PoseStampedMsg, topic?: string): StampedPose {
  const label = sourceLabel(TYPE, msg.header, topic);
  const { position: p, orientation: q } = msg.pose;
  for (const [name, v] of [['position.x', p.x], ['position.y', p.y], ['position.z', p.z]] as const) {
    if (!Number.isFinite(v)) throw new RangeError(`${label}: pose.${name} is ${v}`);
  }
  return {
    ...sensorHeaderFromRos(msg.header, label),
    pose: { position: [p.x, p.y, p.z], quaternion: unitQuatFromRos(q, `${label}: pose.orientation`) },
  };
}

/**
 * A ROS quaternion (x, y, z, w) in the core's order (w, x, y, z), renormalised; one far from
 * unit length (a zero quaternion is what an unset message carries) is refused, `what` naming it.
 */
export function unitQuatFromRos(q: QuaternionMsg, what: string): Quat {
  const norm = Math.hypot(q.w, q.x, q.y, q.z);
  if (!(Math.abs(norm - 1) < 0.01)) {
    throw new RangeError(`${what} has norm ${norm}, expected a unit quaternion (x ${q.x}, y ${q.y}, z ${q.z}, w ${q.w})`);
  }
  return [q.w / norm, q.x / norm, q.y / norm, q.z / norm];
}

/** A core pose as geometry_msgs/PoseStamped. */
export function stampedPoseToRos(pose: StampedPose): PoseStampedMsg {
  const [x, y, z] = pose.pose.position;
  const [w, qx, qy, qz] = pose.pose.quaternion;
  return { header: headerToRos(pose), pose: { position: { x, y, z }, orientation: { x: qx, y: qy, z: qz, w } } };
}
