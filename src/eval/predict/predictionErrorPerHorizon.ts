import * as tf from '@tensorflow/tfjs';
import type { WorldModel } from '../../model/index.js';
import type { Latents } from '../common/encodeLatents.js';
import { fitStandardizer, meanStd } from '../common/stats.js';

/** Open-loop prediction error at one horizon, beside the copy-last baseline. */
export interface HorizonError {
  readonly horizon: number;
  /** Predictor rollout: mean over starts of ||pred - enc(x_{t+k})||^2 / total latent variance (1 = as far apart as two random states). */
  readonly model: number;
  readonly modelStd: number;
  /** Copy-last baseline: the latent of x_t stands for x_{t+k}. */
  readonly copyLast: number;
  readonly copyLastStd: number;
  readonly starts: number;
}

/** An episode's frames (already encoded in `latents`, episode after episode) and the actions between them. */
export interface EpisodeActions {
  readonly frames: { readonly length: number };
  readonly actions: readonly Float32Array[];
}

/**
 * Rolls the predictor open loop from every start t with the real actions t..t+H-1 and
 * compares with the encoded frames t+1..t+H. Errors are normalised by the total variance of
 * these latents, so encoders with different latent scales (trained, random) compare.
 */
export function predictionErrorPerHorizon(model: WorldModel, episodes: readonly EpisodeActions[], latents: Latents, horizon: number): HorizonError[] {
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
      const rolled = tf.tidy(() => model.rollout(tf.tensor2d(startStates, [starts, d]), tf.tensor3d(actions, [starts, horizon, a])));
      const predicted = rolled.dataSync() as Float32Array;
      rolled.dispose();
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
