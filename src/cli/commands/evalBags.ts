import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readBagEpisodes } from '../../bag/index.js';
import type { BagEpisode } from '../../bag/index.js';
import { compactFrame } from '../../learn/CompactFrame.js';
import type { CompactFrame } from '../../learn/CompactFrame.js';
import { initBackend, loadCheckpoint } from '../../model/index.js';
import type { WorldModel } from '../../model/index.js';
import { encodeLatents } from '../../eval/common/encodeLatents.js';
import { markdownTable } from '../../eval/common/markdown.js';
import { packFrames } from '../../eval/common/packFrames.js';
import { fitStandardizer, meanStd } from '../../eval/common/stats.js';
import type { Runtime } from '../runtime.js';

export interface EvalBagsOptions {
  readonly bags: string;
  readonly ckpt: string;
  readonly horizon?: string;
  readonly out?: string;
}

export interface HorizonError {
  readonly horizon: number;
  /** Mean squared latent error / total latent variance (1 = as far apart as two random states). */
  readonly model: number;
  readonly modelStd: number;
  /** Predicting "nothing changes": the start latent. */
  readonly copyLast: number;
  readonly copyLastStd: number;
  readonly starts: number;
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
export function predictionErrorPerHorizon(model: WorldModel, episodes: ReadonlyArray<BagEpisode<CompactFrame>>, horizon: number): HorizonError[] {
  const frames = packFrames(episodes.flatMap((e) => e.frames), model.config);
  const latents = encodeLatents(model, frames);
  const d = latents.dim;
  const a = model.actionDim;
  const std = fitStandardizer(latents.state, latents.count, d);
  let variance = 0;
  for (let j = 0; j < d; j++) variance += std.std[j] ** 2;
  variance = Math.max(variance, 1e-12);
  const modelErr: number[][] = Array.from({ length: horizon }, () => []);
  const copyErr: number[][] = Array.from({ length: horizon }, () => []);
  let offset = 0;
  for (const ep of episodes) {
    const starts = Math.max(0, ep.actions.length - horizon + 1);
    if (starts > 0) {
      const startStates = new Float32Array(starts * d);
      const actions = new Float32Array(starts * horizon * a);
      for (let s = 0; s < starts; s++) {
        startStates.set(latents.state.subarray((offset + s) * d, (offset + s + 1) * d), s * d);
        for (let k = 0; k < horizon; k++) actions.set(ep.actions[s + k], (s * horizon + k) * a);
      }
      const predicted = tf.tidy(() => model.rollout(tf.tensor2d(startStates, [starts, d]), tf.tensor3d(actions, [starts, horizon, a])).dataSync() as Float32Array);
      for (let s = 0; s < starts; s++) {
        for (let k = 0; k < horizon; k++) {
          let e = 0;
          let c = 0;
          const target = (offset + s + k + 1) * d;
          for (let j = 0; j < d; j++) {
            const truth = latents.state[target + j];
            e += (predicted[(s * horizon + k) * d + j] - truth) ** 2;
            c += (startStates[s * d + j] - truth) ** 2;
          }
          modelErr[k].push(e / variance);
          copyErr[k].push(c / variance);
        }
      }
    }
    offset += ep.frames.length;
  }
  return modelErr.map((errs, k) => {
    const m = meanStd(errs);
    const c = meanStd(copyErr[k]);
    return { horizon: k + 1, model: m.mean, modelStd: m.std, copyLast: c.mean, copyLastStd: c.std, starts: errs.length };
  });
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

/** `jepa-agent eval --bags DIR --ckpt CKPT`: JSON on stdout (and report.json + report.md with --out). */
export async function evalBags(runtime: Runtime, options: EvalBagsOptions): Promise<EvalBagsReport> {
  const { config, logger } = runtime;
  await initBackend({ backend: config.engine.backend, logger });
  const model = await loadCheckpoint(options.ckpt, { logger });
  try {
    const horizon = Number(options.horizon ?? model.config.horizon);
    if (!Number.isInteger(horizon) || horizon < 1) throw new Error(`eval: --horizon must be a positive integer, got ${options.horizon}`);
    const episodes = await readBagEpisodes<CompactFrame>(options.bags, { convert: (o) => compactFrame(o, model.config) });
    if (episodes.length === 0) throw new Error(`eval: no episode with transitions in ${resolve(options.bags)}`);
    if (episodes[0].actions[0].length !== model.actionDim) {
      throw new Error(`eval: the bags' actions have ${episodes[0].actions[0].length} components, the checkpoint's model takes ${model.actionDim}`);
    }
    const report: EvalBagsReport = {
      bags: resolve(options.bags),
      ckpt: resolve(options.ckpt),
      episodes: episodes.length,
      frames: episodes.reduce((n, e) => n + e.frames.length, 0),
      horizons: predictionErrorPerHorizon(model, episodes, horizon),
    };
    const markdown = evalBagsMarkdown(report);
    if (options.out !== undefined) {
      const out = resolve(options.out);
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
      writeFileSync(join(out, 'report.md'), markdown);
    }
    process.stdout.write(`${JSON.stringify(report)}\n`);
    process.stderr.write(markdown);
    return report;
  } finally {
    model.dispose();
  }
}
