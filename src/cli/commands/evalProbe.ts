import { SPLIT_NAMES } from '../../core/config/simConfig.js';
import { probeImages, probeMarkdown, probePlots } from '../../eval/probe/probeReport.js';
import { runProbeExperiment } from '../../eval/probe/probeExperiment.js';
import type { ProbeView } from '../../eval/probe/probeScenes.js';
import type { Runtime } from '../runtime.js';
import { positiveIntList, runEvalCommand } from './evalCommon.js';
import type { EvalCommonOptions } from './evalCommon.js';
import { parseList, positiveInt } from './parseList.js';

export interface EvalProbeOptions extends EvalCommonOptions {
  shapes?: string;
  splits: string;
  pool?: string;
  test?: string;
  shots: string;
  repeats?: string;
  k: string;
  view: string;
  zoom: string;
  minPixels: string;
  pixelSide: string;
}

/** `jepa-agent eval probe`: few-label shape recognition from frozen latents vs random encoder and raw inputs. */
export async function evalProbe(runtime: Runtime, options: EvalProbeOptions): Promise<string> {
  const view = parseList(options.view, ['scene', 'glimpse'] as const, 'view')[0] as ProbeView;
  return runEvalCommand(runtime, 'probe', options, ({ config, env, models, quick, progress }) => {
    const catalogue = Object.keys(env.scene.objects.shapes);
    const shapes = options.shapes === undefined ? catalogue : parseList(options.shapes, catalogue, 'shape');
    const report = runProbeExperiment(env, models, {
      shapes,
      splits: parseList(options.splits, SPLIT_NAMES, 'split'),
      poolPerClass: positiveInt(options.pool ?? (quick ? '10' : '40'), '--pool'),
      testPerClass: positiveInt(options.test ?? (quick ? '4' : '20'), '--test'),
      shots: positiveIntList(options.shots, '--shots'),
      repeats: positiveInt(options.repeats ?? (quick ? '3' : '10'), '--repeats'),
      k: positiveInt(options.k, '--k'),
      pixelSide: positiveInt(options.pixelSide, '--pixel-side'),
      minPixels: positiveInt(options.minPixels, '--min-pixels'),
      view,
      zoom: positiveInt(options.zoom, '--zoom'),
      seed: config.seed,
      logger: runtime.logger,
      onProgress: progress,
    });
    const { examples: _examples, ...json } = report;
    return { json: { report: json }, markdown: (meta) => probeMarkdown(report, meta), plots: probePlots(report), images: probeImages(report) };
  });
}
