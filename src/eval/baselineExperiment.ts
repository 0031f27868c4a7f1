import type { Config } from '../core/config/Config.js';
import type { SplitName, TaskName } from '../core/config/simConfig.js';
import type { Logger } from '../core/Logger.js';
import type { Observation } from '../core/Observation.js';
import { distance } from '../core/Pose.js';
import { Rng } from '../core/Rng.js';
import type { Bitmap } from '../viz/Bitmap.js';
import { tileImages } from '../viz/tileImages.js';
import { scriptedPolicy } from '../sim/scriptedPolicy.js';
import type { SimEnv, TrueState } from '../sim/SimEnv.js';
import { InteractionMeter, interactionStats } from './objectInteraction.js';
import type { EpisodeInteraction, InteractionStats } from './objectInteraction.js';

export type BaselineController = 'random' | 'scripted';

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
  cells: BaselineCell[];
  /** Goal image beside the image at the end of the first episode of each task and split. */
  frames: Array<{ name: string; image: Bitmap }>;
}

/**
 * Closed-loop episodes in the embedded simulation with the two reference controllers the
 * learning agent is measured against: uniform random actions (the floor) and the scripted
 * true-state controller (the ceiling). Episode seeds are shared across controllers so both
 * face the same scenes and goals.
 */
export function runBaselines(
  env: SimEnv,
  config: Readonly<Config>,
  options: {
    tasks: TaskName[];
    splits: SplitName[];
    episodes: number;
    logger: Logger;
    /** Default both. */
    controllers?: readonly BaselineController[];
    /** Seed of the k-th episode of every cell; default derived from config.seed. */
    seedOf?: (episode: number) => number;
    onProgress?: (done: number, total: number) => void;
  },
): BaselineReport {
  const controllers = options.controllers ?? (['random', 'scripted'] as const);
  const seedOf = options.seedOf ?? ((e: number) => config.seed * 100_003 + e);
  const cells: BaselineCell[] = [];
  const frames: BaselineReport['frames'] = [];
  const total = options.tasks.length * options.splits.length * controllers.length * options.episodes;
  let done = 0;
  for (const task of options.tasks) {
    for (const split of options.splits) {
      for (const controller of controllers) {
        let successes = 0;
        let distanceSum = 0;
        let stepsSum = 0;
        const interactions: EpisodeInteraction[] = [];
        for (let e = 0; e < options.episodes; e++) {
          const seed = seedOf(e);
          env.reset(seed, { task, split });
          const rng = new Rng(seed).fork(`baseline-${controller}`);
          const scripted = scriptedPolicy(task, env.actionSpace);
          const meter = new InteractionMeter();
          let state = env.trueState();
          meter.start(state);
          let succeededAt = -1;
          for (let t = 0; t < config.sim.episodeSteps; t++) {
            const action =
              controller === 'scripted'
                ? scripted.act(state)
                : Array.from(env.actionSpace.low, (lo, k) => rng.uniform(lo, env.actionSpace.high[k]));
            const result = env.step(action);
            state = env.trueState();
            meter.step(state);
            if (result.success && succeededAt < 0) succeededAt = t + 1;
            if (result.done) break;
          }
          interactions.push(meter.end());
          if (succeededAt > 0) {
            successes++;
            stepsSum += succeededAt;
          }
          distanceSum += goalDistance(state);
          if (e === 0 && controller === 'scripted') {
            frames.push({ name: `${task}_${split}`, image: goalBesideNow(env.goalObservation(), env.observe()) });
          }
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
  return { seed: config.seed, episodesPerCell: options.episodes, episodeSteps: config.sim.episodeSteps, controlHz: config.sim.controlHz, cells, frames };
}

/** How far the task is from done: tool to goal for reach, object to goal otherwise (metres). */
export function goalDistance(s: TrueState): number {
  if (s.task === 'reach') return distance(s.toolPosition, s.goal.position);
  const obj = s.objects.find((o) => o.name === s.goal.objectName);
  return obj ? distance(obj.position, s.goal.position) : Number.NaN;
}

/** The goal image (left) beside the current image (right). */
export function goalBesideNow(goal: Observation, now: Observation): Bitmap {
  const bitmap = (o: Observation): Bitmap => {
    if (!o.rgb) throw new Error('goal vs achieved frame: the observation has no RGB image');
    return { width: o.rgb.width, height: o.rgb.height, rgb: o.rgb.data };
  };
  return tileImages([bitmap(goal), bitmap(now)], { gap: 2 });
}

export function baselineMarkdown(report: BaselineReport): string {
  const lines = [
    '# Baseline controllers in the embedded simulation',
    '',
    `Seed ${report.seed}; ${report.episodesPerCell} episodes per cell of ${report.episodeSteps} steps at ${report.controlHz} Hz.`,
    'Success thresholds as in Meta-World (5 cm). `random`: uniform actions in the action space; `scripted`: a controller that reads the true state (an upper reference, not an agent).',
    '',
    '| task | split | controller | success | mean final distance (m) | mean steps to success | contact share of ticks | mean object displacement (cm) |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...report.cells.map(
      (c) =>
        `| ${c.task} | ${c.split} | ${c.controller} | ${(100 * c.successRate).toFixed(0)}% (${c.successes}/${c.episodes}) | ${c.meanFinalDistance.toFixed(3)} | ${c.meanStepsToSuccess === null ? '-' : c.meanStepsToSuccess.toFixed(1)} | ${(100 * c.interaction.contactShare).toFixed(1)}% | ${c.interaction.meanDisplacementCm.toFixed(1)} |`,
    ),
    '',
    'Frames: `frames/<task>_<split>.png`, goal image (left) beside the last image of the first scripted episode (right).',
    '',
  ];
  return lines.join('\n');
}
