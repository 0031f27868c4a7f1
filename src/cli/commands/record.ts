import { resolve } from 'node:path';
import { Babbler } from '../../agent/controllers/Babbler.js';
import { SimWorld } from '../../agent/sources/SimWorld.js';
import { BagRecorder, recordCommand, recordObservation, recordSource, robotMetadata } from '../../bag/index.js';
import type { BagRecording } from '../../bag/index.js';
import { Rng } from '../../core/index.js';
import type { Observation, SplitName, TaskName } from '../../core/index.js';
import { SimEnv } from '../../sim/SimEnv.js';
import { progressBar } from '../progressBar.js';
import type { Runtime } from '../runtime.js';
import { stopOnSignal } from './stopOnSignal.js';

export interface RecordSimOptions {
  readonly episodes: number;
  /** Episode k uses seed seedBase + k. */
  readonly seedBase: number;
  readonly tasks: readonly TaskName[];
  readonly split: SplitName;
  readonly holdSteps: number;
  readonly rng: Rng;
  readonly onEpisode?: (done: number, total: number) => void;
  /** Stops the recording after the step under way: the episode gets its end marker (steps so far). */
  readonly signal?: AbortSignal;
}

/**
 * Records babbling episodes from the simulator as a robot would record them: the world's
 * sensor streams through `recordSource`, each command as its ROS message, and the agent's
 * records (episode markers, transitions with the applied action). The terminal observation,
 * which SimWorld does not publish, is recorded from the step result so every transition has
 * its next observation in the bag.
 */
export async function recordSimEpisodes(
  world: SimWorld,
  recorder: BagRecorder,
  options: RecordSimOptions,
): Promise<{ episodes: number; steps: number; interrupted: boolean }> {
  const env = world.env;
  const period = 1 / env.config.controlHz;
  let episode = -1;
  let steps = 0;
  let episodes = 0;
  const stopped = (): boolean => options.signal?.aborted === true;
  const sub = recordSource(recorder, world, { episode: () => episode });
  try {
    for (let e = 0; e < options.episodes && !stopped(); e++) {
      const seed = options.seedBase + e;
      const task = options.tasks[e % options.tasks.length];
      const babbler = new Babbler(world.actionSpace, options.holdSteps, options.rng.fork(`babble:${seed}`));
      await new Promise<void>((resolveEpisode, reject) => {
        let last: Observation | undefined;
        let decided: Float32Array | undefined;
        const act = (): void => {
          decided = babbler.next();
          const action = { space: world.actionSpace.kind, values: decided };
          recordCommand(recorder, action, {
            stamp: last!.stamp,
            period,
            jointNames: env.config.robot.joints,
            currentPositions: last!.proprio!.positions,
            frameId: 'base_link',
          });
          world.send(action);
        };
        const events = world.events$.subscribe({
          next: (ev) => {
            try {
              if (ev.type === 'reset') {
                episode++;
                last = ev.observation!;
                recorder.writeAgent('/agent/episode', { stamp: last.stamp, kind: 0, episode, seed, task, split: options.split, steps: 0, success: false });
                act();
                return;
              }
              const result = ev.result!;
              steps++;
              // Stopped: this step ends the episode (its observation was published, so it is recorded).
              const ending = result.done || stopped();
              recorder.writeAgent('/agent/transition', {
                stamp: last!.stamp,
                episode,
                step: ev.step - 1,
                actionSpace: world.actionSpace.kind,
                actionNames: world.actionSpace.names,
                action: [...decided!],
                appliedAction: [...result.action.values],
                cost: Number.NaN,
                done: ending,
                success: result.success,
                nextStamp: result.observation.stamp,
              });
              if (ending) {
                // At the step limit SimWorld does not publish the last observation: recorded from the result.
                if (result.done) recordObservation(recorder, result.observation);
                recorder.writeAgent('/agent/episode', { stamp: result.observation.stamp, kind: 1, episode, seed, task, split: options.split, steps: ev.step, success: result.success });
                events.unsubscribe();
                resolveEpisode();
                return;
              }
              last = result.observation;
              act();
            } catch (error) {
              events.unsubscribe();
              reject(error as Error);
            }
          },
          error: reject,
        });
        world.reset(seed, { task, split: options.split });
      });
      episodes++;
      options.onEpisode?.(e + 1, options.episodes);
    }
  } finally {
    sub.unsubscribe();
  }
  return { episodes, steps, interrupted: stopped() };
}

