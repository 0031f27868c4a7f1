import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../core/index.js';
import { gatherRows } from '../frames.js';
import { addDense, denseChain } from '../nn.js';
import type { RunningNormalizer } from '../normalizer.js';
import type { ParamStore } from '../paramStore.js';
import type { ModalityEncoder } from './modalityEncoder.js';

const PREFIX = 'enc.proprio';

/** Proprioception encoder: running-normalised vector (see proprioLayout) through a 2-layer MLP. */
export function proprioEncoder(store: ParamStore, config: ModelConfig, norm: RunningNormalizer): ModalityEncoder {
  const { dim, hidden } = config.proprio;
  addDense(store, `${PREFIX}.0`, dim, hidden);
  addDense(store, `${PREFIX}.1`, hidden, hidden);
  addDense(store, `${PREFIX}.head`, hidden, config.latentDim, 1);
  return {
    modality: 'proprio',
    prefix: PREFIX,
    input(frames, rows) {
      return tf.tensor2d(gatherRows(frames.proprio, frames.present?.proprio, rows, dim), [rows.length, dim]);
    },
    apply(w, input) {
      return tf.tidy(() => {
        const x = norm.apply(w, input, 10);
        return denseChain(w, x, [
          [`${PREFIX}.0`, 'relu'],
          [`${PREFIX}.1`, 'relu'],
          [`${PREFIX}.head`, 'none'],
        ]) as tf.Tensor2D;
      });
    },
    observe(frames, rows) {
      if (frames.proprio === undefined) return;
      const mask = frames.present?.proprio;
      norm.update(gatherRows(frames.proprio, undefined, rows.filter((r) => mask === undefined || mask[r] !== 0), dim));
    },
  };
}
