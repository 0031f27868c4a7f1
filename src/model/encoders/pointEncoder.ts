import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../core/index.js';
import { globalMaxPool } from '../engine/index.js';
import { gatherRows } from '../frames.js';
import type { ModelFrames } from '../frames.js';
import { addDense, addLayerNorm, dense, layerNorm } from '../nn.js';
import { RunningNormalizer } from '../normalizer.js';
import type { ParamStore } from '../paramStore.js';
import type { ModalityEncoder } from './modalityEncoder.js';

const PREFIX = 'enc.points';

/**
 * PointNet-style encoder: a shared per-point MLP, then a symmetric max over points, so the
 * embedding ignores point order and any number of points can be fed (duplicates change nothing).
 */
export function pointEncoder(store: ParamStore, config: ModelConfig): ModalityEncoder {
  const hidden = config.points.hidden;
  const norm = new RunningNormalizer(store, 'norm.points', 3);
  let fanIn = 3;
  hidden.forEach((h, i) => {
    addDense(store, `${PREFIX}.mlp${i}`, fanIn, h);
    fanIn = h;
  });
  addLayerNorm(store, `${PREFIX}.ln`, fanIn);
  addDense(store, `${PREFIX}.head`, fanIn, config.latentDim, 1);
  return {
    modality: 'points',
    prefix: PREFIX,
    input(frames, rows) {
      const n = frames.pointCount ?? config.points.count;
      return tf.tensor3d(gatherRows(frames.points, frames.present?.points, rows, n * 3), [rows.length, n, 3]);
    },
    apply(w, input) {
      return tf.tidy(() => {
        let x = norm.apply(w, input, 10);
        hidden.forEach((_, i) => {
          x = dense(w, `${PREFIX}.mlp${i}`, x, 'relu');
        });
        const pooled = layerNorm(w, `${PREFIX}.ln`, poolPoints(x as tf.Tensor3D));
        return dense(w, `${PREFIX}.head`, pooled) as tf.Tensor2D;
      });
    },
    observe(frames: ModelFrames, rows) {
      if (frames.points === undefined) return;
      const n = frames.pointCount ?? config.points.count;
      const mask = frames.present?.points;
      const kept = rows.filter((r) => mask === undefined || mask[r] !== 0);
      // Every point row of every kept frame is one sample of the coordinate statistics.
      norm.update(gatherRows(frames.points, undefined, kept, n * 3));
    },
  };
}

/**
 * Symmetric pooling over points, [n, N, C] -> [n, C]: the engine's max pool, whose gradient
 * scatters to the argmax instead of building tf.max's [n, N, C] mask (half a step on wasm).
 */
function poolPoints(x: tf.Tensor3D): tf.Tensor2D {
  return globalMaxPool(x);
}
