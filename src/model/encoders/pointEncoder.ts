import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../core/index.js';
import { globalMaxPool } from '../engine/index.js';
import { gatherRows } from '../frames.js';
import type { ModelFrames } from '../frames.js';
import { addDense, addLayerNorm, dense, layerNorm } from '../nn.js';
import { RunningNormalizer } from '../normalizer.js';
import type { ParamStore } from '../paramStore.js';
import type { ModalityEncoder } from './modalityEncoder.js';

/** Which point set an encoder reads: the scene cloud ('points') or the object view ('object'). */
type PointModality = 'points' | 'object';

/**
 * PointNet-style encoder: a shared per-point MLP, then a symmetric max over points, so the
 * embedding ignores point order and any number of points can be fed (duplicates change nothing).
 * The same design reads the scene cloud and the object view, each with its own weights.
 */
export function pointEncoder(store: ParamStore, config: ModelConfig, modality: PointModality = 'points'): ModalityEncoder {
  // 'objectView' for the object's: norm.object is the object head's label statistics.
  const name = modality === 'points' ? 'points' : 'objectView';
  const PREFIX = `enc.${name}`;
  const hidden = modality === 'points' ? config.points.hidden : config.objectView.hidden;
  const pointsPerFrame = (frames: ModelFrames): number => (modality === 'points' ? (frames.pointCount ?? config.points.count) : config.objectView.count);
  const norm = new RunningNormalizer(store, `norm.${name}`, 3);
  let fanIn = 3;
  hidden.forEach((h, i) => {
    addDense(store, `${PREFIX}.mlp${i}`, fanIn, h);
    fanIn = h;
  });
  addLayerNorm(store, `${PREFIX}.ln`, fanIn);
  addDense(store, `${PREFIX}.head`, fanIn, config.latentDim, 1);
  return {
    modality,
    prefix: PREFIX,
    input(frames, rows) {
      const n = pointsPerFrame(frames);
      return tf.tensor3d(gatherRows(frames[modality], frames.present?.[modality], rows, n * 3), [rows.length, n, 3]);
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
      const values = frames[modality];
      if (values === undefined) return;
      const n = pointsPerFrame(frames);
      const mask = frames.present?.[modality];
      const kept = rows.filter((r) => mask === undefined || mask[r] !== 0);
      // Every point row of every kept frame is one sample of the coordinate statistics.
      norm.update(gatherRows(values, undefined, kept, n * 3));
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
