import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';
import type { ChartBounds } from '../../src/report/index.js';

/** The text of every <text> element of an SVG, in document order, after checking that resvg parses it. */
export function svgTexts(svg: string): string[] {
  const parsed = new Resvg(svg);
  if (!(parsed.width > 0 && parsed.height > 0)) throw new Error(`SVG has no size: ${parsed.width} x ${parsed.height}`);
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => unescapeXml(m[1]));
}

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

export interface Picture {
  readonly width: number;
  readonly height: number;
  /** RGBA, row-major. */
  readonly data: Uint8Array;
}

export function readPng(bytes: Uint8Array): Picture {
  const png = PNG.sync.read(Buffer.from(bytes));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}

/** Pixels within `tolerance` per channel of the CSS hex colour `hex`, inside `box` (PNG pixels; default the whole picture). */
export function countColor(picture: Picture, hex: string, box?: ChartBounds, tolerance = 6): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const x1 = Math.max(0, Math.floor(box?.x1 ?? 0)), x2 = Math.min(picture.width, Math.ceil(box?.x2 ?? picture.width));
  const y1 = Math.max(0, Math.floor(box?.y1 ?? 0)), y2 = Math.min(picture.height, Math.ceil(box?.y2 ?? picture.height));
  let n = 0;
  for (let y = y1; y < y2; y++) {
    for (let x = x1; x < x2; x++) {
      const k = 4 * (y * picture.width + x);
      const d = picture.data;
      if (Math.abs(d[k] - r) <= tolerance && Math.abs(d[k + 1] - g) <= tolerance && Math.abs(d[k + 2] - b) <= tolerance) n++;
    }
  }
  return n;
}

/** `box` scaled by `k` (SVG units to PNG pixels). */
export function scaled(box: ChartBounds, k: number): ChartBounds {
  return { x1: box.x1 * k, y1: box.y1 * k, x2: box.x2 * k, y2: box.y2 * k };
}

export function overlaps(a: ChartBounds, b: ChartBounds): boolean {
  return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
}
