import { describeSource, fmtNum, fmtPct, markdownTable, reportHeader } from '../common/markdown.js';
import type { ReportMeta } from '../common/markdown.js';
import type { PushDiagnosisReport, ShapeCount } from './pushDiagnosis.js';

/** report.md of `eval push`: the learned planner's push from home and from the pre-push pose. */
export function pushMarkdown(report: PushDiagnosisReport, meta: ReportMeta): string {
  const { behind, maxHeight, episodes } = report.options;
  const cm = (v: number): string => fmtNum(100 * v, 1);
  const shapes = [...new Set(report.cells.flatMap((c) => c.byShape.map((b) => b.shape)))];
  const rows = report.cells.map((c) => [
    c.split,
    c.start,
    `${c.successes}/${c.episodes}`,
    fmtPct(c.successRate, 0),
    String(c.notReached),
    cm(c.meanStartDistance),
    cm(c.meanFinalDistance),
    cm(c.meanObjectMoved),
    cm(c.meanClosestHand),
    fmtNum(c.meanMovingTicks, 1),
    cm(c.meanProgress),
    fmtNum(c.meanFirstActionCosine, 2),
  ]);
  return [
    ...reportHeader('Push by latent planning, from home and from the pre-push pose (push)', meta),
    `World model: ${describeSource(meta.source)}. ${meta.configSummary}`,
    '',
    `The learned agent plans as the main job's evaluation does (the config's planner and agent.planning, no exploration). \`home\`: from the episode's start. \`pre-push\`: the true-state scripted pusher (the report's ceiling) first brings the tool ${cm(behind)} cm behind the object's middle on the line to the goal, below ${cm(maxHeight)} cm, then the planner acts alone for the rest of the episode; episodes where the pusher did not get there within half the episode are counted, not played. The true state only labels what happened. ${episodes} episodes a cell: with 20, a success rate carries about ±10 points.`,
    '',
    report.stanceMoments > 0
      ? `Stance (agent.planning.objectFirst.stance): ${report.options.practiceEpisodes} object-play episodes first (train split, the checkpoint unchanged) left ${report.stanceMoments} practice moments with the hand near the object; every evaluation episode picks its stance from those.`
      : 'Stance (agent.planning.objectFirst.stance): none (off, or no practice episodes).',
    '',
    markdownTable(
      ['split', 'start', 'successes', 'success', 'not reached', 'object to goal at start (cm)', 'at end (cm)', 'object moved (cm)', 'closest hand (cm)', 'ticks moving the object', 'progress in them (cm)', 'first action cos to goal'],
      rows,
    ),
    '',
    '## The way to the stance',
    '',
    'Episodes whose controller chose a stance, whether the hand reached it, whether the arm touched the object on the way (before reaching it, or all along when it never did), and how far the object had moved by then. Where the stance lay, from the true state: behind the object\'s middle on the line to the goal (positive: the side away from the goal), off that line, above the middle; means over the episodes with a stance.',
    '',
    markdownTable(
      ['split', 'start', 'with a stance', 'reached', 'reached at episode tick', 'touched on the way', 'object moved on the way (cm)', 'stance behind (cm)', 'off the line (cm)', 'above the middle (cm)'],
      report.cells.map((c) => [
        c.split,
        c.start,
        `${c.stance.episodes}/${c.episodes}`,
        `${c.stance.reached}/${c.stance.episodes}`,
        fmtNum(c.stance.meanReachTick, 1),
        `${c.stance.touchedOnTheWay}/${c.stance.episodes}`,
        cm(c.stance.meanMovedOnTheWay),
        cm(c.stance.meanBehind),
        cm(c.stance.meanAcross),
        cm(c.stance.meanAbove),
      ]),
    ),
    '',
    '## Where the push began',
    '',
    "The hand when pushing began (the tick the stance was reached, or the planner's first tick when it chose no stance, as at the pre-push start), relative to the object's true middle then, on its line to the goal: the two starts compared.",
    '',
    markdownTable(
      ['split', 'start', 'episodes', 'at episode tick', 'hand behind (cm)', 'off the line (cm)', 'above the middle (cm)'],
      report.cells.map((c) => [c.split, c.start, `${c.pushStart.episodes}/${c.episodes}`, fmtNum(c.pushStart.meanTick, 1), cm(c.pushStart.meanBehind), cm(c.pushStart.meanAcross), cm(c.pushStart.meanAbove)]),
    ),
    '',
    '## The push',
    '',
    "The planner's actions from the tick pushing began to the episode's end, per tick: the cosine between the commanded planar hand motion and the object's direction to its goal at that tick (1: straight along it), how much the commanded planar motion changed from the tick before, and the share of ticks whose gripper command changed sign; means over each episode's ticks, then over episodes.",
    '',
    markdownTable(
      ['split', 'start', 'episodes', 'cos to the goal', 'action change (cm)', 'gripper flips'],
      report.cells.map((c) => [c.split, c.start, `${c.pushActions.episodes}/${c.episodes}`, fmtNum(c.pushActions.meanCosine, 2), cm(c.pushActions.meanChange), fmtPct(c.pushActions.gripperFlips, 0)]),
    ),
    '',
    '## By shape',
    '',
    'Successes over episodes, by the shape of the pushed object: a shape that rolls or tips answers a push differently.',
    '',
    markdownTable(
      ['split', 'start', ...shapes],
      report.cells.map((c) => [c.split, c.start, ...shapes.map((shape) => shapeCell(c.byShape.find((b) => b.shape === shape)))]),
    ),
    '',
  ].join('\n');
}

function shapeCell(count: ShapeCount | undefined): string {
  return count === undefined ? '-' : `${count.successes}/${count.episodes}`;
}
