import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitSupportPlane } from '../../src/perception/index.js';
import { Rng, boxPoints, flatten, planePatch } from './fixtures.js';

const OPTIONS = { iterations: 600, tolerance: 0.006, maxTiltDeg: 25 };

/** A table at z = 0 with noise, a few objects on it, the arm above: 70% table. */
function tableScene(seed: number): number[][] {
  const rng = new Rng(seed);
  const table = planePatch(rng, 700, [0.4, 0, 0], [1, 0, 0], [0, 1, 0], 0.6, 0.8).map(([x, y, z]) => [x, y, z + rng.normal(0, 0.001)]);
  const objects = boxPoints(rng, 200, [0.3, -0.05, 0.01], [0.36, 0.05, 0.07]);
  const arm = boxPoints(rng, 100, [0.1, 0.1, 0.1], [0.3, 0.2, 0.3]);
  return [...table, ...objects, ...arm];
}

test('fitSupportPlane finds a horizontal table within tolerance among objects and the arm', () => {
  const pts = tableScene(1);
  const plane = fitSupportPlane(flatten(pts), pts.length, OPTIONS);
  assert.ok(plane);
  assert.ok(plane.normal[2] > Math.cos((0.5 * Math.PI) / 180), `normal [${plane.normal.join(', ')}]`);
  assert.ok(Math.abs(plane.offset) < 0.002, `offset ${plane.offset}`);
  assert.ok(plane.inliers >= 690 && plane.inliers <= 720, `inliers ${plane.inliers}`);
});

test('fitSupportPlane finds a tilted plane (15 degrees), refit to its exact normal', () => {
  const rng = new Rng(2);
  const t = (15 * Math.PI) / 180;
  const u = [Math.cos(t), 0, Math.sin(t)];
  const expected = [-Math.sin(t), 0, Math.cos(t)];
  const pts = [...planePatch(rng, 600, [0.4, 0, 0.1], u, [0, 1, 0], 0.5, 0.5), ...boxPoints(rng, 300, [0, -0.3, 0], [0.8, 0.3, 0.4])];
  const plane = fitSupportPlane(flatten(pts), pts.length, OPTIONS);
  assert.ok(plane);
  const dot = plane.normal.reduce((s, v, k) => s + v * expected[k], 0);
  assert.ok(dot > 1 - 1e-6, `normal [${plane.normal.join(', ')}]`);
  // The plane passes through (0.4, 0, 0.1).
  assert.ok(Math.abs(plane.normal[0] * 0.4 + plane.normal[2] * 0.1 + plane.offset) < 1e-4);
  assert.ok(plane.inliers >= 600);
  // Past maxTiltDeg the same plane is rejected.
  const strict = fitSupportPlane(flatten(pts), pts.length, { ...OPTIONS, maxTiltDeg: 10 });
  assert.ok(strict === undefined || strict.inliers < 300, 'a 15-degree plane is not accepted at 10 degrees');
});

test('fitSupportPlane rejects a vertical wall and keeps the smaller table', () => {
  const rng = new Rng(3);
  const wall = planePatch(rng, 800, [0.7, 0, 0.3], [0, 1, 0], [0, 0, 1], 0.8, 0.6);
  const table = planePatch(rng, 200, [0.4, 0, 0], [1, 0, 0], [0, 1, 0], 0.4, 0.4);
  const pts = [...wall, ...table];
  const plane = fitSupportPlane(flatten(pts), pts.length, OPTIONS);
  assert.ok(plane);
  assert.ok(plane.normal[2] > 0.99 && Math.abs(plane.offset) < 1e-3, `got [${plane.normal.join(', ')}] ${plane.offset}`);
  assert.ok(plane.inliers >= 200 && plane.inliers < 260);
  const wallOnly = fitSupportPlane(flatten(wall), wall.length, OPTIONS);
  assert.equal(wallOnly, undefined, 'a wall alone gives no support plane');
});

test('fitSupportPlane is seeded: the same cloud gives the same plane twice; another seed may differ only in hypotheses', () => {
  const pts = flatten(tableScene(4));
  const a = fitSupportPlane(pts, pts.length / 3, OPTIONS);
  const b = fitSupportPlane(pts, pts.length / 3, OPTIONS);
  assert.deepEqual(a, b);
  assert.ok(a);
});

test('fitSupportPlane: fewer than 3 points give no plane; bad options name the field', () => {
  assert.equal(fitSupportPlane(flatten([[0, 0, 0], [1, 0, 0]]), 2, OPTIONS), undefined);
  const p = new Float32Array(9);
  assert.throws(() => fitSupportPlane(p, 3, { ...OPTIONS, maxTiltDeg: 120 }), (e: Error) => e instanceof RangeError && /maxTiltDeg must be in \[0, 90\], got 120/.test(e.message));
  assert.throws(() => fitSupportPlane(p, 3, { ...OPTIONS, iterations: 0 }), /iterations must be in \[1, Infinity\], got 0/);
  assert.throws(() => fitSupportPlane(p, 4, OPTIONS), /positions has 9 values, expected at least 3 \* count = 12/);
});
