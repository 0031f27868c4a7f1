import { Subject } from 'rxjs';
import type { Observable } from 'rxjs';
import type { SensorSource } from '../agent/Source.js';
import { silentLogger } from '../core/index.js';
import type { ActionSpace, DepthImage, Logger, Observation, PointCloud, Proprioception, RgbImage, RobotShapes } from '../core/index.js';
import { getMessageCodec } from '../ros/index.js';
import { BagDecoder } from './BagDecoder.js';
import type { DecodedEvent } from './BagDecoder.js';
import type { TransitionRecord } from './agentRecords.js';
import { actionSpaceFromMetadata, recordedFrames, recordedJointNames } from './bagMetadata.js';
import type { RecordedFrames } from './bagMetadata.js';
import { BagReader } from './BagReader.js';
import type { BagMessage } from './BagReader.js';
import { bagTopicsFromMetadata, DEFAULT_BAG_TOPICS } from './topics.js';
import type { BagTopics } from './topics.js';

// Warnings per topic about messages skipped in one pass; the rest are counted in the summary.
const SKIP_WARNINGS_PER_TOPIC = 5;
// Joint states tried for their names at open, past damaged ones.
const JOINT_STATE_TRIES = 20;

export interface BagSourceOptions {
  /** 1 = real time (default), N = N times faster, 'max' = as fast as possible. */
  readonly rate?: number | 'max';
  /** Log-time window, nanoseconds, inclusive (absolute, as stored). */
  readonly startTime?: bigint;
  readonly endTime?: bigint;
  /** Only these topics are replayed (default: all). */
  readonly topics?: readonly string[];
  /** Start again from the beginning after the end, until `stop()`. Stamps repeat as recorded. */
  readonly loop?: boolean;
  /** Topic roles; default the ones the bag's metadata names, else DEFAULT_BAG_TOPICS. */
  readonly bagTopics?: BagTopics;
  /** The configured arm's joints: a bag whose joint states lack any of them is refused at open. */
  readonly jointNames?: readonly string[];
  /** The action space; default the one the bag's metadata records. */
  readonly actionSpace?: ActionSpace;
  /** Where clouds are perceived and how tf names the links; default what the bag's metadata records (a node's frames.base and frame_prefix). */
  readonly frames?: RecordedFrames;
  readonly logger?: Logger;
}

export interface ReplaySummary {
  readonly messages: number;
  /** Messages that could not be decoded (damaged, or of a schema that does not fit), per topic: skipped with a warning. */
  readonly skipped: Readonly<Record<string, number>>;
  /** Log-time span replayed, seconds. */
  readonly spanS: number;
  readonly wallS: number;
  readonly loops: number;
  readonly stopped: boolean;
}

/**
 * A bag as a sensor source: the same streams as the simulator or a live ROS node, decoded
 * from the recorded messages with the shared conversions, with the recorded stamps. The
 * replay runs on `start()`: in real time, N x, or as fast as possible, always in the same
 * order (the reader's log-time merge), so two replays emit the same values. `messages$`
 * gives every replayed message raw (ros/node/GraphReplay republishes its CDR on a ROS graph), `transitions$`
 * the agent's recorded decisions.
 */
export class BagSource implements SensorSource {
  readonly name = 'bag';
  readonly actionSpace: ActionSpace;
  readonly rgb$: Observable<RgbImage>;
  readonly depth$: Observable<DepthImage>;
  readonly points$: Observable<PointCloud>;
  readonly proprio$: Observable<Proprioception>;
  /** The robot's shapes for each cloud, where the bag holds its URDF and tf (a recording node's, or the simulator's). */
  readonly robotShapes$: Observable<RobotShapes>;
  readonly goal$: Observable<Observation>;
  readonly transitions$: Observable<TransitionRecord>;
  readonly messages$: Observable<BagMessage>;
  readonly reader: BagReader;
  /** The topic roles of this bag (as given, else from its metadata, else the defaults). */
  readonly bagTopics: BagTopics;
  readonly #options: BagSourceOptions;
  readonly #logger: Logger;
  readonly #rgb = new Subject<RgbImage>();
  readonly #depth = new Subject<DepthImage>();
  readonly #points = new Subject<PointCloud>();
  readonly #proprio = new Subject<Proprioception>();
  readonly #robotShapes = new Subject<RobotShapes>();
  readonly #goal = new Subject<Observation>();
  readonly #transitions = new Subject<TransitionRecord>();
  readonly #messages = new Subject<BagMessage>();
  #stopped = false;
  #running: Promise<ReplaySummary> | undefined;

