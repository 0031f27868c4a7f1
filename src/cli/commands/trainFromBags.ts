import { resolve } from 'node:path';
import { readBagEpisodes } from '../../bag/index.js';
import { plainBagOptions } from './plainBagOptions.js';
import type { TopicRoleFlags } from '../groups/topicRoleOptions.js';
import type { Config } from '../../core/index.js';
import { compactFrame } from '../../learn/CompactFrame.js';
import type { CompactFrame } from '../../learn/CompactFrame.js';
import { InlineLearner } from '../../learn/InlineLearner.js';
import { initBackend } from '../../model/index.js';
import { progressBar } from '../progressBar.js';
import type { Runtime } from '../runtime.js';

export interface TrainFromBagsOptions extends TopicRoleFlags {
  readonly bags: string;
  readonly out: string;
  readonly steps: string;
  readonly resume?: string;
  /** Stop at the first message that cannot be decoded (default: skip and count it, warning once per bag). */
  readonly strict?: boolean;
}

export interface TrainFromBagsResult {
  readonly episodes: number;
  readonly frames: number;
  readonly steps: number;
  readonly finalLoss?: number;
  readonly checkpoint: string;
}

/**
 * `jepa-agent train --bags DIR --out CKPT`: the world model learns offline from recorded
 * episodes with the project's own learner (replay buffer, batch packing, Trainer), writing
 * checkpoints every learn.checkpointEverySteps steps and at the end. Every bag is read and
 * checked before anything is written: a message that cannot be decoded is skipped and counted
 * (a warning per bag), or with `strict` ends the command, leaving what is on disk as it was.
 */
export async function trainFromBags(runtime: Runtime, options: TrainFromBagsOptions): Promise<TrainFromBagsResult> {
  const { logger } = runtime;
  let config = runtime.config;
  const steps = Number(options.steps);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`train: --steps must be a positive integer, got ${options.steps}`);
  const plain = plainBagOptions(options);
  await initBackend({ backend: config.engine.backend, logger });
  const episodes = await readBagEpisodes<CompactFrame>(options.bags, {
    ...plain,
    strict: options.strict === true,
    logger,
    convert: (o) => compactFrame(o, config.model),
    onBag: (bag, n, how) => logger.info(`read ${n} episodes from ${bag} (${how})`),
  });
  const frames = episodes.reduce((n, e) => n + e.frames.length, 0);
  if (episodes.length === 0) throw new Error(`train: no episode with transitions in ${resolve(options.bags)} (record some with \`jepa-agent record --source sim\`)`);
  const actionDim = episodes[0].actions[0].length;
  // Checked before anything is written: every bag's actions must mean the same thing.
  const other = episodes.find((e) => e.actions[0].length !== actionDim);
  if (other !== undefined) {
    throw new Error(`train: ${episodes[0].bag} has actions of ${actionDim} values but ${other.bag} of ${other.actions[0].length}: train on bags of one action space`);
  }
  if (actionDim !== config.model.actionDim) {
    // The bags decide what an action is; the model is sized to them.
    logger.info(`train: model.actionDim ${config.model.actionDim} -> ${actionDim}, the bags' action size`);
    config = { ...config, model: { ...config.model, actionDim } };
  }
  // The replay buffer is preallocated: sized to this data.
  const learnConfig: Readonly<Config> = {
    ...config,
    learn: { ...config.learn, capacityFrames: Math.max(frames, 2), minFrames: Math.min(config.learn.minFrames, Math.max(frames, 2)) },
  };
  const out = resolve(options.out);
  const learner = await InlineLearner.create(learnConfig, { logger, checkpointDir: out, ...(options.resume === undefined ? {} : { resumeFrom: options.resume }) });
  let finalLoss: number | undefined;
  try {
    episodes.forEach((ep, e) => ep.frames.forEach((f, t) => learner.add(f, ep.actions[t], e)));
    const bar = progressBar('train');
    for (let s = 0; s < steps; s++) {
      const loss = learner.trainStep();
      if (loss === undefined) {
        throw new Error(`train: the learner is not ready with ${frames} frames (learn.minFrames ${learnConfig.learn.minFrames}, model.horizon ${config.model.horizon}); record longer episodes`);
      }
      finalLoss = loss.total;
      if (s % 10 === 9 || s === steps - 1) bar(s + 1, steps, `loss ${loss.total.toFixed(4)}`);
    }
  } finally {
    await learner.close({ checkpoint: true });
  }
  const result = { episodes: episodes.length, frames, steps, ...(finalLoss === undefined ? {} : { finalLoss }), checkpoint: out };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return result;
}
