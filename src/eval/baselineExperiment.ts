import type { Config } from '../core/config/Config.js';
import type { SplitName, TaskName } from '../core/config/simConfig.js';
import type { Logger } from '../core/Logger.js';
import type { Observation } from '../core/Observation.js';
import { distance } from '../core/Pose.js';
import { Rng } from '../core/Rng.js';
import type { WorldModel } from '../model/worldModel.js';
import { getPlanner } from '../plan/getPlanner.js';
import { plannerConfig } from '../plan/plannerConfig.js';
import type { Bitmap } from '../viz/Bitmap.js';
import { scriptedPolicy } from '../sim/scriptedPolicy.js';
import type { SimEnv, TrueState } from '../sim/SimEnv.js';
import { ScriptedSubgoalsController } from './baselines/ScriptedSubgoalsController.js';
import { goalBesideAchieved } from './experimentFrames.js';
import { InteractionMeter, interactionStats } from './objectInteraction.js';
import type { EpisodeInteraction, InteractionStats } from './objectInteraction.js';

/**
 * `random`: uniform actions (the floor). `scripted`: reads the true state (the ceiling, not an
 * agent). `scripted-subgoals`: scripted push subgoals from the point clouds, reached by planning
 * with a learned world model (push only; needs a model).
 */
export const BASELINE_CONTROLLERS = ['random', 'scripted', 'scripted-subgoals'] as const;
export type BaselineController = (typeof BASELINE_CONTROLLERS)[number];

/** Tasks each baseline controller can attempt: the subgoal script knows pushing only. */
export function baselineApplies(controller: BaselineController, task: TaskName): boolean {
  return controller !== 'scripted-subgoals' || task === 'push';
}

export interface BaselineCell {
  task: TaskName;
  split: SplitName;
  controller: BaselineController;
  episodes: number;
  successes: number;
  successRate: number;
  /** Mean final distance to the goal (tool for reach, object for push/pick), metres. */
  meanFinalDistance: number;
  meanStepsToSuccess: number | null;
  /** Arm-object contact and object displacement over the cell's episodes. */
  interaction: InteractionStats;
}

export interface BaselineReport {
  seed: number;
  episodesPerCell: number;
  episodeSteps: number;
  controlHz: number;
  /** Where scripted-subgoals' world model came from (e.g. the checkpoint folder); undefined when it did not run. */
  model?: string;
  cells: BaselineCell[];
  /** Goal beside the end of the first episode of each cell, rendered at 256 px: frames/<task>_<split>_<controller>.png. */
  frames: Array<{ name: string; image: Bitmap }>;
}

/**
 * Closed-loop episodes in the embedded simulation with the reference controllers the learning
 * agent is measured against (BASELINE_CONTROLLERS). Episode seeds are shared across
 * controllers so all face the same scenes and goals. `scripted-subgoals` plans with `model`
 * (as it is: nothing here trains it) and is skipped on tasks other than push.
 */
