import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bitmapFont, drawText, measureText } from '../../src/viz/index.js';
import type { Bitmap } from '../../src/viz/index.js';

const GREY = 100;
const RED = [255, 0, 0] as const;

function blank(width: number, height: number): Bitmap {
  return { width, height, rgb: new Uint8Array(3 * width * height).fill(GREY) };
}

/** Coordinates of pixels changed from the grey ground; each must be exactly red. */
function ink(img: Bitmap): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const k = 3 * (y * img.width + x);
      if (img.rgb[k] === GREY && img.rgb[k + 1] === GREY && img.rgb[k + 2] === GREY) continue;
      assert.deepEqual([...img.rgb.subarray(k, k + 3)], [...RED], `pixel ${x},${y}`);
      out.push([x, y]);
    }
  }
  return out;
}

function glyphInk(ch: string): number {
  return bitmapFont.glyph(ch.charCodeAt(0)).reduce((n, row) => n + row.toString(2).split('1').length - 1, 0);
}

describe('drawText', () => {
  test("a glyph lands in its 6x10 box, pixel for pixel, and nothing outside", () => {
    const img = blank(20, 20);
    const box = drawText(img, 3, 2, 'A', RED);
    assert.deepEqual(box, { width: 6, height: 10 });
    const got = ink(img);
    assert.equal(got.length, glyphInk('A'));
    const rows = bitmapFont.glyph(65);
    for (const [x, y] of got) {
      assert.ok(x >= 3 && x < 9 && y >= 2 && y < 12, `pixel ${x},${y} outside the box`);
      assert.ok(rows[y - 2] & (0x80 >> (x - 3)), `pixel ${x},${y} not in the glyph`);
    }
  });

  test('scale 2 doubles every font pixel inside a 12x20 box per character', () => {
    const img = blank(40, 30);
    assert.deepEqual(drawText(img, 5, 4, 'y%', RED, 2), { width: 24, height: 20 });
    const got = ink(img);
    assert.equal(got.length, 4 * (glyphInk('y') + glyphInk('%')));
    for (const [x, y] of got) assert.ok(x >= 5 && x < 29 && y >= 4 && y < 24, `pixel ${x},${y}`);
    // '%' starts 12 px right of 'y'; its top-left ink pixel (row 1, column 1) is a 2x2 block.
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) assert.ok(got.some(([x, y]) => x === 5 + 12 + 2 + dx && y === 4 + 2 + dy));
  });

  test("'up' turns text a quarter counter-clockwise: first character at the bottom, glyph tops on the left", () => {
    const img = blank(20, 30);
    assert.deepEqual(drawText(img, 2, 3, '-.', RED, 1, 'up'), measureText('-.', 1, 'up'));
    assert.deepEqual(measureText('-.', 1, 'up'), { width: 10, height: 12 });
    const got = ink(img);
    for (const [x, y] of got) assert.ok(x >= 2 && x < 12 && y >= 3 && y < 15, `pixel ${x},${y}`);
    // '-' is row 4, columns 0..4 of the first character: column x = 2 + 4, rows from the bottom of the box upwards.
    const dash = got.filter(([x]) => x === 6).map(([, y]) => y).sort((a, b) => a - b);
    assert.deepEqual(dash, [10, 11, 12, 13, 14]);
    const dot = got.filter(([x]) => x !== 6);
    assert.ok(dot.length === glyphInk('.') && dot.every(([, y]) => y < 9), 'the second character sits above the first');
  });

  test('only ink is painted and text off the edges is clipped', () => {
    const img = blank(8, 6);
    drawText(img, -4, -3, 'WW', RED);
    const got = ink(img);
    assert.ok(got.length > 0 && got.length < 2 * glyphInk('W'));
    const far = blank(8, 6);
    drawText(far, 100, -50, 'text', RED);
    assert.equal(ink(far).length, 0);
  });

  test("non-printable characters draw as '?'; bad scale is named", () => {
    const a = blank(10, 12), b = blank(10, 12);
    drawText(a, 0, 0, '\n', RED);
    drawText(b, 0, 0, '?', RED);
    assert.deepEqual(a.rgb, b.rgb);
    assert.throws(() => drawText(a, 0, 0, 'x', RED, 1.5), /scale must be a positive integer, got 1.5/);
  });
});
