import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DepthImage, Logger, Observation, PointCloud, Proprioception, RgbImage, RobotShapes } from '../core/index.js';
import { compareTimestamps, interpolateProprio, silentLogger, toNanoseconds } from '../core/index.js';
import { BagDecoder } from './BagDecoder.js';
import type { DecodedEvent } from './BagDecoder.js';
import type { ObservationPart, PartStampRecord, TransitionRecord } from './agentRecords.js';
import { BagReader } from './BagReader.js';
import type { BagMessage } from './BagReader.js';
import { CommandTransitions } from './commandTransitions.js';
import type { CommandMsg, GripperRange } from './commandTransitions.js';
import { inferBagTopics } from './inferBagTopics.js';
import { getMessageCodec, MessageCodec } from '../ros/index.js';
import { recordedFrames, recordedGripper, recordedJointNames } from './bagMetadata.js';
import { bagTopicsFromMetadata } from './topics.js';
import type { TopicRoles } from './topicRoles.js';

/** One recorded episode: T + 1 observations (converted by the caller) and the T applied actions. */
export interface BagEpisode<F> {
  readonly bag: string;
  readonly episode: number;
  readonly frames: F[];
  readonly actions: Float32Array[];
}

export interface BagEpisodesOptions<F> {
  /** Turns each observation into what the caller keeps (e.g. a model-ready compact frame). */
  readonly convert: (observation: Observation) => F;
  readonly jointNames?: readonly string[];
  /** Topic roles given explicitly (flags or a mapping file), over inference; each must be in every bag. */
  readonly roles?: TopicRoles;
  /** Called after each bag: its episodes, and how they were made (or why it gave none). */
  readonly onBag?: (path: string, episodes: number, how: string) => void;
  /** Log-time window, nanoseconds, inclusive (absolute, as stored), as `BagSource` reads it. */
  readonly startTime?: bigint;
  readonly endTime?: bigint;
  /** Only these topics are read (default: all), as `BagSource` reads them. */
  readonly topics?: readonly string[];
  /** The gripper range of joint commands in bags without agent records; default the bag's metadata, else the node's defaults. */
  readonly gripper?: GripperRange;
  /** Stop at the first message that cannot be decoded (default: skip it, count it, warn once per bag). */
  readonly strict?: boolean;
  /** Where the once-per-bag warning about skipped messages and damage goes. */
  readonly logger?: Logger;
}

/** A bag message that cannot be decoded, with `strict`: names the bag, file, chunk, topic and log time. */
export class BagMessageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BagMessageError';
  }
}

/** Bag folders under `path`: itself when it holds .mcap files, else its sub-folders that do (sorted). */
export function findBags(path: string): string[] {
  const full = resolve(path);
  if (!existsSync(full)) throw new Error(`bags: ${full} does not exist`);
  if (!statSync(full).isDirectory()) return [full];
  if (readdirSync(full).some((f) => f.endsWith('.mcap'))) return [full];
  const bags = readdirSync(full)
    .sort()
    .map((f) => join(full, f))
    .filter((p) => statSync(p).isDirectory() && readdirSync(p).some((f) => f.endsWith('.mcap')));
  if (bags.length === 0) throw new Error(`bags: ${full} holds no bag (no .mcap file in it or its sub-folders)`);
  return bags;
}

/**
 * The episodes of bags. A bag without the agent's transition records (recorded with `ros2 bag
 * record`) gets them built from its camera and command topics (`CommandTransitions`), its
 * topic roles taken from its channels where the default names are absent (`inferBagTopics`).
 * Bags recorded by the agent: its transition records name, for each step,
 * the stamp of the observation acted on, the applied action and the next observation's
 * stamp; observations are assembled from the sensor topics in recorded order (a part that
 * repeats, or a new stamp, starts the next one, since an episode's last observation and the
 * next episode's first may share a stamp). Steps whose observations are missing (a lost
 * chunk) split the episode rather than join unrelated frames.
 *
 * `startTime`, `endTime` and `topics` limit what is read, as they limit a replay: the
 * transitions are the recorded ones among the messages read, or, when there are none, built
 * from the commands and frames among them. A message that cannot be decoded (damage no CRC
 * caught, a schema that does not fit) is skipped and counted per topic, with one warning per
 * bag naming the counts (and any damage the reader found); with `strict` it is an error
 * naming the bag, file, chunk, topic and log time.
 */
