import { lineChart } from '../../report/index.js';
import type { ChartSpec } from '../../report/index.js';
import type { Bitmap } from '../../viz/Bitmap.js';
import { tileImages } from '../../viz/tileImages.js';
import { describeSource, fmtMeanStd, markdownTable, reportHeader } from '../common/markdown.js';
import type { ReportMeta } from '../common/markdown.js';
import { MAPPINGS } from './crossmodalExperiment.js';
import type { CrossmodalReport } from './crossmodalExperiment.js';

const MIB = 2 ** 20;

/** report.md of the crossmodal experiment: the seed paper's table, one column per method. */
export function crossmodalMarkdown(report: CrossmodalReport, meta: ReportMeta): string {
  const o = report.options;
  const cell = (v: { mean: number; std: number } | undefined): string => (v === undefined ? '-' : fmtMeanStd(v.mean, v.std));
  const methods = report.rows.map((r) => r.method);
  const row = (label: string, f: (r: CrossmodalReport['rows'][number]) => string): string[] => [label, ...report.rows.map(f)];
  const table = markdownTable(
    ['', ...methods],
    [
      row('Batch size (SOM)', (r) => (r.somSeconds === undefined ? '-' : String(o.som.batchSize))),
      row('Epochs (SOM)', (r) => (r.somSeconds === undefined ? '-' : String(o.som.epochs))),
      row('SOM training time', (r) => (r.somSeconds === undefined ? '-' : `${r.somSeconds.toFixed(1)} s`)),
      row('AE training time', (r) => (r.aeSeconds === undefined ? (r.method.startsWith('SOM-JEPA') ? 'encoder given' : '-') : `${r.aeSeconds.toFixed(1)} s`)),
      row('Memory (map; AE + Adam)', (r) => [r.somBytes === undefined ? '' : `${(r.somBytes / MIB).toFixed(2)} MiB`, r.aeBytes === undefined ? '' : `${(r.aeBytes / MIB).toFixed(1)} MiB`].filter(Boolean).join('; ') || '-'),
      row('Overall test loss', (r) => cell(r.overall)),
      ...MAPPINGS.map((m) => row(`Test loss: ${m}`, (r) => cell(r.errors[m]))),
    ],
  );
  return [
    ...reportHeader('Cross-modal mapping between vision and proprioception (crossmodal)', meta),
    `JEPA encoder: ${describeSource(meta.source)}; a randomly initialised encoder of the same architecture beside it. ${meta.configSummary}`,
    '',
    `Data: ${report.data.train + report.data.test} random arm poses in one ${o.split}-split scene (${report.data.train} train, ${report.data.test} test; ${report.data.rejected} poses redrawn because the tool went into the table), joints drawn uniformly in [${report.data.jointLow.map((v) => v.toFixed(2)).join(', ')}] .. [${report.data.jointHigh.map((v) => v.toFixed(2)).join(', ')}] rad.`,
    '',
    `Method (after Jülg et al., AMAM 2023): a ${o.som.width}x${o.som.height} multi-modal SOM (activity = -MAE per modality, equal influence, combined, winner, Gaussian neighbourhood sigma ${+o.som.sigma[0].toFixed(2)} -> ${+o.som.sigma[1].toFixed(2)}, learning rate ${o.som.learningRate[0]} -> ${o.som.learningRate[1]}, updates averaged over mini-batches of ${o.som.batchSize}) on (a) an MLP autoencoder's ${o.ae.latent}-d latent of ${o.imageSide}x${o.imageSide} RGB images (hidden ${o.ae.hidden}, ${o.ae.epochs} epochs, MSE) and (b) the JEPA encoder's camera-only (RGB + points) latent, each beside the joint angles scaled to [0, 1]. Latents are scaled to [0, 1] per dimension.`,
    '',
    'Errors: MAE per test sample, mean ± std over the test set. Vision targets are the images in [0, 1]; the winner\'s latent is decoded (autoencoder decoder; for JEPA latents a ridge decoder fitted on the training images). Joint targets are the normalised angles.',
    '',
    table,
    '',
    `Vision decoders on the sample's own latent (the floor of every vision error through that latent): ${Object.entries(report.decoderFloor).map(([k, v]) => `${k} ${fmtMeanStd(v.mean, v.std)}`).join('; ')}.`,
    '',
    ...report.rows.filter((r) => r.note).map((r) => `- ${r.method}: ${r.note}`),
    '',
    '![SOM quantisation error](plots/som_quantisation.png)',
    '![autoencoder loss](plots/autoencoder_loss.png)',
    '',
    'Images: `images/som_ae_examples.png`, test images (top row), their vision->vision and joints->vision reconstructions through SOM-AE (rows 2 and 3).',
    '',
  ].join('\n');
}

export function crossmodalPlots(report: CrossmodalReport): Record<string, ChartSpec> {
  return {
    som_quantisation: lineChart({
      title: 'SOM quantisation error during training',
      xLabel: 'epoch',
      yLabel: 'mean combined MAE to the winner',
      series: Object.entries(report.somQuantisation).map(([name, errs]) => ({ name, points: errs.map((e, i) => [i + 1, e] as [number, number]) })),
    }),
    autoencoder_loss: lineChart({
      title: 'Autoencoder reconstruction loss',
      xLabel: 'epoch',
      yLabel: 'MSE',
      logY: true,
      series: [{ name: 'training', markers: true, points: report.aeLosses.map((l, i) => [i + 1, l] as [number, number]) }],
    }),
  };
}

/** Test images and their SOM-AE reconstructions, scaled up 2x, one row each. */
export function crossmodalImages(report: CrossmodalReport): Record<string, Bitmap> {
  const tiles: Bitmap[] = [];
  let columns = 1;
  for (const ex of report.examples) {
    const s = ex.side;
    const count = ex.pixels.length / (s * s * 3);
    columns = Math.max(columns, count);
    for (let i = 0; i < count; i++) {
      const rgb = new Uint8Array(4 * s * s * 3);
      for (let y = 0; y < 2 * s; y++) {
        for (let x = 0; x < 2 * s; x++) {
          for (let c = 0; c < 3; c++) rgb[(y * 2 * s + x) * 3 + c] = Math.round(255 * Math.min(1, Math.max(0, ex.pixels[i * s * s * 3 + ((y >> 1) * s + (x >> 1)) * 3 + c])));
        }
      }
      tiles.push({ width: 2 * s, height: 2 * s, rgb });
    }
  }
  return tiles.length === 0 ? {} : { som_ae_examples: tileImages(tiles, { columns }) };
}
