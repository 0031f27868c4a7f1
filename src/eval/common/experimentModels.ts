import type { Config } from '../../core/config/Config.js';
import type { Logger } from '../../core/Logger.js';
import { silentLogger } from '../../core/Logger.js';
import { Rng } from '../../core/Rng.js';
import { applyWeights } from '../../learn/applyWeights.js';
import { InlineLearner } from '../../learn/InlineLearner.js';
import { loadCheckpoint } from '../../model/checkpoint.js';
import type { ModelFrames } from '../../model/index.js';
import { WorldModel } from '../../model/worldModel.js';
import type { SimEnv } from '../../sim/SimEnv.js';
import { babbleEpisodes } from './babble.js';

/** The encoders an experiment compares: the learned one and a random one of the same architecture. */
export interface ExperimentModels {
  readonly trained: WorldModel;
  /** Same config, initialised with the seed the trained model started from; never trained. */
  readonly random: WorldModel;
  /** Where the trained weights came from, for the report. */
  readonly source: EncoderSource;
  dispose(): void;
}

export type EncoderSource =
  | { readonly kind: 'checkpoint'; readonly dir: string; readonly steps?: number }
  | { readonly kind: 'babbling'; readonly episodes: number; readonly frames: number; readonly steps: number; readonly seconds: number; readonly finalLoss?: number };

export interface ModelSourceOptions {
  /** A checkpoint folder (manifest.json + weights.bin); when absent a model is trained here first. */
  readonly ckpt?: string;
  /** Training budget when there is no checkpoint: babbling episodes on the train split, then learner steps. */
  readonly babbleEpisodes: number;
  readonly trainSteps: number;
  readonly logger?: Logger;
  readonly onProgress?: (done: number, total: number, line: string) => void;
}

const TRAIN_SEED_BASE = 5_000_000;

/**
 * The trained encoder (from `ckpt`, or trained here on motor babbling from the simulator
 * with the project's own learner: ReplayBuffer, batch packing, Trainer), and the random
 * encoder it is compared with. The random one is built from the same config and config.seed,
 * so with no checkpoint it is exactly the trained model's starting point.
 */
export async function experimentModels(env: SimEnv, config: Readonly<Config>, options: ModelSourceOptions): Promise<ExperimentModels> {
  const logger = options.logger ?? silentLogger;
  let trained: WorldModel;
  let source: EncoderSource;
  if (options.ckpt !== undefined) {
    trained = await loadCheckpoint(options.ckpt, { logger });
    source = { kind: 'checkpoint', dir: options.ckpt };
  } else {
    const r = await trainOnBabbling(env, config, options);
    trained = r.model;
    source = r.source;
  }
  const actionDim = env.actionSpace.names.length;
  if (trained.actionDim !== actionDim) {
    trained.dispose();
    throw new RangeError(
      `encoder ${options.ckpt ?? 'config'}: model.actionDim is ${trained.actionDim} but sim.actionSpace '${env.config.actionSpace}' has ${actionDim} components`,
    );
  }
  const random = new WorldModel(trained.config, { seed: config.seed, logger });
  logger.info('experiment encoders ready', { source });
  return {
    trained,
    random,
    source,
    dispose: () => {
      trained.dispose();
      random.dispose();
    },
  };
}

async function trainOnBabbling(env: SimEnv, config: Readonly<Config>, options: ModelSourceOptions): Promise<{ model: WorldModel; source: EncoderSource }> {
  const started = performance.now();
  const total = options.babbleEpisodes + options.trainSteps;
  const episodes = babbleEpisodes(env, config.model, {
    episodes: options.babbleEpisodes,
    tasks: ['reach', 'push'],
    split: 'train',
    seedBase: TRAIN_SEED_BASE + config.seed * 1000,
    holdSteps: config.agent.exploration.babbleHoldSteps,
    rng: new Rng(config.seed).fork('eval:babble'),
    onEpisode: (done) => options.onProgress?.(done, total, `babbling episode ${done}/${options.babbleEpisodes}`),
  });
  const frames = episodes.reduce((n, e) => n + e.frames.length, 0);
  // The replay buffer is preallocated: size it to this data rather than to the online default.
  const learnConfig: Readonly<Config> = {
    ...config,
    learn: { ...config.learn, capacityFrames: Math.max(frames, 2), minFrames: Math.min(config.learn.minFrames, Math.max(frames, 2)) },
  };
  const learner = await InlineLearner.create(learnConfig, { logger: options.logger });
  try {
    episodes.forEach((ep, e) => ep.frames.forEach((f, t) => learner.add(f, ep.actions[t], e)));
    let finalLoss: number | undefined;
    for (let s = 0; s < options.trainSteps; s++) {
      const loss = learner.trainStep();
      if (loss === undefined) throw new Error(`training on babbling: the learner is not ready after ${frames} frames (learn.minFrames ${learnConfig.learn.minFrames}, horizon ${config.model.horizon})`);
      finalLoss = loss.total;
      if (s % 10 === 9 || s === options.trainSteps - 1) {
        options.onProgress?.(options.babbleEpisodes + s + 1, total, `training step ${s + 1}/${options.trainSteps} loss ${loss.total.toFixed(3)}`);
      }
    }
    const model = new WorldModel(config.model, { seed: config.seed, logger: options.logger });
    applyWeights(model, learner.weights());
    const seconds = (performance.now() - started) / 1000;
    return {
      model,
      source: { kind: 'babbling', episodes: episodes.length, frames, steps: options.trainSteps, seconds, ...(finalLoss === undefined ? {} : { finalLoss }) },
    };
  } finally {
    await learner.close({ checkpoint: false });
  }
}

/**
 * Fits a model's input normalisers (point coordinates, proprio, actions) to frames, without
 * training a weight: a random encoder then sees inputs on the same scale as the trained one.
 */
export function fitInputStats(model: WorldModel, frames: ModelFrames, actions?: Float32Array): void {
  model.observe(frames, Array.from({ length: frames.count }, (_, i) => i), actions);
}