/** The MCAP Metadata every sim bag carries: who recorded it and with which arm and action space. */
export function simBagMetadata(world: SimWorld, extra: Record<string, string> = {}): Record<string, string> {
  return {
    robot: 'jepa-agent-sim',
    ...robotMetadata(world.actionSpace, world.env.config.robot.joints),
    controlHz: String(world.env.config.controlHz),
    ...extra,
  };
}

export interface RecordCommandOptions {
  readonly source: string;
  readonly episodes: string;
  readonly out: string;
  readonly tasks: string;
  readonly split?: string;
  readonly compression: string;
  readonly splitMb?: string;
  readonly splitSeconds?: string;
}

/**
 * `jepa-agent record --source sim --episodes N --out DIR`. SIGINT or SIGTERM stops it in order
 * at any phase: the episode under way ends after its step, the bag is closed (summary, indexes,
 * metadata.yaml) and the process exits with 128 + the signal's number.
 */
export async function recordCommandBody(runtime: Runtime, options: RecordCommandOptions): Promise<BagRecording> {
  const stop = stopOnSignal(runtime.logger, 'the recording');
  try {
    return await record(runtime, options, stop.signal);
  } finally {
    stop.dispose();
    if (stop.exitCode !== undefined) process.exitCode = stop.exitCode;
  }
}

async function record(runtime: Runtime, options: RecordCommandOptions, signal: AbortSignal): Promise<BagRecording> {
  const { config, logger } = runtime;
  logger.info('starting: simulation and recorder', { out: options.out });
  if (options.source !== 'sim') {
    throw new Error(`record: --source ${options.source} is not available here; use --source sim (a live ROS 2 node records through BagRecorder.writeRaw)`);
  }
  const episodes = Number(options.episodes);
  if (!Number.isInteger(episodes) || episodes < 1) throw new Error(`record: --episodes must be a positive integer, got ${options.episodes}`);
  if (options.compression !== 'zstd' && options.compression !== 'none') throw new Error(`record: --compression must be zstd or none, got ${options.compression}`);
  const tasks = options.tasks.split(',').map((t) => t.trim()) as TaskName[];
  const env = await SimEnv.create(config.sim, { logger });
  const world = new SimWorld(env, { clock: 'lockstep' });
  const out = resolve(options.out);
  const recorder = await BagRecorder.start({
    dir: out,
    compression: options.compression,
    ...(options.splitMb === undefined ? {} : { splitBytes: Number(options.splitMb) * 2 ** 20 }),
    ...(options.splitSeconds === undefined ? {} : { splitSeconds: Number(options.splitSeconds) }),
    metadata: simBagMetadata(world, { source: 'sim', tasks: tasks.join(','), split: options.split ?? config.sim.split, seed: String(config.seed) }),
    logger,
  });
  const bar = progressBar('record');
  let done = { episodes: 0, interrupted: false };
  try {
    done = await recordSimEpisodes(world, recorder, {
      episodes,
      seedBase: config.seed,
      tasks,
      split: (options.split ?? config.sim.split) as SplitName,
      holdSteps: config.agent.exploration.babbleHoldSteps,
      rng: new Rng(config.seed).fork('record'),
      onEpisode: (n, total) => bar(n, total, `${recorder.stats().written} msgs written`),
      signal,
    });
  } catch (error) {
    // What was recorded stays readable: the bag is closed before the error is reported.
    world.close();
    await recorder.close().catch(() => undefined);
    env.close();
    throw error;
  }
  world.close();
  const recording = await recorder.close();
  env.close();
  const s = recording.stats;
  const stopped = signal.aborted ? ` (stopped by ${String(signal.reason)}${done.interrupted ? ', the last one cut short' : ''})` : '';
  process.stdout.write(
    `recorded ${done.episodes} episodes${stopped} into ${out}: ${s.written} messages (${s.dropped} dropped, ${s.failed} failed) in ${recording.files.ros.length + recording.files.agent.length} files\n`,
  );
  return recording;
}
