import { lineChart, REFERENCE_GREY } from '../../report/index.js';
import type { ChartSpec } from '../../report/index.js';
import type { Bitmap } from '../../viz/Bitmap.js';
import { tileImages } from '../../viz/tileImages.js';
import { describeSource, fmtPct, markdownTable, reportHeader } from '../common/markdown.js';
import type { ReportMeta } from '../common/markdown.js';
import type { ProbeClassifier, ProbeReport } from './probeExperiment.js';

const CLASSIFIER_NAMES: Record<ProbeClassifier, string> = { linear: 'linear probe (ridge)', knn: 'k-NN' };

/** report.md of the probe experiment: one accuracy table per classifier and label budget. */
export function probeMarkdown(report: ProbeReport, meta: ReportMeta): string {
  const shotsList = [...report.options.shots, 'all' as const];
  const lines = [
    ...reportHeader('Few-label object recognition from frozen representations (probe)', meta),
    `Encoder: ${describeSource(meta.source)}; compared with a randomly initialised encoder of the same architecture (seed ${meta.seed}, input normalisers fitted to the pool). ${meta.configSummary}`,
    '',
    `Classes: ${report.classes.join(', ')} (chance ${fmtPct(report.chance)}). Labelled pool: ${report.data.poolPerClass} training-split scenes per class; tests: ${report.data.testPerClass} fresh scenes per class and split. ` +
      `Few-shot results are mean ± std over ${report.options.repeats} draws of the labelled examples; 'all' uses the whole pool once. k-NN uses k = min(${report.options.k}, labelled examples).`,
    '',
    `Visible object size (scene-camera pixels, mean): ${Object.entries(report.data.meanVisiblePixels).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}; ` +
      `scenes redrawn because the object was hidden (< ${report.options.minPixels} px): ${Object.entries(report.data.redrawn).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
  ];
  for (const classifier of ['linear', 'knn'] as const) {
    for (const shots of shotsList) {
      lines.push(`## ${CLASSIFIER_NAMES[classifier]}, ${shots === 'all' ? 'all pool labels' : `${shots} label${shots === 1 ? '' : 's'} per class`}`, '');
      const rows = report.representations.map((rep) => [
        rep,
        ...report.splits.map((split) => {
          const c = report.cells.find((x) => x.representation === rep && x.classifier === classifier && x.shots === shots && x.split === split);
          return c === undefined ? '-' : shots === 'all' ? fmtPct(c.mean) : `${fmtPct(c.mean)} ± ${(100 * c.std).toFixed(1)}`;
        }),
      ]);
      lines.push(markdownTable(['representation', ...report.splits], rows), '');
    }
  }
  lines.push(
    '## Plots',
    '',
    ...report.splits.map((s) => `![accuracy vs labels, ${s}](plots/accuracy_${s}.png)`),
    '',
    'Scenes: `images/examples.png`, one scene per class (columns) and split (rows).',
    '',
  );
  return lines.join('\n');
}

/** Linear-probe accuracy against labels per class, one plot per split. */
export function probePlots(report: ProbeReport): Record<string, ChartSpec> {
  const plots: Record<string, ChartSpec> = {};
  const shots = report.options.shots;
  for (const split of report.splits) {
    plots[`accuracy_${split}`] = lineChart({
      title: `Linear probe accuracy, ${split}`,
      xLabel: 'labelled examples per class',
      yLabel: 'accuracy',
      yRange: [0, 1],
      series: [
        ...report.representations.map((rep) => ({
          name: rep,
          markers: true,
          dashed: !rep.startsWith('trained'),
          points: shots.map((s) => {
            const c = report.cells.find((x) => x.representation === rep && x.classifier === 'linear' && x.shots === s && x.split === split);
            return [s, c?.mean ?? NaN] as [number, number];
          }),
        })),
        { name: 'chance', dashed: true, color: REFERENCE_GREY, points: [[shots[0], report.chance], [shots.at(-1)!, report.chance]] as Array<[number, number]> },
      ],
    });
  }
  return plots;
}

/** One example scene per class (columns) and split (rows). */
export function probeImages(report: ProbeReport): Record<string, Bitmap> {
  const images = report.examples.flatMap((e) => e.images);
  return images.length === 0 ? {} : { examples: tileImages(images, { columns: report.classes.length }) };
}
