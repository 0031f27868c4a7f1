import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { timestampFromSeconds } from '../../src/core/index.js';
import type { PointCloud } from '../../src/core/index.js';
import { pointCloudTopView, turbo } from '../../src/viz/index.js';

function cloud(points: number[][], colors?: number[][]): PointCloud {
  return {
    stamp: timestampFromSeconds(0),
    frameId: 'base_link',
    count: points.length,
    positions: Float32Array.from(points.flat()),
    ...(colors ? { colors: Uint8Array.from(colors.flat()) } : {}),
  };
}

const RANGE = { xmin: 0, xmax: 1, ymin: -0.5, ymax: 0 };

function pixel(img: { width: number; rgb: Uint8Array }, col: number, row: number): number[] {
  const k = 3 * (row * img.width + col);
  return [...img.rgb.subarray(k, k + 3)];
}

describe('pointCloudTopView', () => {
  test('x to the right, y up, metres kept square; the highest point wins a pixel', () => {
    const c = cloud(
      [
        [0.05, -0.05, 0.0], // top-left corner
        [0.95, -0.45, 0.0], // bottom-right corner
        [0.55, -0.25, 0.1], // centre, high
        [0.55, -0.25, 0.0], // same pixel, lower: hidden
        [2, 0, 0], // outside
      ],
      [
        [255, 0, 0],
        [0, 255, 0],
        [0, 0, 255],
        [9, 9, 9],
        [1, 2, 3],
      ],
    );
    const img = pointCloudTopView(c, { size: 10, range: RANGE });
    assert.equal(img.width, 10);
    assert.equal(img.height, 5);
    assert.deepEqual(pixel(img, 0, 0), [255, 0, 0]);
    assert.deepEqual(pixel(img, 9, 4), [0, 255, 0]);
    assert.deepEqual(pixel(img, 5, 2), [0, 0, 255]);
    const lit = img.rgb.reduce((n, x, k) => (k % 3 === 0 && (x || img.rgb[k + 1] || img.rgb[k + 2]) ? n + 1 : n), 0);
    assert.equal(lit, 3);
  });

  test('colours by height without point colours, over the cloud z range', () => {
    const img = pointCloudTopView(cloud([[0.05, -0.05, 1], [0.95, -0.45, 3]]), { size: 10, range: RANGE });
    const low = new Uint8Array(3), high = new Uint8Array(3);
    turbo(0, low, 0);
    turbo(1, high, 0);
    assert.deepEqual(pixel(img, 0, 0), [...low]);
    assert.deepEqual(pixel(img, 9, 4), [...high]);
  });

  test('pointSize draws squares; background fills the rest', () => {
    const img = pointCloudTopView(cloud([[0.55, -0.25, 0]], [[200, 100, 50]]), {
      size: 10,
      range: RANGE,
      pointSize: 3,
      background: [1, 1, 1],
    });
    for (let row = 1; row <= 3; row++) for (let col = 4; col <= 6; col++) assert.deepEqual(pixel(img, col, row), [200, 100, 50]);
    assert.deepEqual(pixel(img, 3, 2), [1, 1, 1]);
  });

  test('names the bad input', () => {
    assert.throws(() => pointCloudTopView(cloud([]), { size: 10, range: { ...RANGE, xmax: 0 } }), /empty range x \[0, 0\]/);
    assert.throws(() => pointCloudTopView(cloud([]), { size: 10, range: RANGE, colorBy: 'color' }), /no colors/);
  });
});
