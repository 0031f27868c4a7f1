import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { ablationMarkdown, ablationPlots, runAblation, selectArms } from '../../eval/ablate/index.js';
import { codeVersion, newExperimentDir, writeRunFolder } from '../../eval/common/index.js';
import { TASK_NAMES } from '../../core/config/simConfig.js';
import type { Config } from '../../core/config/Config.js';
import { initBackend } from '../../model/engine/initBackend.js';
import { progressBar } from '../progressBar.js';
import type { Runtime } from '../runtime.js';
import { parseList, positiveInt } from './parseList.js';

export interface EvalAblateOptions {
  quick?: boolean;
  seeds?: string;
  steps?: string;
  minutes?: string;
  arms?: string;
  tasks: string;
  evalEpisodes?: string;
  learnerSteps?: string;
  probePerClass?: string;
  runsDir: string;
  command: string;
}

/** Defaults of each mode; flags override them. The sizes come in as config overrides (see ablationPresets). */
const MODES = {
  quick: { seeds: '1', steps: 48, evalEpisodes: 2, learnerSteps: 3, probeTrain: 4, probeTest: 2 },
  full: { seeds: '1,2,3', steps: 1000, evalEpisodes: 8, learnerSteps: 24, probeTrain: 8, probeTest: 6 },
} as const;

/**
 * `jepa-agent eval ablate`: the ablation arms, each trained online from scratch with every
 * seed under one budget, measured by closed-loop success and a shape probe. Writes
 * runs/<time>-ablate/ with report.json, report.md, report.html and plots/.
 */
export async function evalAblate(runtime: Runtime, options: EvalAblateOptions): Promise<string> {
  const { config, logger } = runtime;
  const mode = options.quick ? MODES.quick : MODES.full;
  const seeds = parseSeeds(options.seeds ?? mode.seeds);
  const tasks = parseList(options.tasks, TASK_NAMES, 'task');
  const arms = selectArms(options.arms === undefined ? undefined : options.arms.split(',').map((s) => s.trim()).filter(Boolean));
  const budget = parseBudget(options, mode.steps);
  const evalEpisodes = positiveInt(options.evalEpisodes ?? String(mode.evalEpisodes), '--eval-episodes');
  const learnerSteps = positiveInt(options.learnerSteps ?? String(mode.learnerSteps), '--learner-steps');
  const probe = options.probePerClass === undefined ? { perClassTrain: mode.probeTrain, perClassTest: mode.probeTest } : parseProbe(options.probePerClass);
  const engine = await initBackend({ backend: config.engine.backend, planning: config.engine.planning, logger });
  const runDir = newExperimentDir(options.runsDir, 'ablate');
  logger.info('ablation', { runDir, backend: engine.backend, arms: arms.map((a) => a.name), seeds, budget });
  const bar = progressBar('ablate');
  const report = await runAblation(
    config,
    {
      arms,
      seeds,
      tasks,
      budget,
      evalEpisodes,
      trainStepsPerEpisode: learnerSteps,
      probe,
      runDir,
      onProgress: (f, line) => bar(Math.round(f * 1000), 1000, line),
      // One JSON line per finished run, so that hours of work are not lost to a late failure.
      onRun: (run) => appendFileSync(join(runDir, 'runs.jsonl'), `${JSON.stringify(run)}\n`),
    },
    logger,
  );
  const code = codeVersion();
  const markdown = ablationMarkdown(report, { command: options.command, code, quick: options.quick ?? false, configSummary: configSummary(config, engine.backend) });
  await writeRunFolder(runDir, { json: { ...report, code, command: options.command, engine, config }, markdown, charts: ablationPlots(report) });
  process.stdout.write(markdown);
  logger.info(`run folder: ${runDir}`);
  return runDir;
}

/** Comma-separated non-negative integer seeds. */
export function parseSeeds(text: string): number[] {
  const seeds = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (seeds.length === 0 || !seeds.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 32)) {
    throw new RangeError(`--seeds must be a comma-separated list of non-negative integers, got '${text}'`);
  }
  return seeds;
}

/** --steps (reproducible) or --minutes per run; the mode's step budget when neither is given. */
export function parseBudget(options: { steps?: string; minutes?: string }, defaultSteps: number): { steps?: number; minutes?: number } {
  if (options.steps !== undefined) return { steps: positiveInt(options.steps, '--steps') };
  if (options.minutes !== undefined) {
    const minutes = Number(options.minutes);
    if (!(minutes > 0)) throw new RangeError(`--minutes must be a positive number, got '${options.minutes}'`);
    return { minutes };
  }
  return { steps: defaultSteps };
}

function parseProbe(text: string): { perClassTrain: number; perClassTest: number } {
  const [a, b] = text.split(',');
  return { perClassTrain: positiveInt(a ?? '', '--probe-per-class (labelled)'), perClassTest: positiveInt(b ?? a ?? '', '--probe-per-class (test)') };
}

export function configSummary(config: Readonly<Config>, backend: string): string {
  const m = config.model;
  return (
    `Backend ${backend}; ${config.sim.camera.width}x${config.sim.camera.height} camera, ${config.sim.pointCount} points, ${config.sim.episodeSteps}-tick episodes at ${config.sim.controlHz} Hz; ` +
    `model: ${m.image.size}px ${m.image.encoder} image encoder, ${m.points.count}-point encoder, latent ${m.latentDim}, ${m.predictor.kind} predictor width ${m.predictor.width}, horizon ${m.horizon}; ` +
    `learner batch ${config.learn.batchSize}, training from ${config.learn.minFrames} frames; ` +
    `planner ${config.plan.planner} (${config.plan.samples} samples x horizon ${config.plan.horizon} x ${config.plan.iterations} iterations); babbling for the first ${config.agent.exploration.babbleSteps} ticks.`
  );
}
