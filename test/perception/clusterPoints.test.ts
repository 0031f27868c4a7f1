import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterPoints } from '../../src/perception/index.js';

test('clusterPoints: points closer than the radius join, transitively; largest cluster first; strays dropped', () => {
  // A chain of three points 2 cm apart (one cluster by linkage though its ends are 4 cm apart),
  // a pair 30 cm away, and a lone stray.
  const positions = Float32Array.from([0, 0, 0, 0.02, 0, 0, 0.04, 0, 0, 0.3, 0, 0, 0.31, 0, 0, 0, 0.5, 0]);
  assert.deepEqual(clusterPoints(positions, 6, 0.025), [[0, 1, 2], [3, 4], [5]]);
  assert.deepEqual(clusterPoints(positions, 6, 0.025, 2), [[0, 1, 2], [3, 4]]);
  assert.deepEqual(clusterPoints(positions, 6, 0.015), [[3, 4], [0], [1], [2], [5]]);
  assert.deepEqual(clusterPoints(positions, 0, 0.025), []);
});

test('clusterPoints: bad input is refused, naming the field', () => {
  assert.throws(() => clusterPoints(new Float32Array(3), 2, 0.1), /positions has 3 values, expected at least 3 \* count = 6/);
  assert.throws(() => clusterPoints(new Float32Array(3), 1, -1), /radius must be in \[0, Infinity\], got -1/);
  assert.throws(() => clusterPoints(new Float32Array(3), 1, 0.1, 0), /minPoints must be in \[1, Infinity\], got 0/);
});
