import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../core/index.js';
import type { ModelFrames } from '../frames.js';
import { addDense, addLayerNorm, addMlp, dense, layerNorm, mlp } from '../nn.js';
import type { ParamStore } from '../paramStore.js';
import type { ModalityEncoder } from './modalityEncoder.js';

const PREFIX = 'enc.rgb';

/**
 * RGB encoder. The default is a patch embedding + MLP-mixer: only matMuls, whose backward
 * pass is fast on wasm, where conv backprop is slow or missing. 'conv' (three stride-2
 * convolutions) is there for backends with fast convolutions (tfjs-node, webgl).
 */
export function imageEncoder(store: ParamStore, config: ModelConfig): ModalityEncoder {
  return config.image.encoder === 'conv' ? convEncoder(store, config) : mixerEncoder(store, config);
}

function mixerEncoder(store: ParamStore, config: ModelConfig): ModalityEncoder {
  const { size, patchSize: p, width: c, mixerDepth, tokenHidden, channelHidden } = config.image;
  const grid = size / p;
  const tokens = grid * grid;
  const patchDim = p * p * 3;
  addDense(store, `${PREFIX}.embed`, patchDim, c, 1);
  for (let i = 0; i < mixerDepth; i++) {
    addLayerNorm(store, `${PREFIX}.b${i}.ln1`, c);
    addMlp(store, `${PREFIX}.b${i}.tok`, [tokens, tokenHidden, tokens]);
    addLayerNorm(store, `${PREFIX}.b${i}.ln2`, c);
    addMlp(store, `${PREFIX}.b${i}.ch`, [c, channelHidden, c]);
  }
  const keypoints = config.image.keypoints;
  // Pooled channels, then each channel's expected grid x and y (its spatial soft-argmax).
  const features = keypoints ? 3 * c : c;
  addLayerNorm(store, `${PREFIX}.ln`, features);
  addDense(store, `${PREFIX}.head`, features, config.latentDim, 1);
  const coords = keypoints ? gridCoordinates(grid) : undefined;
  return {
    modality: 'rgb',
    prefix: PREFIX,
    input(frames, rows) {
      return tf.tensor3d(patchify(frames, rows, size, p), [rows.length, tokens, patchDim]);
    },
    apply(w, input) {
      return tf.tidy(() => {
        let x = dense(w, `${PREFIX}.embed`, input);
        for (let i = 0; i < mixerDepth; i++) {
          // Token mixing runs across patches, so it needs the [n, C, T] view.
          const t = tf.transpose(layerNorm(w, `${PREFIX}.b${i}.ln1`, x), [0, 2, 1]);
          x = tf.add(x, tf.transpose(mlp(w, `${PREFIX}.b${i}.tok`, 2, t, 'relu'), [0, 2, 1]));
          x = tf.add(x, mlp(w, `${PREFIX}.b${i}.ch`, 2, layerNorm(w, `${PREFIX}.b${i}.ln2`, x), 'relu'));
        }
        const pooled = coords === undefined ? tf.mean(x, 1) : tf.concat([tf.mean(x, 1), spatialSoftArgmax(x, tf.tensor2d(coords, [tokens, 2]))], 1);
        return dense(w, `${PREFIX}.head`, layerNorm(w, `${PREFIX}.ln`, pooled)) as tf.Tensor2D;
      });
    },
  };
}

/** [tokens, 2] x and y of each token's centre, row-major over the grid, in [-1, 1]. */
function gridCoordinates(grid: number): Float32Array {
  const values = new Float32Array(grid * grid * 2);
  for (let gy = 0; gy < grid; gy++) {
    for (let gx = 0; gx < grid; gx++) {
      values[2 * (gy * grid + gx)] = grid === 1 ? 0 : (2 * gx) / (grid - 1) - 1;
      values[2 * (gy * grid + gx) + 1] = grid === 1 ? 0 : (2 * gy) / (grid - 1) - 1;
    }
  }
  return values;
}

