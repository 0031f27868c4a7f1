import { turbo } from './turbo.js';

export interface DepthColorMapOptions {
  /** Depth shown as the first colour (dark blue); default the smallest finite depth. */
  readonly min?: number;
  /** Depth shown as the last colour (dark red); default the largest finite depth. */
  readonly max?: number;
}

/** RGB (H x W x 3) picture of a depth image with the Turbo colour map; NaN (no return) is black. */
export function depthToColorMap(depth: Float32Array, width: number, height: number, options: DepthColorMapOptions = {}): Uint8Array {
  if (depth.length !== width * height) {
    throw new RangeError(`depthToColorMap: depth has ${depth.length} pixels, expected ${width}x${height} = ${width * height}`);
  }
  let { min, max } = options;
  if (min === undefined || max === undefined) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < depth.length; i++) {
      const z = depth[i];
      if (!Number.isFinite(z)) continue;
      if (z < lo) lo = z;
      if (z > hi) hi = z;
    }
    min ??= lo;
    max ??= hi;
  }
  const span = max - min;
  const out = new Uint8Array(3 * depth.length);
  for (let i = 0; i < depth.length; i++) {
    const z = depth[i];
    if (!Number.isFinite(z)) continue; // stays black
    turbo(span > 0 ? (z - min) / span : 0.5, out, 3 * i);
  }
  return out;
}
