import { CHART_COLORS, lineChart } from '../../report/index.js';
import type { ChartSpec } from '../../report/index.js';
import { describeSource, fmtMeanStd, fmtNum, markdownTable, reportHeader } from '../common/markdown.js';
import type { ReportMeta } from '../common/markdown.js';
import type { PredictReport } from './predictExperiment.js';

/** report.md of the predict experiment: error per horizon vs copy-last, then the pose probes. */
export function predictMarkdown(report: PredictReport, meta: ReportMeta): string {
  const splits = [...new Set(report.horizons.map((h) => h.split))];
  const lines = [
    ...reportHeader('Multi-step latent prediction and pose read-out (predict)', meta),
    `Encoder: ${describeSource(meta.source)}; compared with a randomly initialised encoder of the same architecture (seed ${meta.seed}). ${meta.configSummary}`,
    '',
    `Data: held-out motor-babbling episodes (${report.options.steps} actions each, tasks ${report.options.tasks.join(', ')}); probes fitted on ${report.data.fitFrames} frames of ${report.options.fitEpisodes} training-split episodes; tested on ${Object.entries(report.data.testFrames).map(([s, n]) => `${n} frames of ${s}`).join(', ')}.`,
    '',
    '## Open-loop latent prediction error per horizon',
    '',
    'Squared error of the predicted latent against the encoding of the real frame, divided by the total variance of that split\'s latents (so encoders with different latent scales compare), mean ± std over start frames. Copy-last: the latent of the start frame stands for every later frame.',
    '',
  ];
  for (const encoder of ['trained', 'random'] as const) {
    lines.push(`### ${encoder} encoder`, '');
    const rows = report.horizons
      .filter((h) => h.encoder === encoder)
      .map((h) => [h.split, String(h.horizon), fmtMeanStd(h.model, h.modelStd), fmtMeanStd(h.copyLast, h.copyLastStd), fmtNum(h.model / h.copyLast, 2)]);
    lines.push(markdownTable(['split', 'horizon', 'predictor', 'copy-last', 'predictor / copy-last'], rows), '');
  }
  lines.push('## Linear read-out of the true state (ridge probe)', '', 'R² and mean Euclidean error (cm, ± std over frames) of a closed-form ridge probe from the frozen latent; the penalty is chosen by 5-fold cross-validation over whole episodes. `fused, cameras only`: the fused state of the same frames encoded without proprioception, as a goal image is: where the planner reads the goal\'s hand from.', '');
  for (const target of ['object', 'end effector'] as const) {
    lines.push(`### ${target} position`, '');
    const reps = [...new Set(report.poses.map((p) => p.representation))];
    const rows = reps.map((rep) => [
      rep,
      ...splits.flatMap((s) => {
        const c = report.poses.find((p) => p.representation === rep && p.target === target && p.split === s);
        return c === undefined || c.target === 'object yaw' ? ['-', '-'] : [fmtNum(c.r2, 2), fmtMeanStd(c.errorCm, c.errorCmStd, 1)];
      }),
    ]);
    const floor = (s: string): number => {
      const b = report.meanBaseline.find((m) => m.target === target && m.split === s);
      return b === undefined || b.target === 'object yaw' ? NaN : b.errorCm;
    };
    rows.push(['mean position (floor)', ...splits.flatMap((s) => ['0', fmtNum(floor(s), 1)])]);
    lines.push(markdownTable(['representation', ...splits.flatMap((s) => [`${s} R²`, `${s} error cm`])], rows), '');
  }
  lines.push(
    '### object yaw',
    '',
    "Yaw of the scene's first object about the vertical axis, probed as (sin, cos): R² over both, and the mean absolute angle error (degrees, ± std over frames) of the angle the probe's (sin, cos) points to. Symmetric shapes make yaw ambiguous: a sphere or an upright cylinder has no heading that an image shows, and a box looks the same every 90° or 180°, so a correct read-out of what is visible still scores an error there. Read the numbers per split, as its shapes differ.",
    '',
  );
  const yawRows = [...new Set(report.poses.map((p) => p.representation))].map((rep) => [
    rep,
    ...splits.flatMap((s) => {
      const c = report.poses.find((p) => p.representation === rep && p.target === 'object yaw' && p.split === s);
      return c === undefined || c.target !== 'object yaw' ? ['-', '-'] : [fmtNum(c.r2, 2), fmtMeanStd(c.errorDeg, c.errorDegStd, 1)];
    }),
  ]);
  const yawFloor = (s: string): number => {
    const b = report.meanBaseline.find((m) => m.target === 'object yaw' && m.split === s);
    return b === undefined || b.target !== 'object yaw' ? NaN : b.errorDeg;
  };
  yawRows.push(['mean heading (floor)', ...splits.flatMap((s) => ['-', fmtNum(yawFloor(s), 1)])]);
  lines.push(markdownTable(['representation', ...splits.flatMap((s) => [`${s} R²`, `${s} error °`])], yawRows), '');
  if (report.objectMotion.length > 0) {
    lines.push(
      '## Does the model foresee the object moving?',
      '',
      `Scripted push episodes (the true-state scripted pusher acts, a labelled data source so that the object moves; ${report.options.pushEpisodes} per split). Over the (start, horizon) pairs in which the object moved at least 1 cm horizontally: the trained object head's reading of the open-loop prediction, as a displacement from its reading of the start state, against the true displacement (cm). Copy-last (the object stays put) errs by the whole move. \`encoded next frame\`: the head's reading of the real next frame's encoding instead of the prediction, what the encoder allows at best. Direction: mean cosine between predicted and true moves (0: no predicted move).`,
      '',
    );
    const rows = report.objectMotion.map((c) => [c.split, String(c.horizon), String(c.moves), fmtNum(c.meanMoveCm, 1), fmtNum(c.predictedErrorCm, 1), fmtNum(c.encodedErrorCm, 1), fmtNum(c.directionCosine, 2)]);
    lines.push(markdownTable(['split', 'horizon', 'moves', 'true move cm (copy-last error)', 'predicted error cm', 'encoded next frame error cm', 'direction cosine'], rows), '');
  }
  lines.push('![prediction error per horizon](plots/prediction_error.png)', '');
  return lines.join('\n');
}

export function predictPlots(report: PredictReport): Record<string, ChartSpec> {
  const splits = [...new Set(report.horizons.map((h) => h.split))];
  // One colour per split: the predictor solid, its copy-last baseline dashed.
  const series = splits.flatMap((split, i) => {
    const cells = report.horizons.filter((h) => h.encoder === 'trained' && h.split === split);
    const color = CHART_COLORS[i % CHART_COLORS.length];
    return [
      { name: `predictor, ${split}`, color, markers: true, points: cells.map((c) => [c.horizon, c.model] as [number, number]) },
      { name: `copy-last, ${split}`, color, dashed: true, points: cells.map((c) => [c.horizon, c.copyLast] as [number, number]) },
    ];
  });
  return {
    prediction_error: lineChart({ title: 'Open-loop latent prediction error (trained encoder)', xLabel: 'horizon (steps)', yLabel: 'error / latent variance', series }),
  };
}
