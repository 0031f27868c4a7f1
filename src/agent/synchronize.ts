import { asyncScheduler, Observable } from 'rxjs';
import type { SchedulerLike, Subscription } from 'rxjs';
import type { Modality, Observation, Proprioception, SensorHeader } from '../core/Observation.js';
import { toSeconds } from '../core/Timestamp.js';
import type { Timestamp } from '../core/Timestamp.js';
import { interpolateProprio } from '../core/interpolateProprio.js';
import type { SensorSource } from './Source.js';

export interface SyncOptions {
  /** Largest spread of stamps inside one synchronised observation, seconds. */
  readonly slopS: number;
  /** Modalities an observation must have. */
  readonly required: readonly Modality[];
  /** Modalities attached when one lies within the slop, left out otherwise. */
  readonly optional?: readonly Modality[];
  /** Messages kept per camera stream to match against; older ones are forgotten. */
  readonly bufferSize?: number;
  /**
   * How long a camera set waits for a joint state stamped at or after its frame, seconds of
   * `scheduler` time; then it takes the closest joint state within the slop. 0: it waits
   * until that joint state arrives or a newer frame replaces it.
   */
  readonly waitS?: number;
  /**
   * A message stamped more than this many seconds before the newest of its own stream means
   * the clock jumped back (a simulation or a bag restarted, /clock reset): every buffer is
   * cleared and synchronisation starts afresh from that message. Default 1 s.
   */
  readonly jumpBackS?: number;
  /** Told of each backward jump of the clock (the stream, its newest stamp before, the new one; seconds). */
  readonly onClockJump?: (jump: ClockJump) => void;
  readonly scheduler?: SchedulerLike;
}

/** A stream's stamps went back in time. */
export interface ClockJump {
  readonly modality: Modality;
  /** Newest stamp of the stream before the jump, seconds. */
  readonly fromS: number;
  /** The stamp that went back, seconds. */
  readonly toS: number;
}

type Part = SensorHeader & object;

const CAMERAS: readonly Modality[] = ['rgb', 'depth', 'points'];
// Joint states come faster than frames and frames come late: enough of them to bracket a frame.
const PROPRIO_BUFFER = 64;

/**
 * Synchronises the sensor streams into observations. Frames are matched with each other by
 * approximate time (the policy of ROS message_filters' ApproximateTime, simplified for a
 * controller that only wants the freshest set): on every frame of a required camera, pair it
 * with the closest-in-time buffered frame of each other required camera; keep the set when
 * their stamps span at most `slopS` and it is newer than the last one emitted.
 *
 * The joint state is then taken at the frame's own instant (the newest camera stamp of the
 * set): interpolated between the joint states just before and just after it. When the frame
 * leads its joint state (a robot that publishes the image first), the set waits for a joint
 * state stamped at or after the frame, at most `waitS`, then falls back to the closest joint
 * state within the slop (which keeps its own, older stamp: the loop counts such pairs as
 * stale). A newer set replaces a waiting one. Without a required camera, joint states
 * trigger as frames do. Late messages never produce an older observation than one already
 * emitted. Messages of optional streams are attached when within the slop; they trigger nothing.
 *
 * A clock that jumps back (a message more than `jumpBackS` older than the newest of its own
 * stream) would otherwise hold every later set back until the stamps passed the old newest:
 * the buffers are cleared instead, `onClockJump` is told, and the sets go on from the new time.
 */
/** The message stamped closest to `t` (seconds), the newer of two as close; undefined for none. */
export function closestInTime<T extends { readonly stamp: Timestamp }>(messages: readonly T[], t: number): T | undefined {
  let best: T | undefined;
  let bestGap = Infinity;
  for (const msg of messages) {
    const gap = Math.abs(toSeconds(msg.stamp) - t);
    if (gap < bestGap || (gap === bestGap && best && toSeconds(msg.stamp) > toSeconds(best.stamp))) {
      best = msg;
      bestGap = gap;
    }
  }
  return best;
}

