import type { Subscription } from 'rxjs';
import type { BagSource } from '../../bag/BagSource.js';
import { silentLogger, timestampFromNanoseconds } from '../../core/index.js';
import type { Logger } from '../../core/index.js';
import { getMessageCodec, timestampToRos } from '../messages/index.js';
import type { QosProfile, RawPublisher, RosTransport } from '../transport/index.js';
import { DEFAULT_QOS, LATCHED_QOS } from '../transport/index.js';

export interface GraphReplayOptions {
  /** Topics published transient-local (latched), so subscribers that ask for it (goals) match and late joiners get the last one. */
  readonly latched?: readonly string[];
  /** Publish rosgraph_msgs/Clock on /clock at this rate of bag time (0: no clock), for nodes with use_sim_time. */
  readonly clockHz?: number;
  readonly logger?: Logger;
}

export interface GraphReplayStats {
  /** Messages published, per topic. */
  readonly published: Readonly<Record<string, number>>;
  /** /clock messages published. */
  readonly clock: number;
  /** Topics not published, with why (no type support here, not CDR). */
  readonly skipped: Readonly<Record<string, string>>;
}

/**
 * A bag replayed onto a ROS 2 graph, as `ros2 bag play` does: every CDR message of the replay
 * published unchanged (no decode, no re-encode) on its recorded topic, at the replay's pace.
 * Publishers are created for every channel before the replay starts (call `create`, let
 * discovery match them, then start the source), reliable so that best-effort and reliable
 * subscribers both match; `latched` topics are transient-local as well. Topics whose type the
 * middleware cannot load, or that are not CDR (the agent's protobuf records), are skipped and
 * named in the stats.
 */
export class GraphReplay {
  readonly #publishers = new Map<string, RawPublisher>();
  readonly #published: Record<string, number> = {};
  readonly #skipped: Record<string, string> = {};
  readonly #clock: RawPublisher | undefined;
  readonly #clockPeriodNs: bigint;
  #clockCount = 0;
  #lastClock: bigint | undefined;
  #subscription: Subscription | undefined;

  private constructor(clock: RawPublisher | undefined, clockHz: number) {
    this.#clock = clock;
    this.#clockPeriodNs = clockHz > 0 ? BigInt(Math.round(1e9 / clockHz)) : 0n;
  }

  static async create(transport: RosTransport, source: BagSource, options: GraphReplayOptions = {}): Promise<GraphReplay> {
    const logger = (options.logger ?? silentLogger).child({ component: 'graph-replay' });
    const latched = new Set(options.latched ?? []);
    const clockHz = options.clockHz ?? 0;
    if (!(clockHz >= 0)) throw new RangeError(`graph replay: clockHz must be >= 0, got ${clockHz}`);
    const clock = clockHz > 0 ? transport.createPublisher('/clock', 'rosgraph_msgs/msg/Clock', DEFAULT_QOS) : undefined;
    const replay = new GraphReplay(clock, clockHz);
    const selected = source.topics;
    for (const c of await source.reader.channels()) {
      if (selected !== undefined && !selected.includes(c.topic)) continue;
      if (replay.#publishers.has(c.topic) || Object.hasOwn(replay.#skipped, c.topic)) continue;
      if (c.messageEncoding !== 'cdr') {
        replay.#skipped[c.topic] = `${c.messageEncoding} ${c.schemaName}, not CDR`;
        continue;
      }
      if (!transport.hasType(c.schemaName)) {
        replay.#skipped[c.topic] = `no type support for ${c.schemaName} on this ROS 2 install`;
        logger.warn(`${c.topic}: not published: no type support for ${c.schemaName} (build its package and source it)`);
        continue;
      }
      const qos: QosProfile = latched.has(c.topic) ? LATCHED_QOS : DEFAULT_QOS;
      replay.#publishers.set(c.topic, transport.createPublisher(c.topic, c.schemaName, qos));
      replay.#published[c.topic] = 0;
    }
    logger.info(`publishing ${replay.#publishers.size} topics${clock === undefined ? '' : ` and /clock at ${clockHz} Hz`}`, { skipped: replay.#skipped });
    replay.#subscription = source.messages$.subscribe({
      next: (m) => {
        const publisher = replay.#publishers.get(m.topic);
        if (publisher === undefined) return;
        replay.#tick(m.logTime);
        publisher.publish(m.data);
        replay.#published[m.topic]++;
      },
      // A failed replay rejects the source's `start()`, which reports it; not reported again from here.
      error: () => undefined,
    });
    return replay;
  }

  stats(): GraphReplayStats {
    return { published: { ...this.#published }, clock: this.#clockCount, skipped: { ...this.#skipped } };
  }

  /** Stops publishing (the publishers stay until the transport closes). */
  close(): void {
    this.#subscription?.unsubscribe();
  }

  /** /clock before a message whose log time is a clock period past the last one (and before the first). */
  #tick(logTime: bigint): void {
    if (this.#clock === undefined) return;
    if (this.#lastClock !== undefined && logTime - this.#lastClock < this.#clockPeriodNs) return;
    this.#lastClock = logTime;
    this.#clock.publish(getMessageCodec('rosgraph_msgs/msg/Clock').encode({ clock: timestampToRos(timestampFromNanoseconds(logTime)) }));
    this.#clockCount++;
  }
}
