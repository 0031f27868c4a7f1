import { Observable } from 'rxjs';
import type { Modality, Observation, SensorHeader } from '../core/Observation.js';
import { toSeconds } from '../core/Timestamp.js';
import type { SensorSource } from './Source.js';

export interface SyncOptions {
  /** Largest spread of stamps inside one synchronised observation, seconds. */
  readonly slopS: number;
  /** Modalities an observation must have. */
  readonly required: readonly Modality[];
  /** Modalities attached when one lies within the slop, left out otherwise. */
  readonly optional?: readonly Modality[];
  /** Messages kept per stream to match against; older ones are forgotten. */
  readonly bufferSize?: number;
}

type Part = SensorHeader & object;

/**
 * Approximate-time synchronisation (the policy of ROS message_filters' ApproximateTime,
 * simplified for a controller that only wants the freshest set): on every message, pair it
 * with the closest-in-time buffered message of each other stream; emit when the set's
 * stamps span at most `slopS` and the set is newer than the last one emitted. Late
 * messages never produce an older observation than one already emitted. Messages of
 * optional streams are attached to the next set when within the slop; they trigger nothing.
 */
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
  const optional = (options.optional ?? []).filter((m) => streams[m] && !options.required.includes(m));
  const used = [...options.required, ...optional];
  const bufferSize = options.bufferSize ?? 8;

  return new Observable<Observation>((subscriber) => {
    const buffers = new Map<Modality, Part[]>(used.map((m) => [m, []]));
    let lastNewest = -Infinity;

    const closest = (m: Modality, t: number): Part | undefined => {
      let best: Part | undefined;
      let bestGap = Infinity;
      for (const msg of buffers.get(m)!) {
        const gap = Math.abs(toSeconds(msg.stamp) - t);
        if (gap < bestGap || (gap === bestGap && best && toSeconds(msg.stamp) > toSeconds(best.stamp))) {
          best = msg;
          bestGap = gap;
        }
      }
      return best;
    };

    const onMessage = (m: Modality, msg: Part): void => {
      const buffer = buffers.get(m)!;
      buffer.push(msg);
      if (buffer.length > bufferSize) buffer.shift();
      // Only required streams trigger: an optional sensor adds to the next set, never repeats one.
      if (!options.required.includes(m)) return;
      const t = toSeconds(msg.stamp);
      const set = new Map<Modality, Part>([[m, msg]]);
      for (const r of options.required) {
        if (r === m) continue;
        const match = closest(r, t);
        if (!match) return;
        set.set(r, match);
      }
      let min = Infinity;
      let max = -Infinity;
      for (const part of set.values()) {
        const s = toSeconds(part.stamp);
        min = Math.min(min, s);
        max = Math.max(max, s);
      }
      if (max - min > options.slopS || max <= lastNewest) return;
      for (const o of optional) {
        if (set.has(o)) continue;
        const match = closest(o, t);
        if (match && Math.max(max, toSeconds(match.stamp)) - Math.min(min, toSeconds(match.stamp)) <= options.slopS) set.set(o, match);
      }
      let newest = msg;
      for (const part of set.values()) if (toSeconds(part.stamp) > toSeconds(newest.stamp)) newest = part;
      lastNewest = toSeconds(newest.stamp);
      subscriber.next({ stamp: newest.stamp, ...Object.fromEntries(set) } as Observation);
    };

    let openRequired = options.required.length;
    const subscriptions = used.map((m) =>
      streams[m]!.subscribe({
        next: (msg) => onMessage(m, msg),
        error: (err: unknown) => subscriber.error(err),
        // Ends when every required stream has ended: until then buffered messages can still pair.
        complete: () => {
          if (options.required.includes(m) && --openRequired === 0) subscriber.complete();
        },
      }),
    );
    return () => subscriptions.forEach((s) => s.unsubscribe());
  });
}
