import type { Timestamp } from '../../core/index.js';
import type { DurationMsg, TimeMsg } from './rosTypes.js';

const NS_PER_S = 1_000_000_000;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * builtin_interfaces/Time to a core Timestamp. The two are the same pair of integers; the
 * check keeps a malformed stamp (nanosec >= 1e9) from spreading into secondsBetween maths.
 * `what` names the stamp in the error (default 'builtin_interfaces/Time').
 */
export function timestampFromRos(t: TimeMsg, what = 'builtin_interfaces/Time'): Timestamp {
  checkTime(t.sec, t.nanosec, what);
  return { sec: t.sec, nanosec: t.nanosec };
}

/** A core Timestamp as builtin_interfaces/Time (sec must fit ROS 2's int32). */
export function timestampToRos(t: Timestamp): TimeMsg {
  checkTime(t.sec, t.nanosec, 'timestamp');
  return { sec: t.sec, nanosec: t.nanosec };
}

/**
 * Seconds as builtin_interfaces/Duration. Negative durations follow ROS 2: sec is floored
 * and nanosec stays in [0, 1e9), so -1.7 s is {sec: -2, nanosec: 300000000}.
 */
export function durationToRos(seconds: number): DurationMsg {
  if (!Number.isFinite(seconds)) throw new RangeError(`duration: seconds must be finite, got ${seconds}`);
  let sec = Math.floor(seconds);
  let nanosec = Math.round((seconds - sec) * NS_PER_S);
  if (nanosec >= NS_PER_S) {
    sec += 1;
    nanosec -= NS_PER_S;
  }
  checkTime(sec, nanosec, 'duration');
  return { sec, nanosec };
}

/** builtin_interfaces/Duration in seconds. */
export function durationFromRos(d: DurationMsg): number {
  checkTime(d.sec, d.nanosec, 'builtin_interfaces/Duration');
  return d.sec + d.nanosec / NS_PER_S;
}

function checkTime(sec: number, nanosec: number, what: string): void {
  if (!Number.isInteger(sec) || sec < INT32_MIN || sec > INT32_MAX) {
    throw new RangeError(`${what}: sec must be an int32 integer, got ${sec}`);
  }
  if (!Number.isInteger(nanosec) || nanosec < 0 || nanosec >= NS_PER_S) {
    throw new RangeError(`${what}: nanosec must be an integer in [0, 1e9), got ${nanosec}`);
  }
}