/**
 * Spatial soft-argmax (Levine et al. 2016, "deep spatial autoencoders"): each channel's
 * softmax over the tokens, and the expected grid position under it: [n, T, C] -> [n, 2C]
 * (all x, then all y). Why: mean pooling keeps what is in the picture but blurs where; a
 * hand or an object is a place, and these features carry it as numbers a read-out can use.
 */
function spatialSoftArgmax(x: tf.Tensor, coords: tf.Tensor2D): tf.Tensor2D {
  const [n, tokens, channels] = x.shape as [number, number, number];
  const attention = tf.softmax(tf.transpose(x, [0, 2, 1]), -1); // [n, C, T]
  const expected = tf.matMul(tf.reshape(attention, [n * channels, tokens]), coords); // [n C, 2]
  return tf.reshape(tf.transpose(tf.reshape(expected, [n, channels, 2]), [0, 2, 1]), [n, 2 * channels]) as tf.Tensor2D;
}

function convEncoder(store: ParamStore, config: ModelConfig): ModalityEncoder {
  const { size, width } = config.image;
  const channels = [Math.max(1, width >> 2), Math.max(1, width >> 1), width];
  let cin = 3;
  channels.forEach((cout, i) => {
    store.add(`${PREFIX}.conv${i}.w`, [4, 4, cin, cout], { kind: 'normal', fanIn: 16 * cin, gain: Math.SQRT2 });
    store.add(`${PREFIX}.conv${i}.b`, [cout], { kind: 'zeros' });
    cin = cout;
  });
  addLayerNorm(store, `${PREFIX}.ln`, width);
  addDense(store, `${PREFIX}.head`, width, config.latentDim, 1);
  return {
    modality: 'rgb',
    prefix: PREFIX,
    input(frames, rows) {
      return tf.tensor4d(gatherImages(frames, rows, size), [rows.length, size, size, 3]);
    },
    apply(w, input) {
      return tf.tidy(() => {
        let x = input as tf.Tensor4D;
        for (let i = 0; i < channels.length; i++) {
          const conv = tf.conv2d(x, w(`${PREFIX}.conv${i}.w`) as tf.Tensor4D, 2, 'same');
          x = tf.relu(tf.add(conv, w(`${PREFIX}.conv${i}.b`))) as tf.Tensor4D;
        }
        const pooled = layerNorm(w, `${PREFIX}.ln`, tf.mean(x, [1, 2]));
        return dense(w, `${PREFIX}.head`, pooled) as tf.Tensor2D;
      });
    },
  };
}

/**
 * [n, tokens, p*p*3] patches scaled to [0, 1], built in JS: one pass over the bytes, and no
 * rank-6 transpose for the backend to support.
 */
export function patchify(frames: ModelFrames, rows: readonly number[], size: number, p: number): Float32Array {
  const grid = size / p;
  const frameSize = size * size * 3;
  const patchDim = p * p * 3;
  const out = new Float32Array(rows.length * frameSize);
  const rgb = frames.rgb;
  if (rgb === undefined) return out;
  const mask = frames.present?.rgb;
  rows.forEach((row, i) => {
    if (mask !== undefined && mask[row] === 0) return;
    const src = row * frameSize;
    for (let gy = 0; gy < grid; gy++) {
      for (let gx = 0; gx < grid; gx++) {
        let dst = (i * grid * grid + gy * grid + gx) * patchDim;
        for (let y = 0; y < p; y++) {
          let s = src + ((gy * p + y) * size + gx * p) * 3;
          for (let k = 0; k < p * 3; k++) out[dst++] = rgb[s++] / 255;
        }
      }
    }
  });
  return out;
}

/** [n, size, size, 3] scaled to [0, 1]. */
function gatherImages(frames: ModelFrames, rows: readonly number[], size: number): Float32Array {
  const frameSize = size * size * 3;
  const out = new Float32Array(rows.length * frameSize);
  const rgb = frames.rgb;
  if (rgb === undefined) return out;
  const mask = frames.present?.rgb;
  rows.forEach((row, i) => {
    if (mask !== undefined && mask[row] === 0) return;
    for (let k = 0; k < frameSize; k++) out[i * frameSize + k] = rgb[row * frameSize + k] / 255;
  });
  return out;
}
