import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { depthToColorMap, turbo } from '../../src/viz/index.js';

function colourOf(t: number): number[] {
  const out = new Uint8Array(3);
  turbo(t, out, 0);
  return [...out];
}

describe('depthToColorMap', () => {
  test('NaN and infinite depth are black; the range ends take the colour map ends', () => {
    const depth = Float32Array.from([NaN, 1, 2, 3, Infinity, 2]);
    const rgb = depthToColorMap(depth, 3, 2);
    assert.equal(rgb.length, 18);
    assert.deepEqual([...rgb.subarray(0, 3)], [0, 0, 0]);
    assert.deepEqual([...rgb.subarray(12, 15)], [0, 0, 0]);
    assert.deepEqual([...rgb.subarray(3, 6)], colourOf(0));
    assert.deepEqual([...rgb.subarray(9, 12)], colourOf(1));
    assert.deepEqual([...rgb.subarray(6, 9)], colourOf(0.5));
  });

  test('explicit min and max clamp depths outside them', () => {
    const rgb = depthToColorMap(Float32Array.from([0.5, 1, 4, 9]), 2, 2, { min: 1, max: 4 });
    assert.deepEqual([...rgb.subarray(0, 3)], colourOf(0));
    assert.deepEqual([...rgb.subarray(3, 6)], colourOf(0));
    assert.deepEqual([...rgb.subarray(6, 9)], colourOf(1));
    assert.deepEqual([...rgb.subarray(9, 12)], colourOf(1));
  });

  test('a flat depth image takes the middle colour, never black', () => {
    const rgb = depthToColorMap(new Float32Array(4).fill(2), 2, 2);
    assert.deepEqual([...rgb.subarray(0, 3)], colourOf(0.5));
    assert.ok(rgb.some((x) => x > 0));
  });

  test('names a size mismatch', () => {
    assert.throws(() => depthToColorMap(new Float32Array(5), 2, 2), /depth has 5 pixels, expected 2x2 = 4/);
  });
});