export function runBaselines(
  env: SimEnv,
  config: Readonly<Config>,
  options: {
    tasks: TaskName[];
    splits: SplitName[];
    episodes: number;
    logger: Logger;
    /** Default random and scripted, and scripted-subgoals when a model is given. */
    controllers?: readonly BaselineController[];
    /** The world model scripted-subgoals plans with, and where it came from (for the report). */
    model?: WorldModel;
    modelLabel?: string;
    /** Render the goal-vs-achieved frames; default true. */
    frames?: boolean;
    /** Seed of the k-th episode of every cell; default derived from config.seed. */
    seedOf?: (episode: number) => number;
    onProgress?: (done: number, total: number) => void;
  },
): BaselineReport {
  const controllers = options.controllers ?? (options.model === undefined ? (['random', 'scripted'] as const) : BASELINE_CONTROLLERS);
  const model = options.model;
  if (controllers.includes('scripted-subgoals') && model === undefined) {
    throw new RangeError('baseline scripted-subgoals plans with a learned world model, and none was given (sim baselines: --ckpt DIR)');
  }
  const subgoalsFor = (seed: number): ScriptedSubgoalsController =>
    new ScriptedSubgoalsController(model!, getPlanner(config.plan.planner), plannerConfig(config.plan, env.actionSpace), env.actionSpace, config.baselines.scriptedSubgoals, new Rng(seed).fork('baseline-scripted-subgoals'));
  const seedOf = options.seedOf ?? ((e: number) => config.seed * 100_003 + e);
  /** One episode's policy: observation in, action out. */
  const actor = (controller: BaselineController, task: TaskName, seed: number): ((o: Observation) => ArrayLike<number>) => {
    switch (controller) {
      case 'random': {
        const rng = new Rng(seed).fork('baseline-random');
        const { low, high } = env.actionSpace;
        return () => Array.from(low, (lo, k) => rng.uniform(lo, high[k]));
      }
      case 'scripted': {
        const scripted = scriptedPolicy(task, env.actionSpace);
        return () => scripted.act(env.trueState());
      }
      case 'scripted-subgoals': {
        const subgoals = subgoalsFor(seed);
        subgoals.setGoal(env.goalObservation());
        return (o) => subgoals.decide(o).values;
      }
    }
  };
  const cells: BaselineCell[] = [];
  const frames: BaselineReport['frames'] = [];
  const cellsToRun = options.tasks.reduce((n, task) => n + controllers.filter((c) => baselineApplies(c, task)).length, 0) * options.splits.length;
  const total = cellsToRun * options.episodes;
  let done = 0;
  for (const task of options.tasks) {
    for (const split of options.splits) {
      for (const controller of controllers) {
        if (!baselineApplies(controller, task)) continue;
        let successes = 0;
        let distanceSum = 0;
        let stepsSum = 0;
        const interactions: EpisodeInteraction[] = [];
        for (let e = 0; e < options.episodes; e++) {
          const seed = seedOf(e);
          let observation = env.reset(seed, { task, split });
          const act = actor(controller, task, seed);
          const meter = new InteractionMeter();
          meter.start(env.trueState());
          let succeededAt = -1;
          for (let t = 0; t < config.sim.episodeSteps; t++) {
            const result = env.step(act(observation));
            observation = result.observation;
            meter.step(env.trueState());
            if (result.success && succeededAt < 0) succeededAt = t + 1;
            if (result.done) break;
          }
          interactions.push(meter.end());
          if (succeededAt > 0) {
            successes++;
            stepsSum += succeededAt;
          }
          distanceSum += goalDistance(env.trueState());
          if (e === 0 && options.frames !== false) frames.push({ name: `${task}_${split}_${controller}`, image: goalBesideAchieved(env) });
          options.onProgress?.(++done, total);
        }
        const cell: BaselineCell = {
          task,
          split,
          controller,
          episodes: options.episodes,
          successes,
          successRate: successes / options.episodes,
          meanFinalDistance: distanceSum / options.episodes,
          meanStepsToSuccess: successes > 0 ? stepsSum / successes : null,
          interaction: interactionStats(interactions),
        };
        options.logger.info(`${task} / ${split} / ${controller}: success ${(100 * cell.successRate).toFixed(0)}%`, { ...cell });
        cells.push(cell);
      }
    }
  }
  const modelLabel = controllers.includes('scripted-subgoals') ? (options.modelLabel ?? 'a given world model') : undefined;
  return { seed: config.seed, episodesPerCell: options.episodes, episodeSteps: config.sim.episodeSteps, controlHz: config.sim.controlHz, ...(modelLabel === undefined ? {} : { model: modelLabel }), cells, frames };
}

/** How far the task is from done: tool to goal for reach, object to goal otherwise (metres). */
export function goalDistance(s: TrueState): number {
  if (s.task === 'reach') return distance(s.toolPosition, s.goal.position);
  const obj = s.objects.find((o) => o.name === s.goal.objectName);
  return obj ? distance(obj.position, s.goal.position) : Number.NaN;
}

export function baselineMarkdown(report: BaselineReport): string {
  const lines = [
    '# Baseline controllers in the embedded simulation',
    '',
    `Seed ${report.seed}; ${report.episodesPerCell} episodes per cell of ${report.episodeSteps} steps at ${report.controlHz} Hz.`,
    'Success thresholds as in Meta-World (5 cm). Baselines, not the agent: `random`: uniform actions in the action space (the floor); `scripted`: a controller that reads the true state (the ceiling); `scripted-subgoals` (push only): hand subgoals from the object\'s place in the point clouds (a hand-written script), reached by planning with a learned world model' +
      (report.model === undefined ? ' (not run: no world model).' : ` (${report.model}).`),
    '',
    '| task | split | controller | success | mean final distance (m) | mean steps to success | contact share of ticks | mean object displacement (cm) |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...report.cells.map(
      (c) =>
        `| ${c.task} | ${c.split} | ${c.controller} | ${(100 * c.successRate).toFixed(0)}% (${c.successes}/${c.episodes}) | ${c.meanFinalDistance.toFixed(3)} | ${c.meanStepsToSuccess === null ? '-' : c.meanStepsToSuccess.toFixed(1)} | ${(100 * c.interaction.contactShare).toFixed(1)}% | ${c.interaction.meanDisplacementCm.toFixed(1)} |`,
    ),
    '',
    ...frameLines(report),
  ];
  return lines.join('\n');
}

/** The frames section: one goal-vs-achieved picture per cell, as images of frames/. */
function frameLines(report: BaselineReport): string[] {
  const names = new Set(report.frames.map((f) => f.name));
  const cells = report.cells.filter((c) => names.has(`${c.task}_${c.split}_${c.controller}`));
  if (cells.length === 0) return [];
  return [
    '## Frames',
    '',
    'The goal (left) beside the end of the first episode (right), rendered again by the scene camera at 256 px.',
    '',
    ...cells.flatMap((c) => [`![${c.task} / ${c.split} / ${c.controller}: goal (left), achieved (right)](frames/${c.task}_${c.split}_${c.controller}.png)`, '']),
  ];
}
