import type { Action, Timestamp } from '../../core/index.js';
import type { TwistStampedMsg } from './rosTypes.js';
import { timestampToRos } from './time.js';

export interface TwistStampedOptions {
  readonly stamp: Timestamp;
  /** Frame the deltas are expressed in (the robot base frame for ee_delta). */
  readonly frameId: string;
  /** Seconds per control step: a delta per step divided by it is the commanded velocity. */
  readonly period: number;
}

/**
 * An ee_delta action as geometry_msgs/TwistStamped for MoveIt Servo (`~/delta_twist_cmds`):
 * linear velocity = translation delta / period, no rotation. The trailing gripper component,
 * if any, is not part of a twist and is left to the gripper's own controller.
 */
export function twistStampedFromAction(action: Action, options: TwistStampedOptions): TwistStampedMsg {
  if (action.space !== 'ee_delta') throw new RangeError(`twist command: needs an ee_delta action, got ${action.space}`);
  const v = action.values;
  if (v.length !== 3 && v.length !== 4) {
    throw new RangeError(`twist command: action has ${v.length} values, expected 3 (dx, dy, dz) or 4 (with gripper)`);
  }
  if (!(options.period > 0) || !Number.isFinite(options.period)) {
    throw new RangeError(`twist command: period must be a finite number of seconds > 0, got ${options.period}`);
  }
  const [x, y, z] = [v[0], v[1], v[2]].map((d, i) => {
    if (!Number.isFinite(d)) throw new RangeError(`twist command: component ${'xyz'[i]} is ${d}`);
    const velocity = d / options.period;
    // A tiny period can overflow a finite delta: never send an infinite velocity.
    if (!Number.isFinite(velocity)) throw new RangeError(`twist command: component ${'xyz'[i]} is ${d} over a period of ${options.period} s, a velocity of ${velocity}`);
    return velocity;
  });
  return {
    header: { stamp: timestampToRos(options.stamp), frame_id: options.frameId },
    twist: { linear: { x, y, z }, angular: { x: 0, y: 0, z: 0 } },
  };
}
