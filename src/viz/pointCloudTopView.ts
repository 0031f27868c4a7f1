import type { PointCloud } from '../core/index.js';
import type { Bitmap } from './Bitmap.js';
import { turbo } from './turbo.js';

export interface TopViewOptions {
  /** Pixels along the longer side of `range`; the other side keeps metres square. */
  readonly size: number;
  /** The x/y window shown, metres in the cloud's frame; +x to the right, +y up. */
  readonly range: { readonly xmin: number; readonly xmax: number; readonly ymin: number; readonly ymax: number };
  /** 'color': the points' own colours (default when present); 'height': Turbo over z. */
  readonly colorBy?: 'color' | 'height';
  /** z window for 'height'; default the cloud's z extent. */
  readonly zRange?: { readonly min: number; readonly max: number };
  /** Side of the square drawn per point, pixels; default 1. */
  readonly pointSize?: number;
  /** RGB 0..255 of empty pixels; default black. */
  readonly background?: readonly [number, number, number];
}

/** The cloud seen from above (orthographic along -z): the highest point wins each pixel. */
export function pointCloudTopView(cloud: PointCloud, options: TopViewOptions): Bitmap {
  const { size, range } = options;
  const spanX = range.xmax - range.xmin, spanY = range.ymax - range.ymin;
  if (!(spanX > 0 && spanY > 0)) throw new RangeError(`pointCloudTopView: empty range x [${range.xmin}, ${range.xmax}] y [${range.ymin}, ${range.ymax}]`);
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`pointCloudTopView: size must be a positive integer, got ${size}`);
  const scale = size / Math.max(spanX, spanY);
  const width = Math.max(1, Math.round(spanX * scale)), height = Math.max(1, Math.round(spanY * scale));
  const colorBy = options.colorBy ?? (cloud.colors ? 'color' : 'height');
  if (colorBy === 'color' && !cloud.colors) throw new Error("pointCloudTopView: colorBy 'color' but the cloud has no colors");
  const { positions, colors, count } = cloud;

  let zmin = options.zRange?.min, zmax = options.zRange?.max;
  if (zmin === undefined || zmax === undefined) {
    let lo = Infinity, hi = -Infinity;
    for (let j = 0; j < count; j++) {
      const z = positions[3 * j + 2];
      if (z < lo) lo = z;
      if (z > hi) hi = z;
    }
    zmin ??= lo;
    zmax ??= hi;
  }
  const zspan = zmax - zmin;

  const rgb = new Uint8Array(3 * width * height);
  const [br, bg, bb] = options.background ?? [0, 0, 0];
  for (let k = 0; k < rgb.length; k += 3) {
    rgb[k] = br;
    rgb[k + 1] = bg;
    rgb[k + 2] = bb;
  }
  const top = new Float32Array(width * height).fill(-Infinity);
  const half = Math.floor(((options.pointSize ?? 1) - 1) / 2);
  const side = options.pointSize ?? 1;
  const colour = new Uint8Array(3);
  for (let j = 0; j < count; j++) {
    const x = positions[3 * j], y = positions[3 * j + 1], z = positions[3 * j + 2];
    const col = Math.floor((x - range.xmin) * scale), row = Math.floor((range.ymax - y) * scale);
    if (col < 0 || col >= width || row < 0 || row >= height || !(z === z)) continue;
    if (colorBy === 'color') {
      colour[0] = colors![3 * j];
      colour[1] = colors![3 * j + 1];
      colour[2] = colors![3 * j + 2];
    } else {
      turbo(zspan > 0 ? (z - zmin) / zspan : 0.5, colour, 0);
    }
    for (let r = row - half; r < row - half + side; r++) {
      if (r < 0 || r >= height) continue;
      for (let c = col - half; c < col - half + side; c++) {
        if (c < 0 || c >= width) continue;
        const p = r * width + c;
        if (z <= top[p]) continue;
        top[p] = z;
        rgb[3 * p] = colour[0];
        rgb[3 * p + 1] = colour[1];
        rgb[3 * p + 2] = colour[2];
      }
    }
  }
  return { width, height, rgb };
}
