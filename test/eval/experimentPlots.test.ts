import assert from 'node:assert/strict';
import { test } from 'node:test';
import { experimentPlots } from '../../src/eval/experimentPlots.js';
import type { ExperimentReport } from '../../src/eval/onlineExperiment.js';
import { CHART_COLORS, renderChart } from '../../src/report/index.js';

/** The fields the plots read, as a run of 2 minutes with two evaluation rounds would fill them. */
const report = {
  durationS: 120,
  evaluations: [
    { elapsedS: 60, cells: [{ task: 'reach', split: 'train', successRate: 0.2 }, { task: 'push', split: 'train', successRate: 0 }] },
    { elapsedS: 120, cells: [{ task: 'reach', split: 'train', successRate: 0.6 }, { task: 'push', split: 'train', successRate: 0.1 }] },
  ],
  baseline: [
    { task: 'push', split: 'train', controller: 'random', successRate: 0.05 },
    { task: 'reach', split: 'train', controller: 'random', successRate: 0.1 },
  ],
  losses: [
    { elapsedS: 10, step: 10, terms: { total: 2, prediction: 1, variance: 0, covariance: 0.5 } },
    { elapsedS: 20, step: 20, terms: { total: 1, prediction: 0.4, variance: 0, covariance: 0.2 } },
  ],
  predictionError: [{ elapsedS: 30, value: 0.4 }, { elapsedS: 90, value: 0.1 }],
} as unknown as ExperimentReport;

test('success, losses and prediction error charts; each random baseline dashed in the colour of its task and split', async () => {
  const plots = experimentPlots(report);
  assert.deepEqual(Object.keys(plots), ['success', 'losses', 'prediction_error']);
  const { svg } = await renderChart(plots.success);
  const lines = [...svg.matchAll(/<path aria-label="[^"]*series: ([^;"]+)[^"]*"[^>]*stroke="([^"]+)"[^>]*stroke-dasharray="([^"]+)"/g)].map((m) => [m[1], m[2], m[3]]);
  assert.deepEqual(lines, [
    ['reach / train', CHART_COLORS[0], '1,0'],
    ['push / train', CHART_COLORS[1], '1,0'],
    ['random: push / train', CHART_COLORS[1], '6,4'],
    ['random: reach / train', CHART_COLORS[0], '6,4'],
  ]);
  const losses = await renderChart(plots.losses);
  const legend = [...losses.svg.matchAll(/<g class="mark-text role-legend-label"[^>]*>(.*?)<\/g>/g)].flatMap((g) => [...g[1].matchAll(/>([^<]+)<\/text>/g)].map((m) => m[1]));
  assert.deepEqual(legend, ['total', 'prediction', 'covariance'], 'a loss term that stays 0 is not drawn on the log axis');
});

test('a run without evaluations or with one loss record draws only what it has', () => {
  const plots = experimentPlots({ ...report, evaluations: [], losses: report.losses.slice(0, 1), predictionError: [] } as ExperimentReport);
  assert.deepEqual(Object.keys(plots), []);
});
