import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pixelFeatures, pointHistogram } from '../../../src/eval/common/rawFeatures.js';

test('pixel features average blocks into [0, 1]', () => {
  // One 2x2 image: white, black / black, black -> 1x1 grey of a quarter.
  const img = Uint8Array.from([255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(pixelFeatures(img, 1, 2, 1)), [0.25, 0.25, 0.25]);
  assert.deepEqual(Array.from(pixelFeatures(img, 1, 2, 2)).slice(0, 3), [1, 1, 1]);
  assert.throws(() => pixelFeatures(img, 1, 2, 3), /output side must be in 1..2/);
});

test('point histogram: fractions per cell, outside points ignored', () => {
  const spec = { min: [0, 0, 0] as const, max: [1, 1, 1] as const, bins: [2, 1, 1] as const };
  const h = pointHistogram(Float32Array.from([0.1, 0.5, 0.5, 0.9, 0.5, 0.5, 0.8, 0.5, 0.5, 5, 5, 5]), 1, 4, spec);
  assert.deepEqual(Array.from(h), [0.25, 0.5]);
  assert.throws(() => pointHistogram(new Float32Array(5), 1, 2), /5 values, expected 1 x 2 x 3/);
});
