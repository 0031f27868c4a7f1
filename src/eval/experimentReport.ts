import type { BaselineCell, BaselineController } from './baselineExperiment.js';
import type { InteractionStats } from './objectInteraction.js';
import { MOVED_THRESHOLD_M } from './objectInteraction.js';
import type { ExperimentReport } from './onlineExperiment.js';

const pct = (v: number): string => (Number.isFinite(v) ? `${(100 * v).toFixed(0)}%` : '-');
const pct1 = (v: number): string => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '-');
const cm = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : '-');
const interactionRow = (task: string, split: string, controller: string, s: InteractionStats): string =>
  `| ${task} | ${split} | ${controller} | ${s.episodes} | ${pct1(s.contactShare)} | ${cm(s.meanDisplacementCm)} | ${pct(s.movedShare)} (${s.movedEpisodes}/${s.episodes}) |`;

/**
 * The run's report for a person: the final success table (the learned agent beside the
 * labelled baselines on the same seeds), then the curve.
 */
export function experimentMarkdown(report: ExperimentReport, meta: { command: string; version: string; configSummary: string }): string {
  const final = report.evaluations.at(-1);
  const find = (cells: readonly BaselineCell[], controller: BaselineController, task: string, split: string): BaselineCell | undefined =>
    cells.find((c) => c.controller === controller && c.task === task && c.split === split);
  const cellOf = (cells: readonly BaselineCell[], controller: BaselineController, task: string, split: string): string => {
    const b = find(cells, controller, task, split);
    return b ? pct(b.successRate) : '-';
  };
  const baselineOf = (task: string, split: string): BaselineCell | undefined => find(report.baseline, 'random', task, split);
  const lines = [
    '# Online learning in the embedded simulation',
    '',
    `\`${meta.command}\` (jepa-agent ${meta.version}), seed ${report.seed}: ${(report.durationS / 60).toFixed(1)} min, ${report.practiceEpisodes} practice episodes, ${report.envSteps} environment steps.`,
    '',
    ...(report.interrupted === undefined
      ? []
      : [`**Interrupted (${report.interrupted})** after ${report.practiceEpisodes} practice episodes: no final evaluation round and no final baselines; the tables show the last round that ran, if any.`, '']),
    meta.configSummary,
    '',
    '## Success at the end',
    '',
    'Success on the final round\'s evaluation seeds. Only the learned agent is the agent; the others are baselines: ' +
      '`random` (uniform actions, the floor), `scripted-subgoals` (push only: hand subgoals from a hand-written script over the point clouds, reached by planning with the run\'s final model) ' +
      'and `true-state scripted` (reads the simulator\'s state, the ceiling). `-`: not run.',
    '',
    '| task | split | learned agent | random (baseline) | scripted-subgoals (baseline) | true-state scripted (ceiling) | episodes | agent mean final distance (m) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...(final?.cells ?? []).map(
      (c) =>
        `| ${c.task} | ${c.split} | ${pct(c.successRate)} | ${cellOf(report.baseline, 'random', c.task, c.split)} | ${cellOf(report.finalBaselines, 'scripted-subgoals', c.task, c.split)} | ${cellOf(report.finalBaselines, 'scripted', c.task, c.split)} | ${c.episodes} | ${c.meanFinalDistance.toFixed(3)} |`,
    ),
    '',
    '## Interaction',
    '',
    `Does the arm touch and move the objects? Contact: a geom of the arm (fingers included) touched an object during a step (at any physics substep); displacement: planar distance the episode's first object moved from start to end. \`practice\`: all practice episodes; the splits: the final evaluation round, beside random actions on the same seeds.`,
    '',
    `| task | split | controller | episodes | contact share of ticks | mean object displacement (cm) | episodes moving the object > ${100 * MOVED_THRESHOLD_M} cm |`,
    '| --- | --- | --- | ---: | ---: | ---: | ---: |',
    ...report.practiceInteraction.map((p) => interactionRow(p.task, 'practice', 'agent', p)),
    ...(final?.cells ?? []).flatMap((c) => {
      const b = baselineOf(c.task, c.split);
      return [interactionRow(c.task, c.split, 'agent', c.interaction), ...(b ? [interactionRow(c.task, c.split, 'random actions', b.interaction)] : [])];
    }),
    '',
    '## Over time',
    '',
    'Success per evaluation round; practice contact: share of practice ticks in contact with an object since the previous round; replay moving: share of the replay buffer\'s sequences in which perception saw the object move (prioritised by learn.objectMotion).',
    '',
    '| minutes | practice episodes | learner steps | replay moving | ' +
      [...(final?.cells ?? []).map((c) => `${c.task}/${c.split}`), ...report.practiceInteraction.map((p) => `practice contact ${p.task}`)].join(' | ') +
      ' |',
    '| ---: | ---: | ---: | ---: | ' + [...(final?.cells ?? []), ...report.practiceInteraction].map(() => '---:').join(' | ') + ' |',
    ...report.evaluations.map(
      (r) =>
        `| ${(r.elapsedS / 60).toFixed(1)} | ${r.practiceEpisodes} | ${r.learnerSteps} | ${pct1(r.replayMovingShare)} | ${[...r.cells.map((c) => pct(c.successRate)), ...r.practiceInteraction.map((p) => pct1(p.contactShare))].join(' | ')} |`,
    ),
    '',
    '![success](plots/success.png)',
    '![losses](plots/losses.png)',
    '![prediction error](plots/prediction_error.png)',
    '',
    '## Control loop',
    '',
    `Control rate ${report.loop.controlHz.toFixed(1)} Hz; latency p50 ${report.loop.latencyMsP50.toFixed(1)} ms, p99 ${report.loop.latencyMsP99.toFixed(1)} ms; planning p50 ${report.loop.planMsP50.toFixed(1)} ms, p99 ${report.loop.planMsP99.toFixed(1)} ms; dropped frames ${report.loop.droppedFrames}; safe stops ${report.loop.safeStops}; sensor messages refused ${report.loop.rejectedMessages}; clock jumps ${report.loop.clockJumps}; learner restarts after a crash ${report.learnerRestarts}.`,
    '',
    `Fusion weights at the end: ${Object.entries(report.fusionWeights).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}.`,
    '',
    ...frameLines(report),
  ];
  return lines.join('\n');
}

/** The frames section: each goal-vs-achieved picture, then each task's sequence sheet, as images of frames/. */
function frameLines(report: ExperimentReport): string[] {
  const names = new Set(report.frames.map((f) => f.name));
  const cells = report.evaluations.at(-1)?.cells ?? [];
  const splits = [...new Set(cells.map((c) => c.split))];
  const sequenceSplit = splits.includes('train') ? 'train' : splits[0];
  const goals = cells.filter((c) => names.has(`${c.task}_${c.split}`));
  const tasks = [...new Set(cells.map((c) => c.task))].filter((t) => names.has(`${t}_sequence`));
  if (goals.length + tasks.length === 0) return [];
  return [
    '## Frames',
    '',
    'Rendered again by the scene camera at 256 px. Goal vs achieved: the goal (left) beside the end of the first final evaluation episode (right).',
    '',
    ...goals.flatMap((c) => [`![${c.task} / ${c.split}: goal (left), achieved (right)](frames/${c.task}_${c.split}.png)`, '']),
    ...tasks.flatMap((t) => [`![${t}: the first final evaluation episode on ${sequenceSplit}, from its first tick to its last](frames/${t}_sequence.png)`, '']),
  ];
}
