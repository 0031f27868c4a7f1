import { bagInfo, BagSource, EpisodeAssembler } from '../../bag/index.js';
import type { ReplaySummary } from '../../bag/index.js';
import { compactFrame } from '../../learn/CompactFrame.js';
import type { CompactFrame } from '../../learn/CompactFrame.js';
import { initBackend, loadCheckpoint } from '../../model/index.js';
import type { WorldModel } from '../../model/index.js';
import type { Runtime } from '../runtime.js';
import { bagPredictionErrors } from './evalBags.js';
import type { HorizonError } from '../../eval/predict/predictionErrorPerHorizon.js';

export interface ReplayOptions {
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
}

export interface ReplayResult {
  readonly replay: ReplaySummary;
  readonly messagesPerS: number;
  readonly topics: Readonly<Record<string, number>>;
  readonly episodes?: number;
  readonly horizons?: readonly HorizonError[];
}

/**
 * `jepa-agent replay BAG`: plays a bag as the agent's sensor source (real time, N x or as
 * fast as possible) and, with a checkpoint, evaluates the world model open loop on what
 * happened: encode each observation, roll the predictor under the recorded actions, compare
 * with the encodings of the observations that followed (error per horizon, beside copy-last).
 * Republishing onto a ROS graph is the ROS 2 node's job, through `publishRaw(source, ...)`.
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
  const startTime = at(options.start, '--start');
  const endTime = at(options.end, '--end');
  let model: WorldModel | undefined;
  if (options.ckpt !== undefined) {
    await initBackend({ backend: config.engine.backend, logger });
    model = await loadCheckpoint(options.ckpt, { logger });
  }
  try {
    const source = await BagSource.open(options.bag, {
      rate,
      ...(startTime === undefined ? {} : { startTime }),
      ...(endTime === undefined ? {} : { endTime }),
      ...(options.topics === undefined ? {} : { topics: options.topics.split(',').map((t) => t.trim()) }),
      loop: options.loop === true,
      logger,
    });
    const convert = model === undefined ? (): CompactFrame => ({}) : (o: Parameters<typeof compactFrame>[0]): CompactFrame => compactFrame(o, model!.config);
    const assembler = new EpisodeAssembler<CompactFrame>(options.bag, convert);
    const topics: Record<string, number> = {};
    source.messages$.subscribe((m) => void (topics[m.topic] = (topics[m.topic] ?? 0) + 1));
    source.rgb$.subscribe((value) => assembler.add({ kind: 'rgb', value }));
    source.depth$.subscribe((value) => assembler.add({ kind: 'depth', value }));
    source.points$.subscribe((value) => assembler.add({ kind: 'points', value }));
    source.proprio$.subscribe((value) => assembler.add({ kind: 'proprio', value }));
    source.transitions$.subscribe((value) => assembler.add({ kind: 'transition', value }));
    const stop = (): void => source.stop();
    process.once('SIGINT', stop);
    const replay = await source.start().finally(() => process.off('SIGINT', stop));
    const result: ReplayResult = { replay, messagesPerS: replay.wallS > 0 ? replay.messages / replay.wallS : 0, topics };
    let out: ReplayResult = result;
    if (model !== undefined) {
      const episodes = assembler.episodes();
      const horizon = Number(options.horizon ?? model.config.horizon);
      out = { ...result, episodes: episodes.length, horizons: episodes.length === 0 ? [] : bagPredictionErrors(model, episodes, horizon) };
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return out;
  } finally {
    model?.dispose();
  }
}