export function synchronize(source: Pick<SensorSource, 'rgb$' | 'depth$' | 'points$' | 'proprio$'>, options: SyncOptions): Observable<Observation> {
  const streams: Partial<Record<Modality, Observable<Part>>> = {
    rgb: source.rgb$,
    depth: source.depth$,
    points: source.points$,
    proprio: source.proprio$,
  };
  for (const m of options.required) {
    if (!streams[m]) throw new Error(`synchronize: required modality '${m}' has no stream in this source`);
  }
  if (!(options.slopS >= 0)) throw new RangeError(`synchronize: slopS must be >= 0, got ${options.slopS}`);
  const waitS = options.waitS ?? 0;
  if (!(waitS >= 0)) throw new RangeError(`synchronize: waitS must be >= 0, got ${waitS}`);
  const jumpBackS = options.jumpBackS ?? 1;
  if (!(jumpBackS >= 0)) throw new RangeError(`synchronize: jumpBackS must be >= 0, got ${jumpBackS}`);
  const scheduler = options.scheduler ?? asyncScheduler;
  const optional = (options.optional ?? []).filter((m) => streams[m] && !options.required.includes(m));
  const used = [...options.required, ...optional];
  const bufferSize = options.bufferSize ?? 8;
  // Joint states are taken at the frames' instant when a camera triggers.
  const atFrame = used.includes('proprio') && options.required.some((m) => CAMERAS.includes(m));
  const triggers = atFrame ? options.required.filter((m) => m !== 'proprio') : options.required;
  const proprioRequired = options.required.includes('proprio');

  return new Observable<Observation>((subscriber) => {
    const buffers = new Map<Modality, Part[]>(used.map((m) => [m, []]));
    /** Newest stamp seen per stream, seconds. */
    const newestOf = new Map<Modality, number>();
    let lastNewest = -Infinity;
    let pending: { set: Map<Modality, Part>; t: number; timer?: Subscription } | undefined;

    const closest = (m: Modality, t: number): Part | undefined => closestInTime(buffers.get(m)!, t);

    const span = (set: Map<Modality, Part>): { min: number; max: number } => {
      let min = Infinity;
      let max = -Infinity;
      for (const part of set.values()) {
        const s = toSeconds(part.stamp);
        min = Math.min(min, s);
        max = Math.max(max, s);
      }
      return { min, max };
    };

    /** The joint state at frame time `t`: interpolated when bracketed, 'wait' when none is at or after `t` yet. */
    const proprioAt = (t: number, frame: Part, allowWait: boolean): Proprioception | 'wait' | undefined => {
      const buffer = buffers.get('proprio')! as Proprioception[];
      let before: Proprioception | undefined;
      let after: Proprioception | undefined;
      for (const p of buffer) {
        const s = toSeconds(p.stamp);
        if (s <= t && (before === undefined || s > toSeconds(before.stamp))) before = p;
        if (s >= t && (after === undefined || s < toSeconds(after.stamp))) after = p;
      }
      if (before !== undefined && after !== undefined) {
        const nearest = Math.min(t - toSeconds(before.stamp), toSeconds(after.stamp) - t);
        return nearest <= options.slopS ? interpolateProprio(before, after, frame.stamp) : undefined;
      }
      // An optional joint state is waited for only with a bound, and only once joint states flow.
      if (after === undefined && allowWait && (proprioRequired || (waitS > 0 && buffer.length > 0))) return 'wait';
      const match = closest('proprio', t) as Proprioception | undefined;
      return match !== undefined && Math.abs(toSeconds(match.stamp) - t) <= options.slopS ? match : undefined;
    };

    const emit = (set: Map<Modality, Part>): void => {
      const { min, max } = span(set);
      for (const o of optional) {
        if (set.has(o) || (atFrame && o === 'proprio')) continue;
        const match = closest(o, max);
        if (match && Math.max(max, toSeconds(match.stamp)) - Math.min(min, toSeconds(match.stamp)) <= options.slopS) set.set(o, match);
      }
      let newest: Part | undefined;
      for (const part of set.values()) if (newest === undefined || toSeconds(part.stamp) > toSeconds(newest.stamp)) newest = part;
      lastNewest = toSeconds(newest!.stamp);
      subscriber.next({ stamp: newest!.stamp, ...Object.fromEntries(set) } as Observation);
    };

    /** Completes a camera set with its joint state; false when it must wait for one. */
    const complete = (set: Map<Modality, Part>, t: number, allowWait: boolean): boolean => {
      let frame: Part | undefined;
      for (const part of set.values()) if (frame === undefined || toSeconds(part.stamp) > toSeconds(frame.stamp)) frame = part;
      const p = proprioAt(t, frame!, allowWait);
      if (p === 'wait') return false;
      if (p !== undefined) set.set('proprio', p);
      else if (proprioRequired) return true;
      emit(set);
      return true;
    };

    const dropPending = (): void => {
      pending?.timer?.unsubscribe();
      pending = undefined;
    };

    const resolvePending = (allowWait: boolean): void => {
      const p = pending;
      if (p === undefined) return;
      if (complete(p.set, p.t, allowWait)) dropPending();
    };

    const onMessage = (m: Modality, msg: Part): void => {
      const stampS = toSeconds(msg.stamp);
      const newestS = newestOf.get(m);
      if (newestS !== undefined && stampS < newestS - jumpBackS) {
        dropPending();
        for (const b of buffers.values()) b.length = 0;
        newestOf.clear();
        lastNewest = -Infinity;
        options.onClockJump?.({ modality: m, fromS: newestS, toS: stampS });
      }
      newestOf.set(m, Math.max(newestOf.get(m) ?? -Infinity, stampS));
      const buffer = buffers.get(m)!;
      buffer.push(msg);
      if (buffer.length > (m === 'proprio' ? Math.max(bufferSize, PROPRIO_BUFFER) : bufferSize)) buffer.shift();
      if (atFrame && m === 'proprio') {
        if (pending !== undefined && toSeconds(msg.stamp) >= pending.t) resolvePending(false);
        return;
      }
      // Only triggers emit: an optional sensor adds to the next set, never repeats one.
      if (!triggers.includes(m)) return;
      const t = stampS;
      const set = new Map<Modality, Part>([[m, msg]]);
      for (const r of triggers) {
        if (r === m) continue;
        const match = closest(r, t);
        if (!match) return;
        set.set(r, match);
      }
      const { min, max } = span(set);
      if (max - min > options.slopS || max <= lastNewest) return;
      if (!atFrame) {
        emit(set);
        return;
      }
      if (pending !== undefined && pending.t >= max) return;
      dropPending();
      if (complete(set, max, true)) return;
      pending = { set, t: max };
      if (waitS > 0) {
        const waiting = pending;
        pending.timer = scheduler.schedule(() => {
          if (pending === waiting) resolvePending(false);
        }, waitS * 1000);
      }
    };

    let openRequired = options.required.length;
    const subscriptions = used.map((m) =>
      streams[m]!.subscribe({
        next: (msg) => onMessage(m, msg),
        error: (err: unknown) => subscriber.error(err),
        // Ends when every required stream has ended: until then buffered messages can still pair.
        complete: () => {
          if (options.required.includes(m) && --openRequired === 0) {
            resolvePending(false);
            subscriber.complete();
          }
        },
      }),
    );
    return () => {
      dropPending();
      subscriptions.forEach((s) => s.unsubscribe());
    };
  });
}
