import type { Proprioception } from './Observation.js';
import type { Timestamp } from './Timestamp.js';
import { secondsBetween } from './Timestamp.js';

/**
 * The joint state at `stamp`, between two joint states `a` (at or before it) and `b` (at or
 * after it): positions, velocities, gripper and end-effector position linearly, the
 * end-effector orientation by normalised linear interpolation of the quaternions (on the
 * same hemisphere). Carries `stamp` itself, so the pair it joins is of one instant.
 */
export function interpolateProprio(a: Proprioception, b: Proprioception, stamp: Timestamp): Proprioception {
  const span = secondsBetween(a.stamp, b.stamp);
  const w = span > 0 ? Math.min(1, Math.max(0, secondsBetween(a.stamp, stamp) / span)) : 1;
  if (w === 0) return { ...a, stamp };
  if (w === 1) return { ...b, stamp };
  if (a.positions.length !== b.positions.length) {
    throw new RangeError(`interpolateProprio: joint states of ${a.positions.length} and ${b.positions.length} joints cannot be interpolated`);
  }
  const lerp = (x: number, y: number): number => x + (y - x) * w;
  const qa = a.endEffector.quaternion;
  const qb = b.endEffector.quaternion;
  const sign = qa[0] * qb[0] + qa[1] * qb[1] + qa[2] * qb[2] + qa[3] * qb[3] < 0 ? -1 : 1;
  const q = [0, 1, 2, 3].map((i) => lerp(qa[i], sign * qb[i]));
  const norm = Math.hypot(...q) || 1;
  const pa = a.endEffector.position;
  const pb = b.endEffector.position;
  return {
    stamp,
    frameId: a.frameId,
    jointNames: a.jointNames,
    positions: a.positions.map((v, i) => lerp(v, b.positions[i])),
    velocities: a.velocities.map((v, i) => lerp(v, b.velocities[i] ?? v)),
    endEffector: {
      position: [lerp(pa[0], pb[0]), lerp(pa[1], pb[1]), lerp(pa[2], pb[2])],
      quaternion: [q[0] / norm, q[1] / norm, q[2] / norm, q[3] / norm],
    },
    gripper: lerp(a.gripper, b.gripper),
  };
}