  private constructor(reader: BagReader, actionSpace: ActionSpace, options: BagSourceOptions) {
    this.reader = reader;
    this.bagTopics = options.bagTopics ?? DEFAULT_BAG_TOPICS;
    this.actionSpace = actionSpace;
    this.#options = options;
    this.#logger = (options.logger ?? silentLogger).child({ component: 'bag-source' });
    this.rgb$ = this.#rgb.asObservable();
    this.depth$ = this.#depth.asObservable();
    this.points$ = this.#points.asObservable();
    this.proprio$ = this.#proprio.asObservable();
    this.robotShapes$ = this.#robotShapes.asObservable();
    this.goal$ = this.#goal.asObservable();
    this.transitions$ = this.#transitions.asObservable();
    this.messages$ = this.#messages.asObservable();
  }

  /**
   * Opens a bag and checks it against the agent before anything plays: every sensor topic
   * must carry the expected type, and the joint states must name the configured joints.
   * Joint states are read in the configured order, else in the order the recording robot
   * declared in the bag's metadata, unless the joint states themselves contradict it (the
   * metadata record is the one part of a file no CRC covers): then in their own order, with a
   * warning.
   */
  static async open(path: string, options: BagSourceOptions = {}): Promise<BagSource> {
    const logger = (options.logger ?? silentLogger).child({ component: 'bag-source' });
    const reader = await BagReader.open(path);
    const metadata = (await reader.metadata()) ?? {};
    const bagTopics = options.bagTopics ?? bagTopicsFromMetadata(metadata, path);
    const decoder = new BagDecoder({ topics: bagTopics });
    for (const c of await reader.channels()) {
      try {
        decoder.checkChannel(c.topic, c.schemaName, c.schemaEncoding);
      } catch (error) {
        const text = `bag ${reader.path}: ${(error as Error).message.replace(/^bag: /, '')}`;
        // A schema lost with a damaged chunk costs that topic's messages (each skipped with a warning), not the bag.
        if (c.schemaName !== '' || reader.problems.length === 0) throw new TypeError(text, { cause: error });
        logger.warn(`${text}; the file is damaged, so its messages will be skipped`);
      }
    }
    const topic = decoder.topics.jointStates;
    const recorded = recordedJointNames(metadata);
    const carried = options.jointNames !== undefined || recorded !== undefined ? await jointStateNames(reader, topic) : undefined;
    if (options.jointNames !== undefined) checkJoints(reader.path, topic, options.jointNames, carried ?? recorded);
    const actionSpace = options.actionSpace ?? actionSpaceFromMetadata(metadata, path);
    let jointNames = options.jointNames ?? recorded;
    const contradicted = recorded !== undefined && carried !== undefined && (new Set(recorded).size !== recorded.length || recorded.some((j) => !carried.includes(j)));
    if (options.jointNames === undefined && contradicted) {
      logger.warn(`bag ${reader.path}: its metadata names joints [${recorded.join(', ')}], but ${topic} carries [${carried.join(', ')}]: the metadata looks damaged; joint states are read in their own order`);
      jointNames = undefined;
    }
    return new BagSource(reader, actionSpace, { frames: recordedFrames(metadata), ...options, bagTopics, ...(jointNames === undefined ? {} : { jointNames }) });
  }

  /** Plays the bag; resolves when it ends (or `stop()`), rejects on a message it cannot decode. */
  start(): Promise<ReplaySummary> {
    this.#running ??= this.#play().then(
      (summary) => {
        this.#complete();
        return summary;
      },
      (error: unknown) => {
        for (const s of this.#subjects()) s.error(error);
        throw error;
      },
    );
    return this.#running;
  }

  /** The topics this replay is limited to; undefined: all. */
  get topics(): readonly string[] | undefined {
    return this.#options.topics;
  }

  /** Ends the replay after the current message. */
  stop(): void {
    this.#stopped = true;
  }