export async function readBagEpisodes<F>(path: string, options: BagEpisodesOptions<F>): Promise<Array<BagEpisode<F>>> {
  const out: Array<BagEpisode<F>> = [];
  const logger = options.logger ?? silentLogger;
  for (const bag of findBags(path)) {
    const reader = await BagReader.open(bag);
    const metadata = (await reader.metadata()) ?? {};
    const jointNames = options.jointNames ?? recordedJointNames(metadata);
    const { topics, command } = await inferBagTopics(reader, bag, bagTopicsFromMetadata(metadata, bag), options.roles);
    const decoder = new BagDecoder({ topics, ...recordedFrames(metadata), ...(jointNames === undefined ? {} : { jointNames }) });
    const assembler = new EpisodeAssembler<F>(bag, options.convert);
    const trigger = topics.rgb !== '' ? 'rgb' : topics.depth !== '' ? 'depth' : topics.points !== '' ? 'points' : undefined;
    const gripper = options.gripper ?? recordedGripper(metadata, bag);
    const fromCommands =
      command === undefined || trigger === undefined
        ? undefined
        : new CommandTransitions(command, trigger, { bag, ...(gripper === undefined ? {} : { gripper }), ...(jointNames === undefined ? {} : { armJoints: jointNames }) });
    const codecs = new Map<string, MessageCodec>();
    const decodeCommand = (m: BagMessage): CommandMsg => {
      let codec = codecs.get(m.topic);
      if (codec === undefined) {
        if (m.schemaData === undefined) throw new TypeError(`topic ${m.topic}: its channel refers to a schema the file does not define`);
        codecs.set(m.topic, (codec = new MessageCodec(m.schemaName, new TextDecoder().decode(m.schemaData))));
      }
      const msg = codec.decode(m.data);
      // Checked against the definition the agent reads it by (the bag's own schema may be damaged).
      getMessageCodec(command!.type).check(msg);
      return msg as CommandMsg;
    };
    const skipped: Record<string, number> = {};
    let recorded = 0;
    for await (const m of reader.messages({
      ...(options.topics === undefined ? {} : { topics: options.topics }),
      ...(options.startTime === undefined ? {} : { startTime: options.startTime }),
      ...(options.endTime === undefined ? {} : { endTime: options.endTime }),
    })) {
      let events: DecodedEvent[];
      let commandMsg: CommandMsg | undefined;
      try {
        events = decoder.decode(m);
        if (fromCommands?.isCommand(m) === true) commandMsg = decodeCommand(m);
      } catch (error) {
        const where = `${reader.files[m.file].path}, chunk at byte ${m.chunkOffset}`;
        const text = `bag ${bag}: a message on ${m.topic} logged at ${m.logTime} ns (${where}) cannot be decoded: ${(error as Error).message.replace(/^bag: /, '')}`;
        if (options.strict === true) throw new BagMessageError(`${text} (without --strict it would be skipped)`, { cause: error });
        skipped[m.topic] = (skipped[m.topic] ?? 0) + 1;
        fromCommands?.skipped(m);
        continue;
      }
      for (const e of events) {
        if (e.kind === 'transition') recorded++;
        assembler.add(e);
      }
      fromCommands?.add(m, events, commandMsg);
    }
    const skippedTotal = Object.values(skipped).reduce((a, b) => a + b, 0);
    const warning = [
      ...(skippedTotal === 0 ? [] : [`skipped ${skippedTotal} messages that could not be decoded (${Object.entries(skipped).map(([topic, n]) => `${topic}: ${n}`).join(', ')})`]),
      ...reader.problems.map((p) => p.message),
    ];
    if (warning.length > 0) logger.warn(`bag ${bag}: ${warning.join('; ')}`);
    const window = options.startTime !== undefined || options.endTime !== undefined || options.topics !== undefined ? ' (of the messages in the window read: start, end, topics)' : '';
    let how: string;
    if (recorded > 0) how = `${recorded} recorded transitions${window}`;
    else if (fromCommands !== undefined && fromCommands.commands > 0) {
      const built = fromCommands.transitions();
      for (const t of built) assembler.add({ kind: 'transition', value: t });
      const grip = fromCommands.gripperCommands > 0 ? `gripper from ${fromCommands.gripperCommands} commands, range from ${fromCommands.gripperSource}` : 'gripper 1: the commands do not carry it';
      how = `no agent records: ${built.length} transitions built from ${fromCommands.commands} commands on ${command!.topic} and the ${trigger} frames on ${topics[trigger!]}${window} (${grip})`;
    } else {
      const missing = trigger === undefined ? 'camera topic (sensor_msgs/Image, CompressedImage or PointCloud2)' : 'command topic (TwistStamped, JointTrajectory or Float64MultiArray) with messages';
      how = `skipped: no agent transitions, and no ${missing} to build them from${window}`;
    }
    if (skippedTotal > 0) how += `; ${skippedTotal} undecodable messages skipped`;
    const episodes = assembler.episodes();
    out.push(...episodes);
    options.onBag?.(bag, episodes.length, how);
  }
  return out;
}

