import { bagInfo, bagTopicsFromMetadata, BagReader, BagSource, EpisodeAssembler, inferBagTopics, readBagEpisodes } from '../../bag/index.js';
import { plainBagOptions } from './plainBagOptions.js';
import type { BagTopics } from '../../bag/index.js';
import type { TopicRoleFlags } from '../groups/topicRoleOptions.js';
import type { ReplaySummary } from '../../bag/index.js';
import { compactFrame } from '../../learn/CompactFrame.js';
import type { CompactFrame } from '../../learn/CompactFrame.js';
import { initBackend, loadCheckpoint } from '../../model/index.js';
import type { WorldModel } from '../../model/index.js';
import { GraphReplay } from '../../ros/node/index.js';
import type { GraphReplayStats } from '../../ros/node/index.js';
import { loadRclnodejs, RclnodejsTransport } from '../../ros/transport/index.js';
import type { Runtime } from '../runtime.js';
import { bagPredictionErrors } from './evalBags.js';
import { LiveView, parseVizAddress } from '../../live/index.js';
import type { LiveSummary } from '../../live/index.js';
import type { HorizonError } from '../../eval/predict/predictionErrorPerHorizon.js';

export interface ReplayOptions extends TopicRoleFlags {
  readonly bag: string;
  readonly ckpt?: string;
  /** A number (1 = real time) or 'max'. */
  readonly rate: string;
  /** Seconds from the bag's start. */
  readonly start?: string;
  readonly end?: string;
  readonly topics?: string;
  readonly loop?: boolean;
  readonly horizon?: string;
  /** Publish the replay on the ROS 2 graph as raw CDR (needs ROS 2 sourced). */
  readonly ros?: boolean;
  /** With --ros: rosgraph_msgs/Clock on /clock at this rate of bag time. */
  readonly clock?: string;
  /** With --ros: seconds between creating the publishers and the first message (discovery). */
  readonly delay?: string;
  /** With --ros: topics published latched (default the bag's goal topics). */
  readonly latched?: string;
  readonly nodeName?: string;
  /** Live view of the replay on [host:]port. */
  readonly viz?: string;
}

export interface ReplayResult {
  readonly replay: ReplaySummary;
  readonly messagesPerS: number;
  readonly topics: Readonly<Record<string, number>>;
  readonly episodes?: number;
  readonly horizons?: readonly HorizonError[];
  /** With --ros: what went onto the graph. */
  readonly graph?: GraphReplayStats;
  /** With --viz: what the live view sent and dropped. */
  readonly live?: LiveSummary;
}

/**
 * `jepa-agent replay BAG`: plays a bag as the agent's sensor source (real time, N x or as
 * fast as possible) and, with a checkpoint, evaluates the world model open loop on what
 * happened: encode each observation, roll the predictor under the recorded actions, compare
 * with the encodings of the observations that followed (error per horizon, beside copy-last).
 * With `ros`, it also publishes every recorded CDR message unchanged on the ROS 2 graph, as
 * `ros2 bag play` does (optionally with /clock), through the node `jepa_agent_replay`.
 */
