import { test } from 'node:test';
import assert from 'node:assert/strict';
import { farthestPointSample } from '../../src/perception/index.js';
import { Rng, boxPoints, flatten } from './fixtures.js';

test('returns k points of the input, distinct while there are enough', () => {
  const pts = boxPoints(new Rng(1), 300, [0, 0, 0], [1, 1, 1]);
  const out = new Float32Array(3 * 64);
  const idx = new Int32Array(64);
  farthestPointSample(flatten(pts), 300, 64, out, idx);
  assert.equal(new Set(idx).size, 64);
  for (let j = 0; j < 64; j++) assert.deepEqual(Array.from(out.subarray(3 * j, 3 * j + 3)), Array.from(Float32Array.from(pts[idx[j]])));
});

test('starts at the point nearest the centroid, then the farthest from it', () => {
  const pts = [[0, 0, 0], [1, 0, 0], [0.45, 0, 0], [0.55, 0, 0], [0.3, 0, 0]];
  const idx = new Int32Array(3);
  farthestPointSample(flatten(pts), 5, 3, new Float32Array(9), idx);
  // Centroid x = 0.46: point 2 first; point 1 (0.55 away) before point 0 (0.45 away); then point 0.
  assert.deepEqual(Array.from(idx), [2, 1, 0]);
});

test('a small far cluster gets sampled though it holds 1% of the points', () => {
  const rng = new Rng(2);
  const pts = [...boxPoints(rng, 990, [0, 0, 0], [0.3, 0.3, 0.02]), ...boxPoints(rng, 10, [0.6, 0.6, 0], [0.62, 0.62, 0.02])];
  const idx = new Int32Array(32);
  farthestPointSample(flatten(pts), pts.length, 32, new Float32Array(96), idx);
  const far = Array.from(idx).filter((i) => i >= 990).length;
  assert.ok(far >= 1, 'the far cluster is sampled');
  // Uniform sampling would give it 0.32 points on average.
  assert.ok(far <= 10);
});

test('deterministic: same input, same output', () => {
  const p = flatten(boxPoints(new Rng(3), 500, [0, 0, 0], [1, 1, 1]));
  const a = farthestPointSample(p, 500, 100, new Float32Array(300));
  const b = farthestPointSample(p, 500, 100, new Float32Array(300));
  assert.deepEqual(a, b);
});

test('cycles the points when there are fewer than k', () => {
  const pts = [[0, 0, 0], [1, 0, 0], [0, 1, 0]];
  const idx = new Int32Array(8);
  const out = farthestPointSample(flatten(pts), 3, 8, new Float32Array(24), idx);
  const first = Array.from(idx.subarray(0, 3));
  assert.deepEqual([...first].sort(), [0, 1, 2]);
  for (let j = 3; j < 8; j++) {
    assert.equal(idx[j], first[j % 3]);
    assert.deepEqual(Array.from(out.subarray(3 * j, 3 * j + 3)), pts[idx[j]]);
  }
});

test('errors name the argument', () => {
  const p = flatten([[0, 0, 0]]);
  assert.throws(() => farthestPointSample(p, 0, 4, new Float32Array(12)), (e: Error) => e instanceof RangeError && /count must be at least 1/.test(e.message));
  assert.throws(() => farthestPointSample(p, 1, 0, new Float32Array(12)), /k must be a positive integer, got 0/);
  assert.throws(() => farthestPointSample(p, 1, 4, new Float32Array(6)), /out must be a Float32Array of at least 3 \* k = 12 values, got 6/);
  assert.throws(() => farthestPointSample(p, 2, 4, new Float32Array(12)), /positions has 3 values, expected at least 3 \* count = 6/);
});
