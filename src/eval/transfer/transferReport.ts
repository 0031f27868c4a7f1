import { groupedBarChart, REFERENCE_GREY } from '../../report/index.js';
import type { ChartSpec } from '../../report/index.js';
import { formatSpread } from '../ablate/index.js';
import type { OnlineReportMeta } from '../ablate/index.js';
import { markdownTable } from '../common/index.js';
import type { Budget } from '../ablate/index.js';
import type { TransferReport } from './runTransfer.js';

const budgetText = (b: Budget): string => (b.steps !== undefined ? `${b.steps} practice steps` : `${b.minutes} min of practice`);

/** The run's report for a person: a success table per task (one row per split), then every seed. */
export function transferMarkdown(report: TransferReport, meta: OnlineReportMeta): string {
  const commit = meta.code.commit ? `, commit ${meta.code.commit.slice(0, 12)}` : '';
  const p = (s: TransferReport['summary'][number]['trained']): string => formatSpread(s, { percent: true });
  const lines = [
    '# Transfer to unseen scenes, before and after a short online adaptation',
    '',
    `\`${meta.command}\` (jepa-agent ${meta.code.version}${commit}); ${meta.quick ? 'quick' : 'full'} mode; ${(report.durationS / 60).toFixed(1)} min.`,
    '',
    `Per seed (${report.seeds.join(', ')}): the agent learns online from scratch on the training split (${budgetText(report.budget)}, ${report.trainStepsPerEpisode} learner steps after each practice episode) ` +
      `and is evaluated on every split; then, starting again from that model each time, it practises online on one split for ${budgetText(report.adaptBudget)} and is evaluated there. ` +
      `${report.evalEpisodes} evaluation episodes per task and split, the same episode seeds before and after and for the random-action baseline. ` +
      "The 'train' row is the control: the same extra budget spent on the split the agent already knows. Cells are mean ± std over seeds.",
    '',
    meta.configSummary,
    '',
    ...report.tasks.flatMap((task) => [
      `## ${task}`,
      '',
      markdownTable(
        ['split', 'random actions', 'after training on train', 'after adaptation', 'change', 'final dist. trained (m)', 'final dist. adapted (m)'],
        report.summary
          .filter((r) => r.task === task)
          .map((r) => [r.split, p(r.random), p(r.trained), p(r.adapted), formatSpread(r.gain, { percent: true }), formatSpread(r.trainedDistance), formatSpread(r.adaptedDistance)]),
      ),
      '',
      `![${task}](plots/${task}.png)`,
      '',
    ]),
    '## Every seed',
    '',
    markdownTable(
      ['seed', 'task', 'split', 'random', 'trained', 'adapted', 'final dist. trained (m)', 'final dist. adapted (m)', 'adaptation learner steps'],
      report.cells.map((c) => [
        String(c.seed),
        c.task,
        c.split,
        pct(c.random),
        pct(c.trained),
        pct(c.adapted),
        c.trainedDistance.toFixed(3),
        c.adaptedDistance.toFixed(3),
        String(c.adaptLearnerSteps),
      ]),
      ['r', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    `Learner steps of the training runs: ${Object.entries(report.trainLearnerSteps).map(([s, n]) => `seed ${s}: ${n}`).join(', ')}.`,
    '',
  ];
  return lines.join('\n');
}

const pct = (v: number): string => (Number.isFinite(v) ? `${(100 * v).toFixed(0)}%` : '-');

/** One bar chart per task: random, trained and adapted success for each split. */
export function transferPlots(report: TransferReport): Record<string, ChartSpec> {
  const plots: Record<string, ChartSpec> = {};
  for (const task of report.tasks) {
    const rows = report.summary.filter((r) => r.task === task);
    plots[task] = groupedBarChart({
      title: `${task}: success by split`,
      yLabel: 'success rate (mean, std over seeds)',
      groups: rows.map((r) => r.split),
      series: [
        { name: 'random actions', values: rows.map((r) => r.random.mean), errors: rows.map((r) => r.random.std), color: REFERENCE_GREY },
        { name: 'after training on train', values: rows.map((r) => r.trained.mean), errors: rows.map((r) => r.trained.std) },
        { name: 'after adaptation on the split', values: rows.map((r) => r.adapted.mean), errors: rows.map((r) => r.adapted.std) },
      ],
      yRange: [0, 1],
    });
  }
  return plots;
}