export async function replayBag(runtime: Runtime, options: ReplayOptions): Promise<ReplayResult> {
  const { config, logger } = runtime;
  const rate = options.rate === 'max' ? 'max' : Number(options.rate);
  if (rate !== 'max' && !(rate > 0)) throw new Error(`replay: --rate must be a number > 0 or 'max', got ${options.rate}`);
  if (options.loop === true && options.ckpt !== undefined) throw new Error('replay: --loop with --ckpt would evaluate forever; drop one');
  const info = await bagInfo(options.bag);
  const at = (s: string | undefined, flag: string): bigint | undefined => {
    if (s === undefined) return undefined;
    const v = Number(s);
    if (!Number.isFinite(v) || v < 0) throw new Error(`replay: ${flag} must be seconds >= 0 from the bag's start, got ${s}`);
    return info.startTime + BigInt(Math.round(v * 1e9));
  };
  const clockHz = options.clock === undefined ? 0 : Number(options.clock);
  if (!(clockHz >= 0)) throw new Error(`replay: --clock must be a rate in Hz >= 0, got ${options.clock}`);
  const delayS = options.delay === undefined ? 1 : Number(options.delay);
  if (!(delayS >= 0)) throw new Error(`replay: --delay must be seconds >= 0, got ${options.delay}`);
  if (options.ros !== true && (options.clock !== undefined || options.latched !== undefined)) throw new Error('replay: --clock and --latched need --ros');
  const vizAddress = options.viz === undefined ? undefined : parseVizAddress(options.viz);
  const startTime = at(options.start, '--start');
  const endTime = at(options.end, '--end');
  // Topic roles given, or needed to build transitions with --ckpt: checked against the bag before anything plays.
  const plain = plainBagOptions(options);
  const { roles } = plain;
  const topicList = options.topics === undefined ? undefined : options.topics.split(',').map((t) => t.trim()).filter((t) => t !== '');
  let bagTopics: BagTopics | undefined;
  if (options.ckpt !== undefined || Object.keys(roles).length > 0) {
    const reader = await BagReader.open(options.bag);
    bagTopics = (await inferBagTopics(reader, options.bag, bagTopicsFromMetadata((await reader.metadata()) ?? {}, options.bag), roles)).topics;
  }
  // Before anything heavy: with --ros, ROS 2 must be there.
  const rcl = options.ros === true ? await loadRclnodejs('`replay --ros`') : undefined;
  let model: WorldModel | undefined;
  let transport: RclnodejsTransport | undefined;
  let graph: GraphReplay | undefined;
  let live: LiveView | undefined;
  if (options.ckpt !== undefined) {
    await initBackend({ backend: config.engine.backend, logger });
    model = await loadCheckpoint(options.ckpt, { logger });
  }
  try {
    if (vizAddress !== undefined) {
      live = await LiveView.start({ address: vizAddress, perception: model?.config.perception ?? config.model.perception, ...(model === undefined ? {} : { model }), logger });
      logger.info(`live view: open ${live.url} in Foxglove or Lichtblick`, { url: live.url });
    }
    const source = await BagSource.open(options.bag, {
      rate,
      ...(startTime === undefined ? {} : { startTime }),
      ...(endTime === undefined ? {} : { endTime }),
      ...(topicList === undefined ? {} : { topics: topicList }),
      loop: options.loop === true,
      ...(bagTopics === undefined ? {} : { bagTopics }),
      logger,
    });
    const convert = model === undefined ? (): CompactFrame => ({}) : (o: Parameters<typeof compactFrame>[0]): CompactFrame => compactFrame(o, model!.config);
    const assembler = new EpisodeAssembler<CompactFrame>(options.bag, convert);
    const topics: Record<string, number> = {};
    // A failed replay rejects `start()`, which reports it; the streams end with the same error, not reported again.
    const quiet = { error: (): void => undefined };
    source.messages$.subscribe({ ...quiet, next: (m) => void (topics[m.topic] = (topics[m.topic] ?? 0) + 1) });
    source.rgb$.subscribe({ ...quiet, next: (value) => assembler.add({ kind: 'rgb', value }) });
    source.depth$.subscribe({ ...quiet, next: (value) => assembler.add({ kind: 'depth', value }) });
    source.points$.subscribe({ ...quiet, next: (value) => assembler.add({ kind: 'points', value }) });
    source.proprio$.subscribe({ ...quiet, next: (value) => assembler.add({ kind: 'proprio', value }) });
    if (live !== undefined) {
      const view = live;
      // Each sensor message as it plays, and the goals: what the agent would have seen.
      source.rgb$.subscribe({ ...quiet, next: (rgb) => view.observation({ stamp: rgb.stamp, rgb }) });
      source.depth$.subscribe({ ...quiet, next: (depth) => view.observation({ stamp: depth.stamp, depth }) });
      source.points$.subscribe({ ...quiet, next: (points) => view.observation({ stamp: points.stamp, points }) });
      source.proprio$.subscribe({ ...quiet, next: (proprio) => view.observation({ stamp: proprio.stamp, proprio }) });
      source.goal$.subscribe({ ...quiet, next: (goal) => view.goal(goal) });
    }
    let recorded = 0;
    source.transitions$.subscribe({
      ...quiet,
      next: (value) => {
        recorded++;
        assembler.add({ kind: 'transition', value });
      },
    });
    if (rcl !== undefined) {
      transport = await RclnodejsTransport.create(rcl, { nodeName: options.nodeName ?? 'jepa_agent_replay' });
      const topics = source.bagTopics;
      const latched = options.latched !== undefined ? options.latched.split(',').map((t) => t.trim()).filter((t) => t !== '') : [topics.goalRgb, topics.goalDepth, topics.goalPoints].filter((t) => t !== '');
      graph = await GraphReplay.create(transport, source, { latched, clockHz, logger });
      await new Promise((r) => setTimeout(r, delayS * 1000));
    }
    const stop = (): void => source.stop();
    process.once('SIGINT', stop);
    const replay = await source.start().finally(() => process.off('SIGINT', stop));
    const result: ReplayResult = { replay, messagesPerS: replay.wallS > 0 ? replay.messages / replay.wallS : 0, topics };
    let out: ReplayResult = { ...result, ...(graph === undefined ? {} : { graph: graph.stats() }), ...(live === undefined ? {} : { live: live.summary() }) };
    if (model !== undefined) {
      let episodes = assembler.episodes();
      if (recorded === 0) {
        // No agent transitions among the messages replayed: built from the command topic, as
        // `eval --bags` does, from the same window (--start, --end, --topics) as the replay.
        episodes = await readBagEpisodes<CompactFrame>(options.bag, {
          ...plain,
          convert,
          ...(startTime === undefined ? {} : { startTime }),
          ...(endTime === undefined ? {} : { endTime }),
          ...(topicList === undefined ? {} : { topics: topicList }),
          onBag: (bag, n, how) => logger.info(`replay: ${n} episodes from ${bag} (${how})`),
        });
        if (episodes.length === 0) logger.warn(`replay: no episode in ${options.bag}: no agent transitions, and none could be built from its command topic`);
      } else if (episodes.length === 0) {
        logger.warn(`replay: no episode in ${options.bag}: its ${recorded} recorded transitions join none of the observations replayed`);
      }
      const horizon = Number(options.horizon ?? model.config.horizon);
      out = { ...out, episodes: episodes.length, horizons: episodes.length === 0 ? [] : bagPredictionErrors(model, episodes, horizon) };
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return out;
  } finally {
    await live?.close();
    graph?.close();
    transport?.close();
    model?.dispose();
  }
}