  async #play(): Promise<ReplaySummary> {
    const { rate = 1, loop = false } = this.#options;
    if (rate !== 'max' && !(rate > 0)) throw new RangeError(`bag replay: rate must be > 0 or 'max', got ${rate}`);
    const wallStart = performance.now();
    const skipped: Record<string, number> = {};
    let messages = 0;
    let loops = 0;
    let first: bigint | undefined;
    let last: bigint | undefined;
    let unplaced = 0;
    do {
      const decoder = new BagDecoder({
        topics: this.bagTopics,
        ...this.#options.frames,
        ...(this.#options.jointNames === undefined ? {} : { jointNames: this.#options.jointNames }),
      });
      const loopStart = performance.now();
      let t0: bigint | undefined;
      for await (const m of this.reader.messages({
        ...(this.#options.topics === undefined ? {} : { topics: this.#options.topics }),
        ...(this.#options.startTime === undefined ? {} : { startTime: this.#options.startTime }),
        ...(this.#options.endTime === undefined ? {} : { endTime: this.#options.endTime }),
      })) {
        if (this.#stopped) break;
        t0 ??= m.logTime;
        first ??= m.logTime;
        last = m.logTime;
        if (rate === 'max') {
          // Let timers and I/O in now and then, so "as fast as possible" does not starve the process.
          if (messages % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
        } else {
          const due = loopStart + Number(m.logTime - t0) / 1e6 / rate;
          const wait = due - performance.now();
          if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
        }
        messages++;
        this.#messages.next(m);
        let events: DecodedEvent[];
        try {
          events = decoder.decode(m);
        } catch (error) {
          // One bad message (damage a CRC did not cover, a schema that does not fit) costs that message, not the replay.
          const n = (skipped[m.topic] = (skipped[m.topic] ?? 0) + 1);
          if (n <= SKIP_WARNINGS_PER_TOPIC) {
            const where = `${this.reader.files[m.file].path}, chunk at byte ${m.chunkOffset}`;
            this.#logger.warn(`bag replay: skipped a message on ${m.topic} logged at ${m.logTime} ns (${where}): ${(error as Error).message}${n === SKIP_WARNINGS_PER_TOPIC ? ` (further ones on ${m.topic} are only counted)` : ''}`);
          }
          continue;
        }
        for (const e of events) {
          switch (e.kind) {
            case 'rgb':
              this.#rgb.next(e.value);
              break;
            case 'depth':
              this.#depth.next(e.value);
              break;
            case 'points':
              this.#points.next(e.value);
              break;
            case 'proprio':
              this.#proprio.next(e.value);
              break;
            case 'goal':
              this.#goal.next(e.value);
              break;
            case 'transition':
              this.#transitions.next(e.value);
              break;
            case 'robotShapes':
              this.#robotShapes.next(e.value);
              break;
            case 'robotShapesMissing':
              unplaced++;
              if (/^10*$/.test(String(unplaced))) this.#logger.warn(`bag replay: no robot shapes for ${unplaced} cloud(s) so far; latest: ${e.value}`);
              break;
            case 'robotModel':
              if (loops === 0) {
                this.#logger.info(`bag replay: robot '${e.value.robotName}' from ${m.topic}, ${e.value.shapes.length} collision shapes for the self-filter`);
                if (e.value.skipped.length > 0) this.#logger.warn(`bag replay: ${e.value.skipped.length} collision elements left out (their points stay in the cloud): ${e.value.skipped.join('; ')}`);
              }
              break;
          }
        }
      }
      loops++;
      for (const p of this.reader.problems) this.#logger.warn(p.message);
    } while (loop && !this.#stopped && messages > 0);
    for (const [topic, n] of Object.entries(skipped)) this.#logger.warn(`bag replay: ${n} messages on ${topic} could not be decoded and were skipped`);
    return {
      messages,
      skipped,
      spanS: first === undefined ? 0 : Number(last! - first) / 1e9,
      wallS: (performance.now() - wallStart) / 1000,
      loops,
      stopped: this.#stopped,
    };
  }

  #subjects(): Array<Subject<never> | Subject<unknown>> {
    return [this.#rgb, this.#depth, this.#points, this.#proprio, this.#robotShapes, this.#goal, this.#transitions, this.#messages] as Array<Subject<unknown>>;
  }

  #complete(): void {
    for (const s of this.#subjects()) s.complete();
  }
}

/** Names of the first joint state on `topic` that decodes (undefined when none of the first few does). */
async function jointStateNames(reader: BagReader, topic: string): Promise<readonly string[] | undefined> {
  const codec = getMessageCodec('sensor_msgs/msg/JointState');
  let tries = 0;
  for await (const m of reader.messages({ topics: [topic] })) {
    if (m.schemaName !== 'sensor_msgs/msg/JointState' || ++tries > JOINT_STATE_TRIES) break;
    try {
      const msg = codec.decode(m.data);
      codec.check(msg);
      return msg.name;
    } catch {
      // a damaged one: try the next
    }
  }
  return undefined;
}

function checkJoints(path: string, topic: string, configured: readonly string[], names: readonly string[] | undefined): void {
  if (names === undefined) return;
  const missing = configured.filter((j) => !names.includes(j));
  if (missing.length > 0) {
    throw new RangeError(
      `bag ${path} was recorded on another robot: its ${topic} names joints [${names.join(', ')}], ` +
        `the configured arm has [${configured.join(', ')}] (missing: ${missing.join(', ')})`,
    );
  }
}
