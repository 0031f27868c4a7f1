import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fillRect } from '../../src/viz/index.js';
import type { Bitmap } from '../../src/viz/index.js';

function painted(img: Bitmap): string[] {
  const rows: string[] = [];
  for (let y = 0; y < img.height; y++) {
    let s = '';
    for (let x = 0; x < img.width; x++) s += img.rgb[3 * (y * img.width + x)] === 9 ? '#' : '.';
    rows.push(s);
  }
  return rows;
}

describe('fillRect', () => {
  test('paints exactly the rectangle, all three channels', () => {
    const img = { width: 5, height: 4, rgb: new Uint8Array(60) };
    fillRect(img, 1, 1, 3, 2, [9, 8, 7]);
    assert.deepEqual(painted(img), ['.....', '.###.', '.###.', '.....']);
    assert.deepEqual([...img.rgb.subarray(3 * 6, 3 * 7)], [9, 8, 7]);
  });

  test('clips to the bitmap; wholly outside paints nothing', () => {
    const img = { width: 4, height: 3, rgb: new Uint8Array(36) };
    fillRect(img, -2, 2, 4, 5, [9, 9, 9]);
    assert.deepEqual(painted(img), ['....', '....', '##..']);
    fillRect(img, 10, -10, 3, 3, [9, 9, 9]);
    fillRect(img, 1, 1, 0, 5, [9, 9, 9]);
    assert.deepEqual(painted(img), ['....', '....', '##..']);
  });
});
