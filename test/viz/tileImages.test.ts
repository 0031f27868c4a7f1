import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tileImages } from '../../src/viz/index.js';
import type { Bitmap } from '../../src/viz/index.js';

function solid(width: number, height: number, value: number): Bitmap {
  return { width, height, rgb: new Uint8Array(3 * width * height).fill(value) };
}

function at(img: Bitmap, x: number, y: number): number {
  return img.rgb[3 * (y * img.width + x)];
}

describe('tileImages', () => {
  test('side by side with a gap, shorter images padded with background', () => {
    const img = tileImages([solid(3, 2, 10), solid(2, 4, 20)], { gap: 1, background: [7, 7, 7] });
    assert.equal(img.width, 3 + 1 + 2);
    assert.equal(img.height, 4);
    assert.equal(at(img, 0, 0), 10);
    assert.equal(at(img, 2, 1), 10);
    assert.equal(at(img, 3, 0), 7); // gap
    assert.equal(at(img, 4, 3), 20);
    assert.equal(at(img, 0, 3), 7); // below the shorter image
  });

  test('grid by columns: goal over achieved', () => {
    const img = tileImages([solid(2, 2, 1), solid(2, 2, 2), solid(2, 2, 3), solid(2, 2, 4)], { columns: 2, gap: 0 });
    assert.equal(img.width, 4);
    assert.equal(img.height, 4);
    assert.deepEqual([at(img, 0, 0), at(img, 2, 0), at(img, 0, 2), at(img, 3, 3)], [1, 2, 3, 4]);
  });

  test('names the bad input', () => {
    assert.throws(() => tileImages([]), /no images/);
    assert.throws(() => tileImages([{ width: 2, height: 2, rgb: new Uint8Array(5) }]), /image 0 has 5 bytes, expected 2x2x3/);
  });
});
