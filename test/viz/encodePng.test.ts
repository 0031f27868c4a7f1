import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { encodePng } from '../../src/viz/index.js';

function pattern(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) % 256);
}

describe('encodePng', () => {
  test('RGB round trip through pngjs, stored without alpha', () => {
    const rgb = pattern(5 * 3 * 3);
    const png = PNG.sync.read(encodePng(5, 3, rgb, 3));
    assert.equal(png.width, 5);
    assert.equal(png.height, 3);
    assert.equal(png.colorType, 2);
    for (let i = 0; i < 15; i++) {
      assert.deepEqual([...png.data.subarray(4 * i, 4 * i + 4)], [rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], 255]);
    }
  });

  test('RGBA round trip keeps alpha, including from a view into a larger buffer', () => {
    const backing = pattern(4 * 2 * 4 + 8);
    const rgba = backing.subarray(8);
    const png = PNG.sync.read(encodePng(4, 2, rgba, 4));
    assert.equal(png.colorType, 6);
    assert.deepEqual(new Uint8Array(png.data), rgba);
  });

  test('names a size mismatch', () => {
    assert.throws(() => encodePng(4, 4, new Uint8Array(47), 3), /expected 4x4x3 = 48 bytes, got 47/);
    assert.throws(() => encodePng(0, 4, new Uint8Array(0), 3), /positive integers, got 0x4/);
  });
});
