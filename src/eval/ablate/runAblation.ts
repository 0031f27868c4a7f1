import type { Config } from '../../core/config/Config.js';
import type { TaskName } from '../../core/config/simConfig.js';
import type { Logger } from '../../core/Logger.js';
import { armConfig, SENSOR_FAULTS } from './ablationArms.js';
import type { AblationArm, SensorCondition } from './ablationArms.js';
import { seedSpread } from './seedSpread.js';
import type { SeedSpread } from './seedSpread.js';
import { seededOnlineRun } from './seededOnlineRun.js';
import type { Budget } from './seededOnlineRun.js';
import { collectShapeScenes, shapeProbeAccuracy } from './shapeProbe.js';

export interface AblationOptions {
  readonly arms: readonly AblationArm[];
  readonly seeds: readonly number[];
  readonly tasks: readonly TaskName[];
  /** Practice budget of every arm and seed. */
  readonly budget: Budget;
  /** Evaluation episodes per task (fixed seeds, the same for every arm). */
  readonly evalEpisodes: number;
  readonly trainStepsPerEpisode: number;
  /** Shape probe: labelled scenes per shape to fit on, and to test on. */
  readonly probe: { readonly perClassTrain: number; readonly perClassTest: number };
  readonly runDir: string;
  readonly onProgress?: (fraction: number, line: string) => void;
  /** Each run's result as soon as it is measured (a long run's partial results survive a crash). */
  readonly onRun?: (run: AblationRun) => void;
}

/** One arm trained with one seed. */
export interface AblationRun {
  readonly arm: string;
  readonly seed: number;
  /** Closed-loop success rate per task, on the training split. */
  readonly success: Readonly<Partial<Record<TaskName, number>>>;
  /** Mean final distance to the goal per task, metres. */
  readonly finalDistance: Readonly<Partial<Record<TaskName, number>>>;
  /** Shape-probe accuracy of the latent state. */
  readonly probeAccuracy: number;
  readonly practiceEpisodes: number;
  readonly envSteps: number;
  readonly learnerSteps: number;
  /** The last training step's latent prediction error and state spread (a collapse monitor). */
  readonly finalPredictionLoss: number | null;
  readonly finalStateStd: number | null;
  readonly fusionWeights: Readonly<Record<string, number>>;
  readonly durationS: number;
}

export interface AblationArmSummary {
  readonly arm: string;
  readonly description: string;
  readonly sensors: SensorCondition;
  readonly success: Readonly<Partial<Record<TaskName, SeedSpread>>>;
  readonly finalDistance: Readonly<Partial<Record<TaskName, SeedSpread>>>;
  readonly probeAccuracy: SeedSpread;
}

export interface AblationReport {
  readonly experiment: 'ablate';
  readonly seeds: readonly number[];
  readonly tasks: readonly TaskName[];
  readonly budget: Budget;
  readonly evalEpisodes: number;
  readonly trainStepsPerEpisode: number;
  readonly probe: AblationOptions['probe'] & { readonly chance: number; readonly classes: readonly string[] };
  readonly arms: ReadonlyArray<AblationArm & { readonly faults: string }>;
  /** Random actions on the same evaluation episodes (clean sensors; faults do not change a random policy). */
  readonly randomBaseline: Readonly<Partial<Record<TaskName, number>>>;
  readonly runs: readonly AblationRun[];
  readonly summary: readonly AblationArmSummary[];
  readonly durationS: number;
}

/**
 * `jepa-agent eval ablate`: every arm learns online from scratch with every seed under the
 * same budget, then is measured the same way: closed-loop success on the training split
 * (fixed evaluation episodes, the same for every arm) and a closed-form shape probe on its
 * latent state (fixed scenes, seen through the arm's own sensor condition).
 */
