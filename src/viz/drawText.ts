import type { Bitmap } from './Bitmap.js';
import { bitmapFont } from './bitmapFont.js';
import { fillRect } from './fillRect.js';
import type { Rgb } from './fillRect.js';

/** 'right': ordinary text; 'up': turned a quarter counter-clockwise, read bottom to top (y-axis labels). */
export type TextDirection = 'right' | 'up';

/** Width and height in pixels of the box `drawText` fills for `text`. */
export function measureText(text: string, scale = 1, direction: TextDirection = 'right'): { width: number; height: number } {
  const along = text.length * bitmapFont.cellWidth * scale, across = bitmapFont.cellHeight * scale;
  return direction === 'right' ? { width: along, height: across } : { width: across, height: along };
}

/**
 * Writes one line of `text` with the 6x10 bitmap font, each font pixel a scale x scale
 * square, into the box whose top-left is (x, y) (see `measureText`); only ink is painted, so
 * the background shows through. Clipped to the bitmap. Characters outside printable ASCII
 * (including newlines) are drawn as '?'. Returns the box size.
 */
export function drawText(
  bitmap: Bitmap,
  x: number,
  y: number,
  text: string,
  color: Rgb,
  scale = 1,
  direction: TextDirection = 'right',
): { width: number; height: number } {
  if (!Number.isInteger(scale) || scale < 1) throw new RangeError(`drawText: scale must be a positive integer, got ${scale}`);
  const { cellWidth, cellHeight } = bitmapFont;
  const box = measureText(text, scale, direction);
  const alongPixels = text.length * cellWidth; // length of the text line in font pixels
  for (let i = 0; i < text.length; i++) {
    const rows = bitmapFont.glyph(text.charCodeAt(i));
    for (let gy = 0; gy < cellHeight; gy++) {
      const bits = rows[gy];
      if (bits === 0) continue;
      for (let gx = 0; gx < cellWidth; gx++) {
        if ((bits & (0x80 >> gx)) === 0) continue;
        const tx = i * cellWidth + gx; // font pixel along the line
        // Turning 'up' puts the start of the line at the bottom and the tops of glyphs on the left.
        const px = direction === 'right' ? tx : gy;
        const py = direction === 'right' ? gy : alongPixels - 1 - tx;
        fillRect(bitmap, x + px * scale, y + py * scale, scale, scale, color);
      }
    }
  }
  return box;
}
