import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { applyOverrides, parseConfig } from '../../core/config/Config.js';
import type { Config } from '../../core/config/Config.js';
import type { SplitName, TaskName } from '../../core/config/simConfig.js';
import type { Logger } from '../../core/Logger.js';
import { seededOnlineRun, seedSpread } from '../ablate/index.js';
import type { Budget, SeedSpread } from '../ablate/index.js';
import type { ExperimentReport } from '../onlineExperiment.js';

export interface TransferOptions {
  readonly seeds: readonly number[];
  readonly tasks: readonly TaskName[];
  /** Splits measured, 'train' first as the reference; each also gets its own adaptation run. */
  readonly splits: readonly SplitName[];
  /** Practice budget on the training split. */
  readonly budget: Budget;
  /** The short online adaptation budget on each split, starting from the trained model. */
  readonly adaptBudget: Budget;
  readonly evalEpisodes: number;
  readonly trainStepsPerEpisode: number;
  readonly runDir: string;
  readonly onProgress?: (fraction: number, line: string) => void;
}

/** Success on one task and split, for one seed: before and after adapting to the split. */
export interface TransferCell {
  readonly seed: number;
  readonly task: TaskName;
  readonly split: SplitName;
  /** After training on the training split (budget B). */
  readonly trained: number;
  /** After B, then the adaptation budget of practice on this split. */
  readonly adapted: number;
  readonly trainedDistance: number;
  readonly adaptedDistance: number;
  /** Random actions on the same evaluation episodes. */
  readonly random: number;
  /** Learner steps of the adaptation run (beyond those of training). */
  readonly adaptLearnerSteps: number;
}

export interface TransferSummaryRow {
  readonly task: TaskName;
  readonly split: SplitName;
  readonly random: SeedSpread;
  readonly trained: SeedSpread;
  readonly adapted: SeedSpread;
  /** adapted - trained, per seed. */
  readonly gain: SeedSpread;
  /** Mean final distance to the goal (metres), before and after adaptation. */
  readonly trainedDistance: SeedSpread;
  readonly adaptedDistance: SeedSpread;
}

export interface TransferReport {
  readonly experiment: 'transfer';
  readonly seeds: readonly number[];
  readonly tasks: readonly TaskName[];
  readonly splits: readonly SplitName[];
  readonly budget: Budget;
  readonly adaptBudget: Budget;
  readonly evalEpisodes: number;
  readonly trainStepsPerEpisode: number;
  /** Learner steps of each seed's training run. */
  readonly trainLearnerSteps: Readonly<Record<string, number>>;
  readonly cells: readonly TransferCell[];
  readonly summary: readonly TransferSummaryRow[];
  readonly durationS: number;
}

/**
 * `jepa-agent eval transfer`: per seed, the agent learns online on the training split
 * (budget B) and is evaluated on every split; then, from that model, it practises online on
 * each split for a short adaptation budget and is evaluated there again. 'train' among the
 * splits is the control: the same extra budget spent where it already learned.
 */