/**
 * Builds episodes from decoded bag events in replay order (see readBagEpisodes), for
 * readers and for live replays alike. A transition that names its observation's parts (a
 * live robot, whose modalities carry their own stamps) is joined to exactly those messages;
 * one that does not (the simulator) to the observation assembled at its stamp.
 */
export class EpisodeAssembler<F> {
  readonly #bag: string;
  readonly #convert: (observation: Observation) => F;
  readonly #observations: Observation[] = [];
  readonly #transitions: TransitionRecord[] = [];
  /** Every sensor message by modality and stamp, for transitions that name their parts. */
  readonly #parts: { [K in ObservationPart]: Map<bigint, Observation[K]> } = { rgb: new Map(), depth: new Map(), points: new Map(), proprio: new Map() };
  /** The robot's shapes by the stamp of the cloud they were posed for. */
  readonly #robotShapes = new Map<bigint, RobotShapes>();
  #current: { stamp: Observation['stamp']; rgb?: RgbImage; depth?: DepthImage; points?: PointCloud; proprio?: Proprioception } | undefined;
  /** The joint states' stamps in order, built when first needed after a new one. */
  #proprioKeys: bigint[] | undefined;

  constructor(bag: string, convert: (observation: Observation) => F) {
    this.#bag = bag;
    this.#convert = convert;
  }

  add(e: DecodedEvent): void {
    if (e.kind === 'transition') {
      this.#transitions.push(e.value);
      return;
    }
    if (e.kind === 'goal' || e.kind === 'robotModel' || e.kind === 'robotShapesMissing') return;
    if (e.kind === 'robotShapes') {
      this.#robotShapes.set(toNanoseconds(e.value.stamp), e.value);
      return;
    }
    (this.#parts[e.kind] as Map<bigint, unknown>).set(toNanoseconds(e.value.stamp), e.value);
    if (e.kind === 'proprio') this.#proprioKeys = undefined;
    const current = this.#current;
    if (current !== undefined && (compareTimestamps(current.stamp, e.value.stamp) !== 0 || current[e.kind] !== undefined)) this.#flush();
    this.#current ??= { stamp: e.value.stamp };
    (this.#current as Record<string, unknown>)[e.kind] = e.value;
  }

  #flush(): void {
    if (this.#current !== undefined) this.#observations.push(this.#withRobotShapes(this.#current));
    this.#current = undefined;
  }

  /** The observation with the shapes posed for its cloud, as the live loop attaches them (the self-filter needs them). */
  #withRobotShapes(observation: Observation): Observation {
    const shapes = observation.points === undefined ? undefined : this.#robotShapes.get(toNanoseconds(observation.points.stamp));
    return shapes === undefined ? observation : { ...observation, robotShapes: shapes };
  }

  /**
   * The observation made of exactly these messages; undefined when one of them is not in the
   * bag. A joint state the node interpolated to its frame's stamp is interpolated here the
   * same way, from the recorded joint states around that stamp.
   */
  #joined(stamp: Observation['stamp'], parts: readonly PartStampRecord[]): Observation | undefined {
    const observation: Record<string, unknown> = { stamp };
    for (const p of parts) {
      const value = p.modality === 'proprio' ? this.#proprioAt(p.stamp) : this.#parts[p.modality]?.get(toNanoseconds(p.stamp));
      if (value === undefined) return undefined;
      observation[p.modality] = value;
    }
    return this.#withRobotShapes(observation as unknown as Observation);
  }

