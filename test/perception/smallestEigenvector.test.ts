import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smallestEigenvector } from '../../src/perception/smallestEigenvector.js';

test('smallestEigenvector of a diagonal and of a rotated covariance', () => {
  const e = smallestEigenvector([3, 0, 0, 2, 0, 1]);
  assert.ok(Math.abs(Math.abs(e[2]) - 1) < 1e-12);
  // Covariance of a plane with normal n: I - n n^T has its smallest eigenvalue (0) along n.
  const n = [0.3, -0.4, Math.sqrt(1 - 0.25)];
  const c = [1 - n[0] * n[0], -n[0] * n[1], -n[0] * n[2], 1 - n[1] * n[1], -n[1] * n[2], 1 - n[2] * n[2]];
  const v = smallestEigenvector(c);
  const dot = Math.abs(v[0] * n[0] + v[1] * n[1] + v[2] * n[2]);
  assert.ok(dot > 1 - 1e-9, `got [${v.join(', ')}]`);
  assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-12);
});
