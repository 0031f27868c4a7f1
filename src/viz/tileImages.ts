import type { Bitmap } from './Bitmap.js';

export interface TileOptions {
  /** Images per row; default all in one row. */
  readonly columns?: number;
  /** Pixels between tiles and none around; default 2. */
  readonly gap?: number;
  /** RGB 0..255 of gaps and of space beside smaller tiles; default black. */
  readonly background?: readonly [number, number, number];
}

/**
 * Places images in a grid, row by row (e.g. goal vs achieved frames). Each column is as
 * wide as its widest image and each row as tall as its tallest; smaller images sit top-left.
 */
export function tileImages(images: readonly Bitmap[], options: TileOptions = {}): Bitmap {
  if (images.length === 0) throw new RangeError('tileImages: no images to tile');
  images.forEach((im, n) => {
    if (im.rgb.length !== im.width * im.height * 3) {
      throw new RangeError(`tileImages: image ${n} has ${im.rgb.length} bytes, expected ${im.width}x${im.height}x3`);
    }
  });
  const columns = Math.min(options.columns ?? images.length, images.length);
  if (!Number.isInteger(columns) || columns < 1) throw new RangeError(`tileImages: columns must be a positive integer, got ${options.columns}`);
  const gap = options.gap ?? 2;
  const rows = Math.ceil(images.length / columns);
  const colWidth = new Array<number>(columns).fill(0);
  const rowHeight = new Array<number>(rows).fill(0);
  images.forEach((im, n) => {
    const c = n % columns, r = Math.floor(n / columns);
    colWidth[c] = Math.max(colWidth[c], im.width);
    rowHeight[r] = Math.max(rowHeight[r], im.height);
  });
  const colX = offsets(colWidth, gap), rowY = offsets(rowHeight, gap);
  const width = colX[columns - 1] + colWidth[columns - 1];
  const height = rowY[rows - 1] + rowHeight[rows - 1];

  const rgb = new Uint8Array(3 * width * height);
  const [br, bg, bb] = options.background ?? [0, 0, 0];
  if (br !== 0 || bg !== 0 || bb !== 0) {
    for (let k = 0; k < rgb.length; k += 3) {
      rgb[k] = br;
      rgb[k + 1] = bg;
      rgb[k + 2] = bb;
    }
  }
  images.forEach((im, n) => {
    const x0 = colX[n % columns], y0 = rowY[Math.floor(n / columns)];
    for (let y = 0; y < im.height; y++) {
      rgb.set(im.rgb.subarray(3 * y * im.width, 3 * (y + 1) * im.width), 3 * ((y0 + y) * width + x0));
    }
  });
  return { width, height, rgb };
}

function offsets(sizes: number[], gap: number): number[] {
  const out: number[] = [];
  let at = 0;
  for (const s of sizes) {
    out.push(at);
    at += s + gap;
  }
  return out;
}
