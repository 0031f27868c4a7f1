import { SPLIT_NAMES } from '../../core/config/simConfig.js';
import { runCrossmodalExperiment } from '../../eval/crossmodal/crossmodalExperiment.js';
import { crossmodalImages, crossmodalMarkdown, crossmodalPlots } from '../../eval/crossmodal/crossmodalReport.js';
import type { Runtime } from '../runtime.js';
import { runEvalCommand } from './evalCommon.js';
import type { EvalCommonOptions } from './evalCommon.js';
import { parseList, positiveInt } from './parseList.js';

export interface EvalCrossmodalOptions extends EvalCommonOptions {
  samples?: string;
  split: string;
  imageSide?: string;
  aeLatent: string;
  aeHidden?: string;
  aeEpochs?: string;
  somSize?: string;
  somEpochs?: string;
  somBatch: string;
}

/** `jepa-agent eval crossmodal`: the seed paper's multi-modal SOM on an autoencoder's and on our encoder's latent. */
export async function evalCrossmodal(runtime: Runtime, options: EvalCrossmodalOptions): Promise<string> {
  return runEvalCommand(runtime, 'crossmodal', options, ({ config, env, models, quick, progress }) => {
    const side = positiveInt(options.somSize ?? (quick ? '6' : '16'), '--som-size');
    const report = runCrossmodalExperiment(env, models, {
      samples: positiveInt(options.samples ?? (quick ? '200' : '3000'), '--samples'),
      trainFraction: 0.8,
      split: parseList(options.split, SPLIT_NAMES, 'split')[0],
      imageSide: positiveInt(options.imageSide ?? (quick ? '16' : '32'), '--image-side'),
      ae: {
        hidden: positiveInt(options.aeHidden ?? (quick ? '64' : '256'), '--ae-hidden'),
        latent: positiveInt(options.aeLatent, '--ae-latent'),
        epochs: positiveInt(options.aeEpochs ?? (quick ? '3' : '40'), '--ae-epochs'),
        batchSize: 32,
        learningRate: 1e-3,
      },
      som: {
        width: side,
        height: side,
        epochs: positiveInt(options.somEpochs ?? (quick ? '5' : '40'), '--som-epochs'),
        batchSize: positiveInt(options.somBatch, '--som-batch'),
        learningRate: [0.5, 0.02],
        sigma: [Math.max(1, side / 3), 0.5],
      },
      seed: config.seed,
      logger: runtime.logger,
      onProgress: progress,
    });
    const { examples: _examples, ...json } = report;
    return { json: { report: json }, markdown: (meta) => crossmodalMarkdown(report, meta), plots: crossmodalPlots(report), images: crossmodalImages(report) };
  });
}
