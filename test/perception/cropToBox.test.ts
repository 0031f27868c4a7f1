import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cropToBox } from '../../src/perception/index.js';
import { Rng, boxPoints, flatten } from './fixtures.js';

test('cropToBox keeps exactly the finite points inside the box, bounds included, in order', () => {
  const rng = new Rng(1);
  const pts = boxPoints(rng, 500, [-1, -1, -1], [1, 1, 1]);
  // Bounds exact in float32, so that a point on them compares as written.
  pts.push([0.5, 0.5, 0.5], [NaN, 0, 0], [0, Infinity, 0], [-0.25, 0.125, 0]);
  const min = [-0.25, -0.375, -0.5], max = [0.5, 0.625, 0.75];
  const got = Array.from(cropToBox(flatten(pts), pts.length, min, max));
  const expected = pts.flatMap((p, i) => (p.every((v, k) => Math.fround(v) >= min[k] && Math.fround(v) <= max[k]) ? [i] : []));
  assert.deepEqual(got, expected);
  assert.ok(got.includes(pts.length - 1), 'a point on the min bound is inside');
  assert.ok(!got.includes(pts.length - 3) && !got.includes(pts.length - 2), 'non-finite points are dropped');
  assert.ok(got.length > 20 && got.length < 500);
});

test('cropToBox writes into out and looks at the first count points only', () => {
  const positions = flatten([[0, 0, 0], [5, 5, 5], [0.1, 0, 0]]);
  const out = new Int32Array(8);
  const got = cropToBox(positions, 2, [-1, -1, -1], [1, 1, 1], out);
  assert.deepEqual(Array.from(got), [0]);
  assert.equal(got.buffer, out.buffer);
});

test('cropToBox errors name the field', () => {
  const p = new Float32Array(6);
  assert.throws(() => cropToBox(p, 3, [0, 0, 0], [1, 1, 1]), /cropToBox: positions has 6 values, expected at least 3 \* count = 9/);
  assert.throws(() => cropToBox(p, 2, [0, NaN, 0], [1, 1, 1]), (e: Error) => e instanceof RangeError && /min\[1\] must be finite, got NaN/.test(e.message));
  assert.throws(() => cropToBox(p, 2, [0, 0, 0], [1, 1]), /max must have 3 values, got 2/);
  assert.throws(() => cropToBox(p, 2, [0, 2, 0], [1, 1, 1]), /min\[1\] 2 is above max\[1\] 1/);
  assert.throws(() => cropToBox(p, 2, [0, 0, 0], [1, 1, 1], new Int32Array(1)), /out must be an Int32Array of at least 2/);
});
