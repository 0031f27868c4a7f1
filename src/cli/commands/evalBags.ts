import { resolve } from 'node:path';
import { readBagEpisodes } from '../../bag/index.js';
import { plainBagOptions } from './plainBagOptions.js';
import type { TopicRoleFlags } from '../groups/topicRoleOptions.js';
import type { BagEpisode } from '../../bag/index.js';
import { compactFrame } from '../../learn/CompactFrame.js';
import type { CompactFrame } from '../../learn/CompactFrame.js';
import { initBackend, loadCheckpoint } from '../../model/index.js';
import type { WorldModel } from '../../model/index.js';
import { encodeLatents } from '../../eval/common/encodeLatents.js';
import { writeRunFolder } from '../../eval/common/runFolder.js';
import { markdownTable } from '../../eval/common/markdown.js';
import { packFrames } from '../../learn/packFrames.js';
import { predictionErrorPerHorizon } from '../../eval/predict/predictionErrorPerHorizon.js';
import type { HorizonError } from '../../eval/predict/predictionErrorPerHorizon.js';
import type { Runtime } from '../runtime.js';

export interface EvalBagsOptions extends TopicRoleFlags {
  readonly bags: string;
  readonly ckpt: string;
  readonly horizon?: string;
  readonly out?: string;
  /** Stop at the first message that cannot be decoded (default: skip and count it, warning once per bag). */
  readonly strict?: boolean;
}


export interface EvalBagsReport {
  readonly bags: string;
  readonly ckpt: string;
  readonly episodes: number;
  readonly frames: number;
  readonly horizons: readonly HorizonError[];
}

/**
 * Multi-step open-loop latent prediction error on recorded episodes: from every start t the
 * predictor rolls out under the recorded actions and is compared with the encoded frames
 * t+1..t+H, beside the copy-last baseline; errors are normalised by the latents' variance.
 */
export function bagPredictionErrors(model: WorldModel, episodes: ReadonlyArray<BagEpisode<CompactFrame>>, horizon: number): HorizonError[] {
  const latents = encodeLatents(model, packFrames(episodes.flatMap((e) => e.frames), model.config));
  return predictionErrorPerHorizon(model, episodes, latents, horizon);
}

export function evalBagsMarkdown(report: EvalBagsReport): string {
  const rows = report.horizons.map((h) => [String(h.horizon), `${h.model.toFixed(4)} ± ${h.modelStd.toFixed(4)}`, `${h.copyLast.toFixed(4)} ± ${h.copyLastStd.toFixed(4)}`, h.model < h.copyLast ? 'yes' : 'no', String(h.starts)]);
  return [
    `# Latent prediction error on bags`,
    '',
    `Bags: ${report.bags} (${report.episodes} episodes, ${report.frames} frames); checkpoint: ${report.ckpt}.`,
    'Error = mean squared latent distance / total latent variance (lower is better).',
    '',
    markdownTable(['horizon', 'model', 'copy-last', 'model better', 'starts'], rows, ['r', 'r', 'r', 'l', 'r']),
    '',
  ].join('\n');
}

/** `jepa-agent eval --bags DIR --ckpt CKPT`: JSON on stdout (and report.json, report.md and report.html with --out). */
export async function evalBags(runtime: Runtime, options: EvalBagsOptions): Promise<EvalBagsReport> {
  const { config, logger } = runtime;
  const plain = plainBagOptions(options);
  await initBackend({ backend: config.engine.backend, logger });
  const model = await loadCheckpoint(options.ckpt, { logger });
  try {
    const horizon = Number(options.horizon ?? model.config.horizon);
    if (!Number.isInteger(horizon) || horizon < 1) throw new Error(`eval: --horizon must be a positive integer, got ${options.horizon}`);
    const episodes = await readBagEpisodes<CompactFrame>(options.bags, { ...plain, strict: options.strict === true, logger, convert: (o) => compactFrame(o, model.config), onBag: (bag, n, how) => logger.info(`read ${n} episodes from ${bag} (${how})`) });
    if (episodes.length === 0) throw new Error(`eval: no episode with transitions in ${resolve(options.bags)}`);
    const other = episodes.find((e) => e.actions[0].length !== episodes[0].actions[0].length);
    if (other !== undefined) {
      throw new Error(`eval: ${episodes[0].bag} has actions of ${episodes[0].actions[0].length} values but ${other.bag} of ${other.actions[0].length}: evaluate bags of one action space`);
    }
    if (episodes[0].actions[0].length !== model.actionDim) {
      throw new Error(`eval: the bags' actions have ${episodes[0].actions[0].length} components, the checkpoint's model takes ${model.actionDim}`);
    }
    const report: EvalBagsReport = {
      bags: resolve(options.bags),
      ckpt: resolve(options.ckpt),
      episodes: episodes.length,
      frames: episodes.reduce((n, e) => n + e.frames.length, 0),
      horizons: bagPredictionErrors(model, episodes, horizon),
    };
    const markdown = evalBagsMarkdown(report);
    if (options.out !== undefined) {
      await writeRunFolder(resolve(options.out), { json: report, markdown, config });
    }
    process.stdout.write(`${JSON.stringify(report)}\n`);
    process.stderr.write(markdown);
    return report;
  } finally {
    model.dispose();
  }
}
