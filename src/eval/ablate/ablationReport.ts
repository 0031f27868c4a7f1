import type { TaskName } from '../../core/config/simConfig.js';
import { groupedBarChart } from '../../report/index.js';
import type { ChartSpec } from '../../report/index.js';
import { markdownTable } from '../common/index.js';
import type { CodeVersion } from '../common/index.js';
import { ABLATION_QUESTIONS } from './ablationArms.js';
import type { AblationArmSummary, AblationReport } from './runAblation.js';
import { formatSpread } from './seedSpread.js';

/** What the report records about how it was made. */
export interface OnlineReportMeta {
  readonly command: string;
  readonly code: CodeVersion;
  readonly quick: boolean;
  /** One line on the shared configuration (sizes, planner, backend). */
  readonly configSummary: string;
}

const pct = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '-' : `${(100 * v).toFixed(0)}%`);

/** The run's report for a person: one table over all arms, one per question, the arms' definitions, every run. */
export function ablationMarkdown(report: AblationReport, meta: OnlineReportMeta): string {
  const commit = meta.code.commit ? `, commit ${meta.code.commit.slice(0, 12)}` : '';
  const budget = report.budget.steps !== undefined ? `${report.budget.steps} practice steps` : `${report.budget.minutes} min of practice`;
  const tasks = report.tasks;
  const header = ['arm', 'sensors', ...tasks.map((t) => `${t} success`), ...tasks.map((t) => `${t} final dist. (m)`), 'shape probe'];
  const row = (s: AblationArmSummary): string[] => [
    s.arm,
    s.sensors,
    ...tasks.map((t) => spreadPct(s.success[t])),
    ...tasks.map((t) => (s.finalDistance[t] ? formatSpread(s.finalDistance[t]) : '-')),
    formatSpread(s.probeAccuracy, { percent: true }),
  ];
  const align = header.map((_, i) => (i < 2 ? 'l' : 'r') as 'l' | 'r');
  const baselineRow = ['random actions', '-', ...tasks.map((t) => pct(report.randomBaseline[t])), ...tasks.map(() => '-'), `${pct(report.probe.chance)} (chance)`];
  const lines = [
    '# Ablations: what action conditioning, the point cloud, reliability-weighted fusion and the anti-collapse term buy',
    '',
    `\`${meta.command}\` (jepa-agent ${meta.code.version}${commit}); ${meta.quick ? 'quick' : 'full'} mode; ${(report.durationS / 60).toFixed(1)} min.`,
    '',
    `Every arm learns online from scratch with seeds ${report.seeds.join(', ')}: ${budget} on the training split, ${report.trainStepsPerEpisode} learner steps after each practice episode (in-thread learner, so a run is a function of its seed). ` +
      `Then ${report.evalEpisodes} evaluation episodes per task (the same episode seeds for every arm, planning, no exploration) and a shape probe: ` +
      `a closed-form ridge classifier from the latent state to the object's shape (${report.probe.classes.length} classes, ${report.probe.perClassTrain} labelled and ${report.probe.perClassTest} test scenes per class, the same scenes for every arm, seen through the arm's own sensors). ` +
      'Cells are mean ± std over seeds.',
    '',
    meta.configSummary,
    '',
    '## All arms',
    '',
    markdownTable(header, [...report.summary.map(row), baselineRow], align),
    '',
    '![success](plots/success.png)',
    '![probe](plots/probe.png)',
    '',
    ...ABLATION_QUESTIONS.flatMap((q) => {
      const rows = q.arms.flatMap((a) => report.summary.filter((s) => s.arm === a)).map(row);
      return rows.length < 2 ? [] : [`## ${q.title}`, '', markdownTable(header, rows, align), ''];
    }),
    '## Arms',
    '',
    markdownTable(
      ['arm', 'what changes', 'sensors', 'overrides'],
      report.arms.map((a) => [a.name, a.description, `${a.sensors}: ${a.faults}`, a.overrides.length > 0 ? a.overrides.map((o) => `\`${o}\``).join(' ') : '-']),
      ['l', 'l', 'l', 'l'],
    ),
    '',
    'Notes. `passive` feeds the predictor a zero action: its predicted future does not depend on what the agent does, so a planner can only minimise effort through it, and its closed-loop success measures exactly what action conditioning buys. ' +
      'Faults are injected between the simulation and the agent for practice, evaluation and probe alike; the random-action baseline does not depend on them. ' +
      'With budgets below `agent.exploration.babbleSteps` every practice action is babbling, so all clean arms of one seed see the same actions.',
    '',
    '## Every run',
    '',
    markdownTable(
      ['arm', 'seed', ...tasks, 'probe', 'episodes', 'learner steps', 'last prediction loss', 'state std', 'fusion weights (rgb/points/proprio/object)', 'seconds'],
      report.runs.map((r) => [
        r.arm,
        String(r.seed),
        ...tasks.map((t) => pct(r.success[t])),
        pct(r.probeAccuracy),
        String(r.practiceEpisodes),
        String(r.learnerSteps),
        r.finalPredictionLoss === null ? '-' : r.finalPredictionLoss.toFixed(4),
        r.finalStateStd === null ? '-' : r.finalStateStd.toFixed(3),
        ['rgb', 'points', 'proprio', 'object'].map((m) => (r.fusionWeights[m] ?? 0).toFixed(2)).join(' / '),
        r.durationS.toFixed(0),
      ]),
    ),
    '',
  ];
  return lines.join('\n');
}

function spreadPct(s: AblationArmSummary['probeAccuracy'] | undefined): string {
  return s === undefined ? '-' : formatSpread(s, { percent: true });
}

/** Bar charts: success per task and arm (random baseline dashed), and probe accuracy per arm (chance dashed). */
export function ablationPlots(report: AblationReport): Record<string, ChartSpec> {
  const groups = report.summary.map((s) => s.arm);
  const task = (t: TaskName): { name: string; values: number[]; errors: number[] } => ({
    name: `${t} success`,
    values: report.summary.map((s) => s.success[t]?.mean ?? Number.NaN),
    errors: report.summary.map((s) => s.success[t]?.std ?? 0),
  });
  return {
    success: groupedBarChart({
      title: 'Closed-loop success by arm',
      yLabel: 'success rate (mean, std over seeds)',
      groups,
      series: report.tasks.map(task),
      yRange: [0, 1],
      references: report.tasks.map((t, i) => ({ name: `random ${t}`, value: report.randomBaseline[t] ?? 0, color: i === 0 ? '#004678' : '#963c00' })),
    }),
    probe: groupedBarChart({
      title: 'Shape probe accuracy by arm',
      yLabel: 'accuracy (mean, std over seeds)',
      groups,
      series: [{ name: 'linear probe on the latent state', values: report.summary.map((s) => s.probeAccuracy.mean), errors: report.summary.map((s) => s.probeAccuracy.std) }],
      yRange: [0, 1],
      references: [{ name: 'chance', value: report.probe.chance }],
    }),
  };
}
