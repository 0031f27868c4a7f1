import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SPLIT_NAMES, TASK_NAMES } from '../../core/config/simConfig.js';
import type { SplitName, TaskName } from '../../core/config/simConfig.js';
import { experimentPlots } from '../../eval/experimentPlots.js';
import { experimentMarkdown } from '../../eval/experimentReport.js';
import { runOnlineExperiment } from '../../eval/onlineExperiment.js';
import { writeRunFolder } from '../../eval/common/runFolder.js';
import { workerLearner } from '../../eval/onlineLearners.js';
import { LearnerSupervisor } from '../../learn/LearnerSupervisor.js';
import { initBackend } from '../../model/engine/initBackend.js';
import { loadCheckpoint } from '../../model/checkpoint.js';
import { WorldModel } from '../../model/worldModel.js';
import { SimEnv } from '../../sim/SimEnv.js';
import { LiveView, parseVizAddress } from '../../live/index.js';
import type { VizAddress } from '../../live/index.js';
import { progressBar } from '../progressBar.js';
import type { Runtime } from '../runtime.js';
import { parseList, positiveInt } from './parseList.js';
import { stopOnSignal } from './stopOnSignal.js';
import type { SignalStop } from './stopOnSignal.js';

export interface SimExperimentOptions {
  tasks: string;
  splits: string;
  minutes: string;
  steps?: string;
  evalEvery: string;
  evalEpisodes: string;
  finalEvalEpisodes: string;
  runDir: string;
  resume?: string;
  /** Live view on [host:]port (--viz). */
  viz?: string;
  version: string;
  command: string;
}

/**
 * `jepa-agent sim` (the main job): the agent learns online from scratch in the embedded
 * simulation; the run folder gets report.json, report.md, report.html, plots/, frames/,
 * checkpoint/ and the log. SIGINT or SIGTERM stops it in order at any phase: the episode under
 * way is abandoned, the learner writes its final checkpoint, the report says `interrupted` and
 * holds what was done, and the process exits with 128 + the signal's number.
 */
export async function simExperiment(runtime: Runtime, options: SimExperimentOptions): Promise<string> {
  const { logger } = runtime;
  const tasks = parseList(options.tasks, TASK_NAMES, 'task');
  const splits = parseList(options.splits, SPLIT_NAMES, 'split');
  const minutes = Number(options.minutes);
  if (!(minutes > 0)) throw new RangeError(`--minutes must be a positive number, got '${options.minutes}'`);
  const steps = options.steps === undefined ? undefined : Number(options.steps);
  if (steps !== undefined && !(Number.isInteger(steps) && steps > 0)) throw new RangeError(`--steps must be a positive integer, got '${options.steps}'`);
  const evalEvery = positiveInt(options.evalEvery, '--eval-every');
  const evalEpisodes = positiveInt(options.evalEpisodes, '--eval-episodes');
  const finalEvalEpisodes = positiveInt(options.finalEvalEpisodes, '--final-eval-episodes');
  const vizAddress = options.viz === undefined ? undefined : parseVizAddress(options.viz);
  const runDir = options.runDir;
  mkdirSync(runDir, { recursive: true });
  // From here on a signal stops the run in order; the start-up below finishes first (seconds).
  const stop = stopOnSignal(logger, 'the run');
  try {
    return await runExperiment(runtime, options, { tasks, splits, minutes, steps, evalEvery, evalEpisodes, finalEvalEpisodes, runDir, vizAddress }, stop);
  } finally {
    stop.dispose();
    if (stop.exitCode !== undefined) process.exitCode = stop.exitCode;
  }
}

interface ParsedOptions {
  readonly tasks: readonly TaskName[];
  readonly splits: readonly SplitName[];
  readonly minutes: number;
  readonly steps: number | undefined;
  readonly evalEvery: number;
  readonly evalEpisodes: number;
  readonly finalEvalEpisodes: number;
  readonly runDir: string;
  readonly vizAddress: VizAddress | undefined;
}