export async function runAblation(base: Readonly<Config>, options: AblationOptions, logger: Logger): Promise<AblationReport> {
  if (options.arms.length === 0) throw new RangeError('ablation: no arms');
  if (options.seeds.length === 0) throw new RangeError('ablation: no seeds');
  const started = performance.now();
  const runs: AblationRun[] = [];
  const randomBaseline: Partial<Record<TaskName, number>> = {};
  let probeMeta: { chance: number; classes: readonly string[] } | undefined;
  const total = options.arms.length * options.seeds.length;
  for (const [ai, arm] of options.arms.entries()) {
    for (const [si, seed] of options.seeds.entries()) {
      const index = ai * options.seeds.length + si;
      const config = armConfig(base, arm, seed);
      const runStart = performance.now();
      logger.info(`ablation arm ${arm.name}, seed ${seed} (${index + 1}/${total})`);
      const { report, after } = await seededOnlineRun(
        config,
        {
          tasks: options.tasks,
          evalSplits: ['train'],
          budget: options.budget,
          evalEpisodes: options.evalEpisodes,
          trainStepsPerEpisode: options.trainStepsPerEpisode,
          ...(SENSOR_FAULTS[arm.sensors].corruption ? { corruption: SENSOR_FAULTS[arm.sensors].corruption } : {}),
          runDir: options.runDir,
          onProgress: (fraction, line) => options.onProgress?.((index + fraction * 0.9) / total, `${arm.name} seed ${seed}: ${line}`),
          after: (model, env) => {
            const scenes = collectShapeScenes(env, { ...options.probe, split: 'train' });
            probeMeta ??= { chance: 1 / scenes.classes.length, classes: scenes.classes };
            return shapeProbeAccuracy(model, scenes);
          },
        },
        logger,
      );
      const final = report.evaluations.at(-1);
      const success: Partial<Record<TaskName, number>> = {};
      const finalDistance: Partial<Record<TaskName, number>> = {};
      for (const cell of final?.cells ?? []) {
        success[cell.task] = cell.successRate;
        finalDistance[cell.task] = cell.meanFinalDistance;
      }
      for (const b of report.baseline) randomBaseline[b.task] ??= b.successRate;
      const loss = report.losses.at(-1)?.terms;
      const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
      const run: AblationRun = {
        arm: arm.name,
        seed,
        success,
        finalDistance,
        probeAccuracy: after?.accuracy ?? Number.NaN,
        practiceEpisodes: report.practiceEpisodes,
        envSteps: report.envSteps,
        learnerSteps: final?.learnerSteps ?? 0,
        finalPredictionLoss: num(loss?.prediction),
        finalStateStd: num(loss?.stateStd),
        fusionWeights: report.fusionWeights,
        durationS: (performance.now() - runStart) / 1000,
      };
      runs.push(run);
      options.onRun?.(run);
      const text = options.tasks.map((t) => `${t} ${(100 * (success[t] ?? 0)).toFixed(0)}%`).join(' ');
      options.onProgress?.((index + 1) / total, `${arm.name} seed ${seed}: ${text}, probe ${(100 * (after?.accuracy ?? 0)).toFixed(0)}%`);
    }
  }
  const summary = options.arms.map((arm): AblationArmSummary => {
    const mine = runs.filter((r) => r.arm === arm.name);
    const per = (pick: (r: AblationRun) => Partial<Record<TaskName, number>>): Partial<Record<TaskName, SeedSpread>> =>
      Object.fromEntries(options.tasks.map((t) => [t, seedSpread(mine.map((r) => pick(r)[t] ?? Number.NaN))]));
    return {
      arm: arm.name,
      description: arm.description,
      sensors: arm.sensors,
      success: per((r) => r.success),
      finalDistance: per((r) => r.finalDistance),
      probeAccuracy: seedSpread(mine.map((r) => r.probeAccuracy)),
    };
  });
  return {
    experiment: 'ablate',
    seeds: [...options.seeds],
    tasks: [...options.tasks],
    budget: options.budget,
    evalEpisodes: options.evalEpisodes,
    trainStepsPerEpisode: options.trainStepsPerEpisode,
    probe: { ...options.probe, chance: probeMeta?.chance ?? Number.NaN, classes: probeMeta?.classes ?? [] },
    arms: options.arms.map((a) => ({ ...a, faults: SENSOR_FAULTS[a.sensors].description })),
    randomBaseline,
    runs,
    summary,
    durationS: (performance.now() - started) / 1000,
  };
}
