import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../core/index.js';
import { pointMlpMaxPool } from '../engine/index.js';
import { gatherObjectPlaces, gatherRows } from '../frames.js';
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
  // The object view is centred on the object's middle: with objectView.place that middle joins
  // the pooled shape features before the head, so the embedding says where as well as what.
  const placeNorm = modality === 'object' && config.objectView.place ? new RunningNormalizer(store, `norm.${name}.place`, 3) : undefined;
  // With objectView.motion, how far that middle moved since the tick before joins it: the object's velocity.
  const motionNorm = placeNorm !== undefined && config.objectView.motion ? new RunningNormalizer(store, `norm.${name}.motion`, 3) : undefined;
  const extraRows = (placeNorm === undefined ? 0 : 1) + (motionNorm === undefined ? 0 : 1);
  let fanIn = 3;
  hidden.forEach((h, i) => {
    addDense(store, `${PREFIX}.mlp${i}`, fanIn, h);
    fanIn = h;
  });
  addLayerNorm(store, `${PREFIX}.ln`, fanIn);
  addDense(store, `${PREFIX}.head`, fanIn + 3 * extraRows, config.latentDim, 1);
  return {
    modality,
    prefix: PREFIX,
    input(frames, rows) {
      const n = pointsPerFrame(frames);
      const points = gatherRows(frames[modality], frames.present?.[modality], rows, n * 3);
      if (placeNorm === undefined) return tf.tensor3d(points, [rows.length, n, 3]);
      // More rows per frame after its points: the place (zeros where none was seen; such rows
      // are masked out of the fusion), then with objectView.motion its motion (zeros where unknown).
      const places = frames.objectPlace === undefined ? undefined : gatherObjectPlaces(frames.objectPlace, rows).values;
      const motions = motionNorm === undefined || frames.objectMotion === undefined ? undefined : gatherRows(frames.objectMotion, undefined, rows, 3);
      const width = n + extraRows;
      const packed = new Float32Array(rows.length * width * 3);
      rows.forEach((_, i) => {
        packed.set(points.subarray(i * n * 3, (i + 1) * n * 3), i * width * 3);
        if (places !== undefined) packed.set(places.subarray(3 * i, 3 * i + 3), (i * width + n) * 3);
        if (motions !== undefined) packed.set(motions.subarray(3 * i, 3 * i + 3), (i * width + n + 1) * 3);
      });
      return tf.tensor3d(packed, [rows.length, width, 3]);
    },
    apply(w, input) {
      return tf.tidy(() => {
        const [rows, width] = input.shape;
        const n = width - extraRows;
        const points = placeNorm === undefined ? input : tf.slice(input, [0, 0, 0], [rows, n, 3]);
        const x = norm.apply(w, points, 10) as tf.Tensor3D;
        const layers = hidden.map((_, i) => ({ w: w(`${PREFIX}.mlp${i}.w`) as tf.Tensor2D, b: w(`${PREFIX}.mlp${i}.b`) as tf.Tensor1D }));
        let pooled = layerNorm(w, `${PREFIX}.ln`, pointMlpMaxPool(x, layers));
        if (placeNorm !== undefined) {
          const place = tf.reshape(tf.slice(input, [0, n, 0], [rows, 1, 3]), [rows, 3]);
          pooled = tf.concat([pooled, placeNorm.apply(w, place, 10)], 1);
        }
        if (motionNorm !== undefined) {
          const motion = tf.reshape(tf.slice(input, [0, n + 1, 0], [rows, 1, 3]), [rows, 3]);
          pooled = tf.concat([pooled, motionNorm.apply(w, motion, 10)], 1);
        }
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
      // Rows where no object was seen are NaN, which the normaliser skips.
      if (placeNorm !== undefined && frames.objectPlace !== undefined) placeNorm.update(gatherRows(frames.objectPlace, undefined, kept, 3));
      if (motionNorm !== undefined && frames.objectMotion !== undefined) motionNorm.update(gatherRows(frames.objectMotion, undefined, kept, 3));
    },
  };
}
