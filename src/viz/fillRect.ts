import type { Bitmap } from './Bitmap.js';

/** An RGB colour, each channel 0..255. */
export type Rgb = readonly [number, number, number];

/**
 * Paints the w x h rectangle with top-left (x, y) in `color`, clipped to the bitmap, so
 * callers may draw partly or wholly outside it. Coordinates are floored to whole pixels.
 */
export function fillRect(bitmap: Bitmap, x: number, y: number, w: number, h: number, color: Rgb): void {
  const x0 = Math.max(0, Math.floor(x)), y0 = Math.max(0, Math.floor(y));
  const x1 = Math.min(bitmap.width, Math.floor(x) + Math.floor(w)), y1 = Math.min(bitmap.height, Math.floor(y) + Math.floor(h));
  const [r, g, b] = color;
  const rgb = bitmap.rgb;
  for (let row = y0; row < y1; row++) {
    for (let k = 3 * (row * bitmap.width + x0), end = 3 * (row * bitmap.width + x1); k < end; k += 3) {
      rgb[k] = r;
      rgb[k + 1] = g;
      rgb[k + 2] = b;
    }
  }
}
