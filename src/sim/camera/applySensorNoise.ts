import type { NoiseConfig, Rng } from '../../core/index.js';
import type { CameraFrame } from './CameraFrame.js';

/**
 * Adds seeded sensor noise to a frame in place:
 * - colour jitter: per frame and channel a gain 1 + U(-j, j) and an offset U(-j, j) of full
 *   scale (a camera's white balance and exposure drift), applied through a lookup table;
 * - dropout: each depth pixel returns nothing (NaN) with probability `dropout` (rgb and the
 *   ground-truth segmentation are left alone);
 * - depth noise: Gaussian with std `depthStd * z^2` (structured-light sensors); a sample that
 *   lands at or behind the camera becomes NaN.
 * A zero setting draws no random numbers, so all-zero noise leaves the frame and rng as they were.
 */
export function applySensorNoise(frame: CameraFrame, noise: NoiseConfig, rng: Rng): void {
  const { depthStd, dropout, colorJitter } = noise;
  const { rgb, depth } = frame;
  if (colorJitter > 0) {
    const lut = new Uint8ClampedArray(3 * 256);
    for (let c = 0; c < 3; c++) {
      const gain = 1 + rng.uniform(-colorJitter, colorJitter);
      const offset = 255 * rng.uniform(-colorJitter, colorJitter);
      for (let x = 0; x < 256; x++) lut[256 * c + x] = x * gain + offset;
    }
    for (let k = 0; k < rgb.length; k += 3) {
      rgb[k] = lut[rgb[k]];
      rgb[k + 1] = lut[256 + rgb[k + 1]];
      rgb[k + 2] = lut[512 + rgb[k + 2]];
    }
  }
  if (dropout > 0) {
    for (let i = 0; i < depth.length; i++) if (rng.next() < dropout) depth[i] = NaN;
  }
  if (depthStd > 0) {
    for (let i = 0; i < depth.length; i++) {
      const z = depth[i];
      if (z !== z) continue;
      const noisy = z + rng.normal(0, depthStd * z * z);
      depth[i] = noisy > 0 ? noisy : NaN;
    }
  }
}
