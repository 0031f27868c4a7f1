import { codeVersion, newExperimentDir, writeRunFolder } from '../../eval/common/index.js';
import { runTransfer, transferMarkdown, transferPlots } from '../../eval/transfer/index.js';
import { SPLIT_NAMES, TASK_NAMES } from '../../core/config/simConfig.js';
import { initBackend } from '../../model/engine/initBackend.js';
import { progressBar } from '../progressBar.js';
import type { Runtime } from '../runtime.js';
import { configSummary, parseBudget, parseSeeds } from './evalAblate.js';
import { parseList, positiveInt } from './parseList.js';

export interface EvalTransferOptions {
  quick?: boolean;
  seeds?: string;
  steps?: string;
  minutes?: string;
  adaptSteps?: string;
  tasks: string;
  splits: string;
  evalEpisodes?: string;
  learnerSteps?: string;
  runsDir: string;
  command: string;
}

const MODES = {
  quick: { seeds: '1', steps: 48, adaptSteps: 24, evalEpisodes: 2, learnerSteps: 3 },
  full: { seeds: '1,2,3', steps: 1000, adaptSteps: 160, evalEpisodes: 6, learnerSteps: 24 },
} as const;

/**
 * `jepa-agent eval transfer`: success on each split after learning on the training split,
 * and after a short online adaptation on that split, beside random actions. Writes
 * runs/<time>-transfer/ with report.json, report.md, report.html and plots/.
 */
export async function evalTransfer(runtime: Runtime, options: EvalTransferOptions): Promise<string> {
  const { config, logger } = runtime;
  const mode = options.quick ? MODES.quick : MODES.full;
  const seeds = parseSeeds(options.seeds ?? mode.seeds);
  const tasks = parseList(options.tasks, TASK_NAMES, 'task');
  const splits = parseList(options.splits, SPLIT_NAMES, 'split');
  const budget = parseBudget(options, mode.steps);
  const adaptBudget = { steps: positiveInt(options.adaptSteps ?? String(mode.adaptSteps), '--adapt-steps') };
  const evalEpisodes = positiveInt(options.evalEpisodes ?? String(mode.evalEpisodes), '--eval-episodes');
  const learnerSteps = positiveInt(options.learnerSteps ?? String(mode.learnerSteps), '--learner-steps');
  const engine = await initBackend({ backend: config.engine.backend, planning: config.engine.planning, logger });
  const runDir = newExperimentDir(options.runsDir, 'transfer');
  logger.info('transfer', { runDir, backend: engine.backend, seeds, splits, budget, adaptBudget });
  const bar = progressBar('transfer');
  const report = await runTransfer(
    config,
    { seeds, tasks, splits, budget, adaptBudget, evalEpisodes, trainStepsPerEpisode: learnerSteps, runDir, onProgress: (f, line) => bar(Math.round(f * 1000), 1000, line) },
    logger,
  );
  const code = codeVersion();
  const markdown = transferMarkdown(report, { command: options.command, code, quick: options.quick ?? false, configSummary: configSummary(config, engine.backend) });
  await writeRunFolder(runDir, { json: { ...report, code, command: options.command, engine, config }, markdown, charts: transferPlots(report) });
  process.stdout.write(markdown);
  logger.info(`run folder: ${runDir}`);
  return runDir;
}