async function runExperiment(runtime: Runtime, options: SimExperimentOptions, parsed: ParsedOptions, stop: SignalStop): Promise<string> {
  const { config, logger } = runtime;
  const { tasks, splits, minutes, steps, evalEvery, evalEpisodes, finalEvalEpisodes, runDir, vizAddress } = parsed;
  logger.info('starting: tensor backend, simulation, learner', { runDir });
  const engine = await initBackend({ backend: config.engine.backend, planning: config.engine.planning, logger });
  const env = await SimEnv.create(config.sim, { logger });
  const actionDim = env.actionSpace.names.length;
  if (config.model.actionDim !== actionDim) {
    throw new RangeError(`model.actionDim is ${config.model.actionDim} but sim.actionSpace '${config.sim.actionSpace}' has ${actionDim} components: set --set model.actionDim=${actionDim}`);
  }
  const model = options.resume ? await loadCheckpoint(options.resume, { logger }) : new WorldModel(config.model, { seed: config.seed, logger });
  const learner = await LearnerSupervisor.start(config, {
    logger,
    checkpointDir: join(runDir, 'checkpoint'),
    ...(options.resume ? { resumeFrom: options.resume } : {}),
  });
  const onlineLearner = workerLearner(learner, model);
  const live = vizAddress === undefined ? undefined : await LiveView.start({ address: vizAddress, model, actionRepeat: config.plan.actionRepeat, logger }).catch(async (error: unknown) => {
    onlineLearner.close();
    await learner.close({ checkpoint: false }).catch(() => undefined);
    throw error;
  });
  if (live !== undefined) logger.info(`live view: open ${live.url} in Foxglove or Lichtblick`, { url: live.url });
  logger.info('online learning run', { runDir, backend: engine.backend, learnerBackend: learner.backend, tasks, splits, minutes, steps });
  const bar = progressBar('learning');
  try {
    const report = await runOnlineExperiment(
      env,
      model,
      onlineLearner,
      config,
      {
        tasks,
        evalSplits: splits,
        budgetMinutes: minutes,
        ...(steps === undefined ? {} : { budgetSteps: steps }),
        evalEvery,
        evalEpisodes,
        finalEvalEpisodes,
        runDir,
        onProgress: (fraction, line) => bar(Math.round(fraction * 1000), 1000, line),
        signal: stop.signal,
        ...(live === undefined ? {} : { live }),
      },
      logger,
    );
    const liveSummary = live?.summary();
    if (liveSummary !== undefined) logger.info(`live view: ${liveSummary.sent} messages sent, ${liveSummary.dropped} dropped`, { ...liveSummary });
    await learner.close({ checkpoint: true });
    const { frames, ...json } = report;
    const markdown = experimentMarkdown(report, {
      command: options.command,
      version: options.version,
      configSummary: `Backend ${engine.backend}; planner ${config.plan.planner} (${config.plan.samples} samples x horizon ${config.plan.horizon} x ${config.plan.iterations} iterations); latent ${config.model.latentDim} per modality (fusion ${config.model.fusion.kind}); babbling for the first ${config.agent.exploration.babbleSteps} ticks.`,
    });
    await writeRunFolder(runDir, {
      json: { ...json, ...(liveSummary === undefined ? {} : { live: liveSummary }), version: options.version, command: options.command, engine, config },
      markdown,
      charts: experimentPlots(report),
      frames: Object.fromEntries(frames.map((f) => [f.name, f.image])),
    });
    process.stdout.write(markdown);
    if (stop.received !== undefined) logger.warn(`${stop.received}: the run stopped early; checkpoint and report written`, { runDir, interrupted: report.interrupted ?? 'after it had finished' });
    logger.info(`run folder: ${runDir}`);
    return runDir;
  } finally {
    await live?.close();
    onlineLearner.close();
    await learner.close({ checkpoint: false }).catch(() => undefined);
    model.dispose();
    env.close();
  }
}
