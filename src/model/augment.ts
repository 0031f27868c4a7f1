import type { ModelConfig } from '../core/index.js';
import type { Rng } from '../core/Rng.js';

/** The view amplitudes (which frames get a view is the trainer's business: model.augment.targets). */
export type AugmentConfig = Omit<ModelConfig['augment'], 'targets' | 'objectYaw' | 'objectTurn'>;

/**
 * Training views of a batch's images: a photometric jitter drawn for every frame on its own
 * (brightness, contrast, hue, saturation, a gain per colour channel) and one small translation per sequence
 * (the camera sits a little elsewhere), as DrQ (Kostrikov et al. 2020) and the BYOL/VICReg
 * views do. Why per frame: the context frame and its targets then differ in appearance, so
 * a latent that encodes the episode's colours and light stops predicting its own future,
 * and only what actions change (the hand, the objects) stays predictable. Measured on a
 * babble-trained model (1500 steps): a ridge probe read the hand from the image part at R²
 * 0.30 on train without it, 0.59 with it (hue and saturation off); both below 0.2 under
 * unseen colours, light or camera. Why per sequence for the shift: the rollout
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
  for (let s = 0; s < batchSize; s++) {
    const dx = config.shift > 0 ? rng.int(-config.shift, config.shift + 1) : 0;
    const dy = config.shift > 0 ? rng.int(-config.shift, config.shift + 1) : 0;
    for (let f = 0; f < framesPerSequence; f++) {
      const offset = (s * framesPerSequence + f) * frameBytes;
      // One affine colour map per frame, out = A x + b, so each pixel costs 9 multiply-adds.
      const { a, b } = colourMap(config, rng, meanValue(rgb, offset, frameBytes));
      // The map's coefficients as locals: the loop below runs 4096 times per frame.
      const [a0, a1, a2, a3, a4, a5, a6, a7, a8] = a;
      const [b0, b1, b2] = b;
      for (let y = 0; y < size; y++) {
        // Edge pixels repeat where the shifted view reaches past the frame.
        const sy = Math.min(size - 1, Math.max(0, y - dy));
        let dst = offset + y * size * 3;
        for (let x = 0; x < size; x++, dst += 3) {
          const sx = Math.min(size - 1, Math.max(0, x - dx));
          const src = offset + (sy * size + sx) * 3;
          const r = rgb[src];
          const g = rgb[src + 1];
          const bl = rgb[src + 2];
          out[dst] = toByte(a0 * r + a1 * g + a2 * bl + b0);
          out[dst + 1] = toByte(a3 * r + a4 * g + a5 * bl + b1);
          out[dst + 2] = toByte(a6 * r + a7 * g + a8 * bl + b2);
        }
      }
    }
  }
  return out;
}

/**
 * v clamped to [0, 255] and rounded half up, as Math.round (v - floor(v) is exact, so this is
 * the same integer), through an int32 truncation that V8 compiles to one instruction.
 */
function toByte(v: number): number {
  if (v <= 0) return 0;
  if (v >= 255) return 255;
  const floor = v | 0;
  return v - floor >= 0.5 ? floor + 1 : floor;
}

/**
 * One frame's colour jitter as an affine map of (r, g, b): contrast about the frame's mean
 * grey, then a hue rotation about the grey axis, a saturation change toward the pixel's own
 * grey, and brightness times a gain per channel (torchvision's ColorJitter, as one matrix).
 */
function colourMap(config: AugmentConfig, rng: Rng, mean: number): { a: Float64Array; b: Float64Array } {
  const contrast = 1 + rng.uniform(-config.contrast, config.contrast);
  const angle = 2 * Math.PI * rng.uniform(-config.hue, config.hue);
  const saturation = 1 + rng.uniform(-config.saturation, config.saturation);
  const brightness = 1 + rng.uniform(-config.brightness, config.brightness);
  const gains = [0, 1, 2].map(() => brightness * (1 + rng.uniform(-config.color, config.color)));
  // Rotation about u = (1, 1, 1) / sqrt 3: cos I + (1 - cos) u u^T + sin [u]x.
  const cos = Math.cos(angle);
  const sin = Math.sin(angle) / Math.sqrt(3);
  const third = (1 - cos) / 3;
  const rotation = [cos + third, third - sin, third + sin, third + sin, cos + third, third - sin, third - sin, third + sin, cos + third];
  const a = new Float64Array(9);
  for (let c = 0; c < 3; c++) {
    for (let k = 0; k < 3; k++) {
      // Saturation: s R + (1 - s) (1/3) 1 1^T R, and the grey axis is R's fixed axis, so the second term is (1 - s) / 3.
      a[3 * c + k] = gains[c] * contrast * (saturation * rotation[3 * c + k] + (1 - saturation) / 3);
    }
  }
  // Contrast moves every channel toward the frame's mean grey, which the rest of the map keeps grey.
  const b = Float64Array.from(gains, (gain) => gain * (1 - contrast) * mean);
  return { a, b };
}

/**
 * Training views of object views ([frames, pointsPerView, 3], relative to the object's
 * middle): turned about the base frame's vertical by a random angle within ±maxYaw, one
 * angle per `framesPerTurn` consecutive frames (1: every frame its own; H + 1: one per
 * sequence). Returns a new array; `object` is left alone.
 */
export function rotateObjectViews(object: Float32Array, frames: number, pointsPerView: number, maxYaw: number, rng: Rng, framesPerTurn = 1): Float32Array {
  if (object.length !== frames * pointsPerView * 3) {
    throw new RangeError(`rotateObjectViews: ${object.length} values for ${frames} views of ${pointsPerView} points`);
  }
  if (!Number.isInteger(framesPerTurn) || framesPerTurn < 1) throw new RangeError(`rotateObjectViews: framesPerTurn must be a positive integer, got ${framesPerTurn}`);
  const out = new Float32Array(object.length);
  let c = 1;
  let s = 0;
  for (let f = 0; f < frames; f++) {
    if (f % framesPerTurn === 0) {
      const angle = rng.uniform(-maxYaw, maxYaw);
      c = Math.cos(angle);
      s = Math.sin(angle);
    }
    for (let p = f * pointsPerView; p < (f + 1) * pointsPerView; p++) {
      const x = object[3 * p];
      const y = object[3 * p + 1];
      out[3 * p] = c * x - s * y;
      out[3 * p + 1] = s * x + c * y;
      out[3 * p + 2] = object[3 * p + 2];
    }
  }
  return out;
}

/** Whether any augmentation is on. */
export function augments(config: AugmentConfig): boolean {
  return config.brightness > 0 || config.contrast > 0 || config.color > 0 || config.hue > 0 || config.saturation > 0 || config.shift > 0;
}

function meanValue(bytes: Uint8Array, offset: number, length: number): number {
  // An int32 sum: exact (a frame of up to 1024 x 1024 x 3 bytes sums to far below 2^31), and faster than a float one.
  let sum = 0;
  for (let i = offset; i < offset + length; i++) sum = (sum + bytes[i]) | 0;
  return sum / length;
}
