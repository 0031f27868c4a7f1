import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { drawPolyline } from '../../src/viz/index.js';
import type { Bitmap } from '../../src/viz/index.js';

const C = [200, 10, 20] as const;

function blank(width: number, height: number): Bitmap {
  return { width, height, rgb: new Uint8Array(3 * width * height) };
}

function on(img: Bitmap, x: number, y: number): boolean {
  const k = 3 * (y * img.width + x);
  return img.rgb[k] === C[0] && img.rgb[k + 1] === C[1] && img.rgb[k + 2] === C[2];
}

function count(img: Bitmap): number {
  let n = 0;
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) if (on(img, x, y)) n++;
  return n;
}

function row(img: Bitmap, y: number): string {
  return Array.from({ length: img.width }, (_, x) => (on(img, x, y) ? '#' : '.')).join('');
}

describe('drawPolyline', () => {
  test('a horizontal segment paints its row between the ends; a 2 px pen adds the row below and the column right', () => {
    const img = blank(12, 6);
    drawPolyline(img, [[2, 2], [9, 2]], { color: C });
    assert.equal(row(img, 2), '..########..');
    assert.equal(count(img), 8);
    const wide = blank(12, 6);
    drawPolyline(wide, [[2, 2.4], [9, 2.4]], { color: C, width: 2 });
    // The square pen also reaches one column past the end.
    assert.equal(row(wide, 2), '..#########.');
    assert.equal(row(wide, 3), '..#########.');
    assert.equal(count(wide), 18);
  });

  test('a diagonal has one pixel per column; a corner joins two segments', () => {
    const img = blank(10, 10);
    drawPolyline(img, [[0, 0], [5, 5], [9, 5]], { color: C });
    for (let i = 0; i <= 5; i++) assert.ok(on(img, i, i), `diagonal ${i}`);
    assert.equal(row(img, 5), '.....#####');
    assert.equal(count(img), 6 + 4);
  });

  test('a non-finite point breaks the line', () => {
    const img = blank(32, 3);
    drawPolyline(img, [[0, 1], [10, 1], [NaN, 1], [20, 1], [31, 1]], { color: C });
    assert.equal(row(img, 1), '###########.........############');
  });

  test('dashes alternate on and off along the path', () => {
    const img = blank(40, 3);
    drawPolyline(img, [[0, 1], [39, 1]], { color: C, dash: [8, 5] });
    assert.equal(row(img, 1), '########.....########.....########.....#');
  });

  test('paints only inside the clip, and far-off points are clipped, not walked', () => {
    const img = blank(20, 20);
    const clip = { left: 5, top: 5, right: 14, bottom: 14 };
    drawPolyline(img, [[-1e12, 10], [1e12, 10]], { color: C, width: 2, clip });
    assert.equal(row(img, 10), '.....##########.....');
    assert.equal(row(img, 11), '.....##########.....');
    assert.equal(count(img), 20);
    drawPolyline(img, [[0, 0], [3, 19]], { color: C, clip });
    assert.equal(count(img), 20);
  });

  test('names bad pens and dashes', () => {
    const img = blank(4, 4);
    assert.throws(() => drawPolyline(img, [[0, 0], [3, 3]], { color: C, width: 0 }), /width must be a positive integer, got 0/);
    assert.throws(() => drawPolyline(img, [[0, 0], [3, 3]], { color: C, dash: [0, 3] }), /dash must be \[on > 0, off >= 0\], got \[0, 3\]/);
  });
});
