import type { Bitmap } from './Bitmap.js';
import type { Rgb } from './fillRect.js';

/** A pixel rectangle, edges included. */
export interface PixelRect {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

export interface StrokeStyle {
  readonly color: Rgb;
  /** Side of the square pen, pixels; default 1. A pen of 2 at row r paints rows r and r + 1. */
  readonly width?: number;
  /** [on, off] lengths in pixels measured along the path; default solid. */
  readonly dash?: readonly [number, number];
  /** Only pixels inside this rectangle are painted; default the whole bitmap. */
  readonly clip?: PixelRect;
}

/**
 * Strokes straight segments through `points` (pixel coordinates, x right, y down; fractions
 * round to the nearest pixel) by stepping one pixel along the longer axis (DDA). A point
 * with a non-finite coordinate breaks the path there, so gaps in data stay gaps. The dash
 * pattern runs on across corners. Segments are clipped first, so far-off points cost nothing.
 */
export function drawPolyline(bitmap: Bitmap, points: ArrayLike<readonly [number, number]>, style: StrokeStyle): void {
  const pen = style.width ?? 1;
  if (!Number.isInteger(pen) || pen < 1) throw new RangeError(`drawPolyline: width must be a positive integer, got ${pen}`);
  const dash = style.dash;
  if (dash && !(dash[0] > 0 && dash[1] >= 0)) throw new RangeError(`drawPolyline: dash must be [on > 0, off >= 0], got [${dash.join(', ')}]`);
  const clip = style.clip ?? { left: 0, top: 0, right: bitmap.width - 1, bottom: bitmap.height - 1 };
  const box: PixelRect = {
    left: Math.max(0, clip.left),
    top: Math.max(0, clip.top),
    right: Math.min(bitmap.width - 1, clip.right),
    bottom: Math.min(bitmap.height - 1, clip.bottom),
  };
  const lo = -Math.floor((pen - 1) / 2); // pen offset: the pen covers [p + lo, p + lo + pen)
  const [r, g, b] = style.color;
  const rgb = bitmap.rgb;
  const stamp = (px: number, py: number): void => {
    const x0 = Math.max(box.left, px + lo), x1 = Math.min(box.right, px + lo + pen - 1);
    const y0 = Math.max(box.top, py + lo), y1 = Math.min(box.bottom, py + lo + pen - 1);
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const k = 3 * (y * bitmap.width + x);
        rgb[k] = r;
        rgb[k + 1] = g;
        rgb[k + 2] = b;
      }
    }
  };
  const period = dash ? dash[0] + dash[1] : 0;
  let travelled = 0; // path length so far in the current piece, for the dash phase
  let prev: readonly [number, number] | undefined;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      prev = undefined;
      travelled = 0;
      continue;
    }
    if (prev === undefined) {
      // A lone point still shows (a one-pixel dot) unless a later point joins it.
      stamp(Math.round(p[0]), Math.round(p[1]));
      prev = p;
      continue;
    }
    const [xa, ya] = prev, [xb, yb] = p;
    const length = Math.hypot(xb - xa, yb - ya);
    const span = clipSegment(xa, ya, xb, yb, box.left - pen, box.top - pen, box.right + pen, box.bottom + pen);
    if (span) {
      const [t0, t1] = span;
      const dx = xb - xa, dy = yb - ya;
      const steps = Math.max(1, Math.ceil(Math.max(Math.abs(dx), Math.abs(dy)) * (t1 - t0)));
      for (let s = 0; s <= steps; s++) {
        const t = t0 + ((t1 - t0) * s) / steps;
        if (dash && (travelled + t * length) % period >= dash[0]) continue;
        stamp(Math.round(xa + dx * t), Math.round(ya + dy * t));
      }
    }
    travelled += length;
    prev = p;
  }
}

/** Liang-Barsky: the parameter interval of the segment inside the rectangle, or undefined. */
function clipSegment(x0: number, y0: number, x1: number, y1: number, left: number, top: number, right: number, bottom: number): [number, number] | undefined {
  const dx = x1 - x0, dy = y1 - y0;
  const p = [-dx, dx, -dy, dy];
  const q = [x0 - left, right - x0, y0 - top, bottom - y0];
  let t0 = 0, t1 = 1;
  for (let i = 0; i < 4; i++) {
    if (p[i] === 0) {
      if (q[i] < 0) return undefined;
      continue;
    }
    const t = q[i] / p[i];
    if (p[i] < 0) {
      if (t > t1) return undefined;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return undefined;
      if (t < t1) t1 = t;
    }
  }
  return [t0, t1];
}
