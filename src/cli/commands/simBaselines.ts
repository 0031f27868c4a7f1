import { join, resolve } from 'node:path';
import { SPLIT_NAMES, TASK_NAMES } from '../../core/config/simConfig.js';
import { BASELINE_CONTROLLERS, baselineMarkdown, runBaselines } from '../../eval/baselineExperiment.js';
import { writeRunFolder } from '../../eval/common/runFolder.js';
import { loadCheckpoint } from '../../model/checkpoint.js';
import { initBackend } from '../../model/engine/initBackend.js';
import type { WorldModel } from '../../model/worldModel.js';
import { SimEnv } from '../../sim/SimEnv.js';
import { progressBar } from '../progressBar.js';
import { parseList, positiveInt } from './parseList.js';
import type { Runtime } from '../runtime.js';

export interface SimBaselinesOptions {
  tasks: string;
  splits: string;
  episodes: string;
  controllers?: string;
  ckpt?: string;
  runsDir: string;
}

/**
 * `jepa-agent sim baselines`: the baseline controllers in closed loop, written to
 * runs/baselines-<time>/. scripted-subgoals plans with a learned world model, so it runs only
 * with `--ckpt` (a model trained here for a minute would measure the training, not the
 * baseline); asked for without one, it is an error that says so.
 */
export async function simBaselines(runtime: Runtime, options: SimBaselinesOptions): Promise<string> {
  const { config, logger } = runtime;
  const tasks = parseList(options.tasks, TASK_NAMES, 'task');
  const splits = parseList(options.splits, SPLIT_NAMES, 'split');
  const episodes = positiveInt(options.episodes, '--episodes');
  const controllers =
    options.controllers !== undefined
      ? parseList(options.controllers, BASELINE_CONTROLLERS, 'controller')
      : BASELINE_CONTROLLERS.filter((c) => c !== 'scripted-subgoals' || options.ckpt !== undefined);
  if (controllers.includes('scripted-subgoals') && options.ckpt === undefined) {
    throw new RangeError('--controllers scripted-subgoals plans with a learned world model: give one with --ckpt DIR (e.g. runs/<time>/checkpoint of a `jepa-agent sim` run)');
  }
  if (options.controllers === undefined && options.ckpt === undefined) {
    logger.info('scripted-subgoals is not run: it needs a world model (--ckpt DIR)');
  }
  const runDir = resolve(options.runsDir, `baselines-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const env = await SimEnv.create(config.sim, { logger });
  let model: WorldModel | undefined;
  try {
    if (controllers.includes('scripted-subgoals') && options.ckpt !== undefined) {
      await initBackend({ backend: config.engine.backend, planning: config.engine.planning, logger });
      model = await loadCheckpoint(options.ckpt, { logger });
      const actionDim = env.actionSpace.names.length;
      if (model.actionDim !== actionDim) {
        throw new RangeError(`--ckpt ${options.ckpt}: the model takes ${model.actionDim} action values but sim.actionSpace '${config.sim.actionSpace}' has ${actionDim}`);
      }
    }
    logger.info('closed-loop baseline run', { tasks, splits, episodes, controllers, runDir, ...(options.ckpt === undefined ? {} : { ckpt: options.ckpt }) });
    const report = runBaselines(env, config, {
      tasks,
      splits,
      episodes,
      controllers,
      ...(model === undefined ? {} : { model, modelLabel: `checkpoint ${options.ckpt}` }),
      logger,
      onProgress: progressBar('episodes'),
    });
    const { frames, ...json } = report;
    const markdown = baselineMarkdown(report);
    await writeRunFolder(runDir, { json: { ...json, config }, markdown, frames: Object.fromEntries(frames.map((f) => [f.name, f.image])) });
    logger.info(`report written to ${join(runDir, 'report.md')} and ${join(runDir, 'report.html')}`);
    process.stdout.write(markdown);
    return runDir;
  } finally {
    model?.dispose();
    env.close();
  }
}
