/**
 * Hand-made input features for the baselines every learned representation is compared with:
 * downsampled pixels, and an occupancy histogram of the point cloud.
 */

/** Images [n, size, size, 3] uint8 -> [n, out, out, 3] in [0, 1] by box averaging. */
export function pixelFeatures(rgb: Uint8Array, n: number, size: number, out: number): Float64Array {
  if (rgb.length !== n * size * size * 3) throw new RangeError(`pixelFeatures: ${rgb.length} bytes, expected ${n} x ${size} x ${size} x 3`);
  if (!Number.isInteger(out) || out < 1 || out > size) throw new RangeError(`pixelFeatures: output side must be in 1..${size}, got ${out}`);
  const f = new Float64Array(n * out * out * 3);
  const counts = new Float64Array(out * out);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) counts[Math.floor((y * out) / size) * out + Math.floor((x * out) / size)]++;
  for (let i = 0; i < n; i++) {
    const src = i * size * size * 3;
    const dst = i * out * out * 3;
    for (let y = 0; y < size; y++) {
      const oy = Math.floor((y * out) / size);
      for (let x = 0; x < size; x++) {
        const o = dst + (oy * out + Math.floor((x * out) / size)) * 3;
        const s = src + (y * size + x) * 3;
        f[o] += rgb[s];
        f[o + 1] += rgb[s + 1];
        f[o + 2] += rgb[s + 2];
      }
    }
    for (let c = 0; c < out * out; c++) for (let k = 0; k < 3; k++) f[dst + 3 * c + k] /= 255 * counts[c];
  }
  return f;
}

export interface HistogramSpec {
  /** Box [min, max] per axis, metres in the cloud's frame. */
  readonly min: readonly [number, number, number];
  readonly max: readonly [number, number, number];
  readonly bins: readonly [number, number, number];
}

/** The tabletop in front of the arm, finely binned in height where objects differ. */
export const TABLETOP_HISTOGRAM: HistogramSpec = { min: [0.15, -0.3, 0.002], max: [0.55, 0.3, 0.12], bins: [8, 8, 8] };

/** The object view (points relative to the object's middle): a 10 cm cube, 1.7 cm cells. */
export const OBJECT_VIEW_HISTOGRAM: HistogramSpec = { min: [-0.05, -0.05, -0.05], max: [0.05, 0.05, 0.05], bins: [6, 6, 6] };

/** Clouds [n, count, 3] -> [n, bx * by * bz]: the fraction of each cloud's points in each cell (outside points are ignored). */
export function pointHistogram(points: Float32Array, n: number, count: number, spec: HistogramSpec = TABLETOP_HISTOGRAM): Float64Array {
  if (points.length !== n * count * 3) throw new RangeError(`pointHistogram: ${points.length} values, expected ${n} x ${count} x 3`);
  const [bx, by, bz] = spec.bins;
  const cells = bx * by * bz;
  const f = new Float64Array(n * cells);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < count; p++) {
      const o = (i * count + p) * 3;
      const ix = Math.floor(((points[o] - spec.min[0]) / (spec.max[0] - spec.min[0])) * bx);
      const iy = Math.floor(((points[o + 1] - spec.min[1]) / (spec.max[1] - spec.min[1])) * by);
      const iz = Math.floor(((points[o + 2] - spec.min[2]) / (spec.max[2] - spec.min[2])) * bz);
      if (ix < 0 || ix >= bx || iy < 0 || iy >= by || iz < 0 || iz >= bz) continue;
      f[i * cells + (ix * by + iy) * bz + iz] += 1 / count;
    }
  }
  return f;
}
