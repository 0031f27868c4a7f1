/**
 * A point in time as ROS 2 writes it (builtin_interfaces/Time): whole seconds and
 * nanoseconds. Kept as two integers so that stamps survive a bag round trip bit for bit.
 */
export interface Timestamp {
  readonly sec: number;
  readonly nanosec: number;
}

const NS_PER_S = 1_000_000_000;

export function timestampFromSeconds(seconds: number): Timestamp {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`timestamp: seconds must be finite and >= 0, got ${seconds}`);
  }
  let sec = Math.floor(seconds);
  let nanosec = Math.round((seconds - sec) * NS_PER_S);
  if (nanosec >= NS_PER_S) {
    sec += 1;
    nanosec -= NS_PER_S;
  }
  return { sec, nanosec };
}

export function timestampFromNanoseconds(ns: bigint): Timestamp {
  if (ns < 0n) throw new RangeError(`timestamp: nanoseconds must be >= 0, got ${ns}`);
  return { sec: Number(ns / 1_000_000_000n), nanosec: Number(ns % 1_000_000_000n) };
}

export function toSeconds(t: Timestamp): number {
  return t.sec + t.nanosec / NS_PER_S;
}

export function toNanoseconds(t: Timestamp): bigint {
  return BigInt(t.sec) * 1_000_000_000n + BigInt(t.nanosec);
}

/** b - a in seconds. */
export function secondsBetween(a: Timestamp, b: Timestamp): number {
  return b.sec - a.sec + (b.nanosec - a.nanosec) / NS_PER_S;
}

export function compareTimestamps(a: Timestamp, b: Timestamp): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nanosec - b.nanosec;
}

export function addSeconds(t: Timestamp, seconds: number): Timestamp {
  return timestampFromNanoseconds(toNanoseconds(t) + BigInt(Math.round(seconds * NS_PER_S)));
}
