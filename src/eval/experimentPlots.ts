import { CHART_COLORS, lineChart } from '../report/index.js';
import type { ChartSpec } from '../report/index.js';
import type { ExperimentReport } from './onlineExperiment.js';

/** The run's curves as charts: success over time, losses, prediction error. */
export function experimentPlots(report: ExperimentReport): Record<string, ChartSpec> {
  const plots: Record<string, ChartSpec> = {};
  const minutes = (s: number): number => s / 60;
  const cells = report.evaluations[0]?.cells ?? [];
  const endMinutes = minutes(Math.max(report.durationS, 1));
  if (cells.length > 0) {
    plots.success = lineChart({
      title: 'Evaluation success rate',
      xLabel: 'minutes of online learning',
      yLabel: 'success rate',
      yRange: [0, 1],
      xRange: [0, endMinutes],
      series: [
        ...cells.map((c, i) => ({
          name: `${c.task} / ${c.split}`,
          color: CHART_COLORS[i % CHART_COLORS.length],
          markers: true,
          points: report.evaluations.map((r) => [minutes(r.elapsedS), r.cells[i].successRate] as [number, number]),
        })),
        // Each random baseline dashed, in the colour of its task and split.
        ...report.baseline.map((b, j) => {
          const i = cells.findIndex((c) => c.task === b.task && c.split === b.split);
          return {
            name: `random: ${b.task} / ${b.split}`,
            color: CHART_COLORS[(i >= 0 ? i : cells.length + j) % CHART_COLORS.length],
            dashed: true,
            points: [[0, b.successRate], [endMinutes, b.successRate]] as Array<[number, number]>,
          };
        }),
      ],
    });
  }
  const lossKeys = ['total', 'prediction', 'variance', 'covariance'].filter((k) =>
    report.losses.some((l) => typeof l.terms[k] === 'number' && (l.terms[k] as number) > 0),
  );
  if (report.losses.length > 1 && lossKeys.length > 0) {
    plots.losses = lineChart({
      title: 'Training losses',
      xLabel: 'learner steps',
      yLabel: 'loss',
      logY: true,
      series: lossKeys.map((k) => ({
        name: k,
        points: report.losses.map((l) => [l.step, l.terms[k] as number] as [number, number]).filter(([, v]) => v > 0),
      })),
    });
  }
  if (report.predictionError.length > 1) {
    plots.prediction_error = lineChart({
      title: 'One-step latent prediction error while acting',
      xLabel: 'minutes of online learning',
      yLabel: 'mean squared latent error',
      series: [{ name: 'practice episodes', markers: true, points: report.predictionError.map((p) => [minutes(p.elapsedS), p.value] as [number, number]) }],
    });
  }
  return plots;
}