export async function runTransfer(base: Readonly<Config>, options: TransferOptions, logger: Logger): Promise<TransferReport> {
  if (options.seeds.length === 0) throw new RangeError('transfer: no seeds');
  if (options.splits.length === 0) throw new RangeError('transfer: no splits');
  const started = performance.now();
  const cells: TransferCell[] = [];
  const trainLearnerSteps: Record<string, number> = {};
  // One training run and one adaptation run per split, per seed.
  const total = options.seeds.length * (1 + options.splits.length);
  let done = 0;
  const progress = (seed: number, what: string) => (fraction: number, line: string): void =>
    options.onProgress?.((done + fraction) / total, `seed ${seed} ${what}: ${line}`);

  for (const seed of options.seeds) {
    const config = parseConfig(applyOverrides(structuredClone(base) as Record<string, unknown>, [`seed=${seed}`]), `transfer seed ${seed}`);
    const checkpoint = join(options.runDir, 'checkpoints', `seed${seed}`);
    mkdirSync(checkpoint, { recursive: true });
    logger.info(`transfer seed ${seed}: training on the training split`);
    const trained = await seededOnlineRun(
      config,
      {
        tasks: options.tasks,
        evalSplits: options.splits,
        budget: options.budget,
        evalEpisodes: options.evalEpisodes,
        trainStepsPerEpisode: options.trainStepsPerEpisode,
        checkpointTo: checkpoint,
        runDir: options.runDir,
        onProgress: progress(seed, 'training'),
      },
      logger,
    );
    done++;
    trainLearnerSteps[String(seed)] = trained.report.evaluations.at(-1)?.learnerSteps ?? 0;
    const adaptConfig = adaptationConfig(config, options.adaptBudget);
    for (const split of options.splits) {
      logger.info(`transfer seed ${seed}: adapting to ${split}`);
      const adapted = await seededOnlineRun(
        adaptConfig,
        {
          tasks: options.tasks,
          evalSplits: [split],
          practiceSplit: split,
          budget: options.adaptBudget,
          evalEpisodes: options.evalEpisodes,
          trainStepsPerEpisode: options.trainStepsPerEpisode,
          resumeFrom: checkpoint,
          runDir: options.runDir,
          onProgress: progress(seed, `adapting to ${split}`),
        },
        logger,
      );
      done++;
      for (const task of options.tasks) {
        const before = cellOf(trained.report, task, split);
        const after = cellOf(adapted.report, task, split);
        const random = trained.report.baseline.find((b) => b.task === task && b.split === split);
        cells.push({
          seed,
          task,
          split,
          trained: before.successRate,
          adapted: after.successRate,
          trainedDistance: before.meanFinalDistance,
          adaptedDistance: after.meanFinalDistance,
          random: random?.successRate ?? Number.NaN,
          adaptLearnerSteps: (adapted.report.evaluations.at(-1)?.learnerSteps ?? 0) - trainLearnerSteps[String(seed)],
        });
      }
      const line = options.tasks.map((t) => {
        const c = cells.find((x) => x.seed === seed && x.task === t && x.split === split)!;
        return `${t} ${(100 * c.trained).toFixed(0)}% -> ${(100 * c.adapted).toFixed(0)}%`;
      });
      options.onProgress?.(done / total, `seed ${seed} ${split}: ${line.join(', ')}`);
    }
  }
  const summary = transferSummary(cells, options.tasks, options.splits);
  return {
    experiment: 'transfer',
    seeds: [...options.seeds],
    tasks: [...options.tasks],
    splits: [...options.splits],
    budget: options.budget,
    adaptBudget: options.adaptBudget,
    evalEpisodes: options.evalEpisodes,
    trainStepsPerEpisode: options.trainStepsPerEpisode,
    trainLearnerSteps,
    cells,
    summary,
    durationS: (performance.now() - started) / 1000,
  };
}

/**
 * The adaptation run's config: the replay buffer of a resumed learner starts empty, so it
 * trains once a quarter of the adaptation budget is in (not after the full learn.minFrames);
 * and the agent does not babble from scratch again, the model is no longer young.
 */
export function adaptationConfig(config: Readonly<Config>, adaptBudget: Budget): Readonly<Config> {
  const horizon = config.model.horizon;
  const quarter = adaptBudget.steps !== undefined ? Math.floor(adaptBudget.steps / 4) : config.learn.minFrames;
  const minFrames = Math.max(horizon + 2, Math.min(config.learn.minFrames, quarter));
  return parseConfig(
    applyOverrides(structuredClone(config) as Record<string, unknown>, [`learn.minFrames=${minFrames}`, 'agent.exploration.babbleSteps=0']),
    'transfer adaptation',
  );
}

function cellOf(report: ExperimentReport, task: TaskName, split: SplitName): { successRate: number; meanFinalDistance: number } {
  const cell = report.evaluations.at(-1)?.cells.find((c) => c.task === task && c.split === split);
  if (cell === undefined) throw new Error(`transfer: the run has no final evaluation of ${task} on ${split}`);
  return cell;
}

/** Per task and split, each measure's spread over the seeds' cells. */
export function transferSummary(cells: readonly TransferCell[], tasks: readonly TaskName[], splits: readonly SplitName[]): TransferSummaryRow[] {
  return tasks.flatMap((task) =>
    splits.map((split): TransferSummaryRow => {
      const mine = cells.filter((c) => c.task === task && c.split === split);
      return {
        task,
        split,
        random: seedSpread(mine.map((c) => c.random)),
        trained: seedSpread(mine.map((c) => c.trained)),
        adapted: seedSpread(mine.map((c) => c.adapted)),
        gain: seedSpread(mine.map((c) => c.adapted - c.trained)),
        trainedDistance: seedSpread(mine.map((c) => c.trainedDistance)),
        adaptedDistance: seedSpread(mine.map((c) => c.adaptedDistance)),
      };
    }),
  );
}