  #proprioAt(stamp: Observation['stamp']): Proprioception | undefined {
    const all = this.#parts.proprio;
    const ns = toNanoseconds(stamp);
    const exact = all.get(ns);
    if (exact !== undefined) return exact;
    const keys = (this.#proprioKeys ??= [...all.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid] < ns) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0 || lo === keys.length) return undefined;
    return interpolateProprio(all.get(keys[lo - 1])!, all.get(keys[lo])!, stamp);
  }

  /** The episodes of everything added so far. */
  episodes(): Array<BagEpisode<F>> {
    this.#flush();
    const out: Array<BagEpisode<F>> = [];
    const observations = this.#observations;
    const bag = this.#bag;
    const key = (t: Observation['stamp']): bigint => toNanoseconds(t);
    let cursor = 0;
    const find = (stamp: Observation['stamp'], from: number): number => {
      const want = key(stamp);
      for (let i = from; i < observations.length; i++) if (key(observations[i].stamp) === want) return i;
      return -1;
    };
    let episode: BagEpisode<F> | undefined;
    /** Where the previous step ended: an index into observations, or the next observation's stamp for joined steps. */
    let lastNext: number | bigint = -1;
    const close = (): void => {
      if (episode !== undefined && episode.actions.length > 0) out.push(episode);
      episode = undefined;
    };
    for (const t of this.#transitions) {
      if (episode !== undefined && episode.episode !== t.episode) close();
      const hasNext = t.nextStamp !== undefined && t.nextStamp !== null;
      let start: Observation | undefined;
      let end: Observation | undefined;
      let startAt: number | bigint;
      let endAt: number | bigint;
      if (t.parts !== undefined && t.parts.length > 0) {
        start = this.#joined(t.stamp, t.parts);
        end = hasNext ? this.#joined(t.nextStamp!, t.nextParts ?? []) : undefined;
        startAt = key(t.stamp);
        endAt = hasNext ? key(t.nextStamp!) : -1n;
      } else {
        const at = find(t.stamp, cursor);
        const next = at < 0 || !hasNext ? -1 : find(t.nextStamp!, at + 1);
        start = at < 0 ? undefined : observations[at];
        end = next < 0 ? undefined : observations[next];
        startAt = at;
        endAt = next;
        if (next >= 0) cursor = next;
      }
      if (start === undefined || end === undefined) {
        close();
        continue;
      }
      // A step that does not start where the previous one ended (a lost chunk between): split.
      if (episode !== undefined && startAt !== lastNext) close();
      if (episode === undefined) episode = { bag, episode: t.episode, frames: [this.#convert(start)], actions: [] };
      episode.actions.push(Float32Array.from(t.appliedAction));
      episode.frames.push(this.#convert(end));
      lastNext = endAt;
      if (t.done) {
        close();
        // The next episode's first observation may share this stamp: search after this one.
        if (typeof endAt === 'number') cursor = endAt + 1;
      }
    }
    close();
    return out;
  }
}
