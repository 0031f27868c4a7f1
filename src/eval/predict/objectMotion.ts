import * as tf from '@tensorflow/tfjs';
import type { SplitName } from '../../core/config/simConfig.js';
import type { WorldModel } from '../../model/index.js';
import type { BabbleEpisode } from '../common/babble.js';
import type { Latents } from '../common/encodeLatents.js';
import { meanStd } from '../common/stats.js';

/**
 * How well the model foresees an object moving under the hand, at one horizon: over the
 * steps where the true object moved at least MIN_MOVE horizontally in k actions, the object
 * head's reading of the k-step open-loop prediction, as a displacement from its reading of
 * the start state (so the head's bias cancels, as in the planner's object-goal term), against
 * the true displacement. Copy-last (the object stays) errs by the whole displacement.
 */
export interface ObjectMotionCell {
  readonly split: SplitName;
  readonly horizon: number;
  /** (start, horizon) pairs in which the object moved. */
  readonly moves: number;
  /** Mean true horizontal displacement, cm. */
  readonly meanMoveCm: number;
  /** Mean |predicted - true| horizontal displacement, cm (copy-last: meanMoveCm). */
  readonly predictedErrorCm: number;
  /** The same read from the encoded true next frame instead of the prediction: what the encoder's reading allows at best. */
  readonly encodedErrorCm: number;
  /** Mean cosine between predicted and true displacement directions (0 when the prediction does not move). */
  readonly directionCosine: number;
}

/** A move smaller than this is no push (the object settles by millimetres), metres. */
const MIN_MOVE = 0.01;

export function objectMotionPerHorizon(model: WorldModel, split: SplitName, episodes: readonly BabbleEpisode[], latents: Latents, horizon: number): ObjectMotionCell[] {
  const decode = model.decodeObject;
  if (decode === undefined) return [];
  const d = latents.dim;
  // The head's reading of every encoded frame, [frames, 3].
  const read = tf.tidy(() => decode(tf.tensor2d(latents.state, [latents.count, d])).dataSync() as Float32Array);
  const cells: ObjectMotionCell[] = [];
  for (let k = 1; k <= horizon; k++) {
    const starts: number[] = [];
    const actions: number[] = [];
    const truth: number[] = [];
    let offset = 0;
    for (const e of episodes) {
      for (let t = 0; t + k < e.frames.length; t++) {
        const dx = e.object[3 * (t + k)] - e.object[3 * t];
        const dy = e.object[3 * (t + k) + 1] - e.object[3 * t + 1];
        if (Math.hypot(dx, dy) < MIN_MOVE) continue;
        starts.push(offset + t);
        for (let j = 0; j < k; j++) actions.push(...e.actions[t + j]);
        truth.push(dx, dy);
      }
      offset += e.frames.length;
    }
    const n = starts.length;
    if (n === 0) {
      cells.push({ split, horizon: k, moves: 0, meanMoveCm: 0, predictedErrorCm: Number.NaN, encodedErrorCm: Number.NaN, directionCosine: Number.NaN });
      continue;
    }
    const predicted = tf.tidy(() => {
      const start = tf.tensor2d(Float32Array.from(starts.flatMap((i) => Array.from(latents.state.subarray(i * d, (i + 1) * d)))), [n, d]);
      const rolled = model.rollout(start, tf.tensor3d(actions, [n, k, model.actionDim]));
      const last = tf.squeeze(tf.slice(rolled, [0, k - 1, 0], [-1, 1, -1]), [1]) as tf.Tensor2D;
      return decode(last).dataSync() as Float32Array;
    });
    const predictedErr: number[] = [];
    const encodedErr: number[] = [];
    const cosines: number[] = [];
    const moves: number[] = [];
    starts.forEach((i, j) => {
      const [tx, ty] = [truth[2 * j], truth[2 * j + 1]];
      const [px, py] = [predicted[3 * j] - read[3 * i], predicted[3 * j + 1] - read[3 * i + 1]];
      const [ex, ey] = [read[3 * (i + k)] - read[3 * i], read[3 * (i + k) + 1] - read[3 * i + 1]];
      predictedErr.push(100 * Math.hypot(px - tx, py - ty));
      encodedErr.push(100 * Math.hypot(ex - tx, ey - ty));
      const norm = Math.hypot(px, py) * Math.hypot(tx, ty);
      cosines.push(norm > 0 ? (px * tx + py * ty) / norm : 0);
      moves.push(100 * Math.hypot(tx, ty));
    });
    cells.push({
      split,
      horizon: k,
      moves: n,
      meanMoveCm: meanStd(moves).mean,
      predictedErrorCm: meanStd(predictedErr).mean,
      encodedErrorCm: meanStd(encodedErr).mean,
      directionCosine: meanStd(cosines).mean,
    });
  }
  return cells;
}
