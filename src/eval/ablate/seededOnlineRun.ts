import type { Config } from '../../core/config/Config.js';
import type { SplitName, TaskName } from '../../core/config/simConfig.js';
import type { Logger } from '../../core/Logger.js';
import { InlineLearner } from '../../learn/InlineLearner.js';
import { loadCheckpoint } from '../../model/checkpoint.js';
import { WorldModel } from '../../model/worldModel.js';
import { SimEnv } from '../../sim/SimEnv.js';
import { runOnlineExperiment } from '../onlineExperiment.js';
import type { ExperimentReport } from '../onlineExperiment.js';
import { inlineLearner } from '../onlineLearners.js';
import { corruptSensors } from './sensorCorruption.js';
import type { SensorCorruption } from './sensorCorruption.js';

/** How long the agent practises: environment steps (reproducible) or wall-clock minutes. */
export interface Budget {
  readonly steps?: number;
  readonly minutes?: number;
}

export interface SeededRunOptions<T> {
  readonly tasks: readonly TaskName[];
  readonly evalSplits: readonly SplitName[];
  /** Split of the practice episodes (default 'train'). */
  readonly practiceSplit?: SplitName;
  readonly budget: Budget;
  readonly evalEpisodes: number;
  /** Learner steps after each practice episode (the in-thread learner makes the run a function of the seed). */
  readonly trainStepsPerEpisode: number;
  readonly corruption?: SensorCorruption;
  /** Start from this checkpoint (weights and step count) instead of a fresh model. */
  readonly resumeFrom?: string;
  /** Write the learner's final checkpoint here. */
  readonly checkpointTo?: string;
  readonly runDir: string;
  readonly onProgress?: (fraction: number, line: string) => void;
  /** Runs on the trained acting model and the (sensor-corrupted) environment before both are freed. */
  readonly after?: (model: WorldModel, env: SimEnv) => T;
}

/**
 * One seeded online-learning run with the in-thread learner: the agent practises for the
 * budget and is evaluated once at the end (runOnlineExperiment), then `after` measures what
 * else the experiment wants on the trained model. With a step budget the whole run is a
 * function of config.seed. Frees the simulation, the models and the learner, errors included.
 */
export async function seededOnlineRun<T = undefined>(
  config: Readonly<Config>,
  options: SeededRunOptions<T>,
  logger: Logger,
): Promise<{ report: ExperimentReport; after: T | undefined }> {
  const { steps, minutes } = options.budget;
  if (steps === undefined && minutes === undefined) throw new RangeError('online run: a budget needs steps or minutes');
  // A tick whose required frame is missing never reaches the controller: the lockstep loop would stall.
  const dropped = [
    ...((options.corruption?.rgbDropout ?? 0) > 0 ? (['rgb'] as const) : []),
    ...((options.corruption?.pointsDropout ?? 0) > 0 ? (['points', 'depth'] as const) : []),
  ];
  const needed = dropped.filter((m) => config.agent.requiredModalities.includes(m));
  if (needed.length > 0) {
    throw new RangeError(
      `online run: sensor faults drop ${needed.join(', ')} frames but agent.requiredModalities is [${config.agent.requiredModalities.join(', ')}]: require only modalities that always arrive, e.g. --set agent.requiredModalities='["proprio"]'`,
    );
  }
  const raw = await SimEnv.create(config.sim, { logger });
  const env = corruptSensors(raw, options.corruption, config.seed);
  let model: WorldModel | undefined;
  let learner: InlineLearner | undefined;
  try {
    model = options.resumeFrom ? await loadCheckpoint(options.resumeFrom, { logger }) : new WorldModel(config.model, { seed: config.seed, logger });
    learner = await InlineLearner.create(config, { logger, ...(options.resumeFrom ? { resumeFrom: options.resumeFrom } : {}) });
    const report = await runOnlineExperiment(
      env,
      model,
      inlineLearner(learner, model, options.trainStepsPerEpisode),
      config,
      {
        tasks: options.tasks,
        evalSplits: options.evalSplits,
        ...(options.practiceSplit ? { practiceSplit: options.practiceSplit } : {}),
        budgetMinutes: minutes ?? Number.POSITIVE_INFINITY,
        ...(steps === undefined ? {} : { budgetSteps: steps }),
        // Only the final evaluation: intermediate ones would spend the budget of every arm.
        evalEvery: Number.MAX_SAFE_INTEGER,
        evalEpisodes: options.evalEpisodes,
        // Ablation and transfer reports compare arms with the random floor only.
        finalBaselines: false,
        runDir: options.runDir,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      },
      logger,
    );
    if (options.checkpointTo !== undefined) await learner.saveCheckpoint(options.checkpointTo);
    const after = options.after?.(model, env);
    return { report, after };
  } finally {
    await learner?.close({ checkpoint: false });
    model?.dispose();
    raw.close();
  }
}
