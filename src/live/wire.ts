import type { Color, Pose as FoxglovePose, Time } from '@foxglove/schemas';
import type { Pose, Quat, Vec3 } from '../core/Pose.js';
import type { Timestamp } from '../core/Timestamp.js';

/**
 * A Foxglove schema type as its JSON encoding carries it: bytes fields (Uint8Array in the
 * package's types) as base64 strings, as the JSON Schemas' `contentEncoding` says.
 */
export type JsonWire<T> = { [K in keyof T]: T[K] extends Uint8Array ? string : T[K] };

export function toTime(stamp: Timestamp): Time {
  return { sec: stamp.sec, nsec: stamp.nanosec };
}

/** Bytes of a typed array (no copy) as base64. */
export function base64(data: ArrayBufferView): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

/** Our quaternion [w, x, y, z] as Foxglove's {x, y, z, w}. */
export function toQuaternion(q: Quat): FoxglovePose['orientation'] {
  return { x: q[1], y: q[2], z: q[3], w: q[0] };
}

export function toPose(pose: Pose): FoxglovePose {
  return { position: toVector(pose.position), orientation: toQuaternion(pose.quaternion) };
}

export function toVector(v: Vec3): { x: number; y: number; z: number } {
  return { x: v[0], y: v[1], z: v[2] };
}

export const IDENTITY_POSE: FoxglovePose = { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } };

/** t in [0, 1] from green (0, cheapest) through yellow to red (1, dearest). */
export function costColor(t: number, alpha = 1): Color {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 1));
  return { r: Math.min(1, 2 * u), g: Math.min(1, 2 * (1 - u)), b: 0.1, a: alpha };
}
