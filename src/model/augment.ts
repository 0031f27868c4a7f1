import type { ModelConfig } from '../core/index.js';
import type { Rng } from '../core/Rng.js';

export type AugmentConfig = ModelConfig['augment'];

/**
 * Training views of a batch's images: a photometric jitter drawn for every frame on its own
 * (brightness, contrast, a gain per colour channel) and one small translation per sequence
 * (the camera sits a little elsewhere), as DrQ (Kostrikov et al. 2020) and the BYOL/VICReg
 * views do. Why per frame: the context frame and its targets then differ in appearance, so
 * a latent that encodes the episode's colours and light stops predicting its own future,
 * and only what actions change (the hand, the objects) stays predictable. Without it the
 * image part learned the scene's colours (a ridge probe read the hand at R² 0.59 on train
 * and below 0 under unseen colours or light). Why per sequence for the shift: the rollout
 * must still see the hand move between frames of one sequence.
 *
 * Returns a new array ([B, H+1, size, size, 3] uint8, as `rgb`); `rgb` (the replay buffer's
 * own bytes) is left alone. Written by hand: a few multiply-adds per byte in one pass, with
 * no tensors to allocate for what the trainer then packs from bytes anyway.
 */
export function augmentImages(
  rgb: Uint8Array,
  batchSize: number,
  framesPerSequence: number,
  size: number,
  config: AugmentConfig,
  rng: Rng,
): Uint8Array {
  const frameBytes = size * size * 3;
  if (rgb.length !== batchSize * framesPerSequence * frameBytes) {
    throw new RangeError(`augmentImages: ${rgb.length} bytes for ${batchSize} x ${framesPerSequence} frames of ${size}x${size}x3`);
  }
  const out = new Uint8Array(rgb.length);
  const gains = new Float32Array(3);
  for (let s = 0; s < batchSize; s++) {
    const dx = config.shift > 0 ? rng.int(-config.shift, config.shift + 1) : 0;
    const dy = config.shift > 0 ? rng.int(-config.shift, config.shift + 1) : 0;
    for (let f = 0; f < framesPerSequence; f++) {
      const offset = (s * framesPerSequence + f) * frameBytes;
      const brightness = 1 + rng.uniform(-config.brightness, config.brightness);
      for (let c = 0; c < 3; c++) gains[c] = brightness * (1 + rng.uniform(-config.color, config.color));
      const contrast = 1 + rng.uniform(-config.contrast, config.contrast);
      const mean = meanValue(rgb, offset, frameBytes);
      for (let y = 0; y < size; y++) {
        // Edge pixels repeat where the shifted view reaches past the frame.
        const sy = Math.min(size - 1, Math.max(0, y - dy));
        for (let x = 0; x < size; x++) {
          const sx = Math.min(size - 1, Math.max(0, x - dx));
          const src = offset + (sy * size + sx) * 3;
          const dst = offset + (y * size + x) * 3;
          for (let c = 0; c < 3; c++) {
            const v = ((rgb[src + c] - mean) * contrast + mean) * gains[c];
            out[dst + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
          }
        }
      }
    }
  }
  return out;
}

/** Whether any augmentation is on. */
export function augments(config: AugmentConfig): boolean {
  return config.brightness > 0 || config.contrast > 0 || config.color > 0 || config.shift > 0;
}

function meanValue(bytes: Uint8Array, offset: number, length: number): number {
  let sum = 0;
  for (let i = offset; i < offset + length; i++) sum += bytes[i];
  return sum / length;
}
