import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatherPoints } from '../../src/perception/index.js';
import { flatten } from './fixtures.js';

test('gatherPoints copies the chosen points in the given order', () => {
  const p = flatten([[0, 0, 0], [1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(Array.from(gatherPoints(p, [2, 1, 2])), [4, 5, 6, 1, 2, 3, 4, 5, 6]);
  const out = new Float32Array(12);
  const got = gatherPoints(p, Int32Array.from([1]), out);
  assert.equal(got.length, 3);
  assert.equal(got.buffer, out.buffer);
});

test('gatherPoints names a bad index and a short out', () => {
  const p = flatten([[0, 0, 0]]);
  assert.throws(() => gatherPoints(p, [0, 3]), (e: Error) => e instanceof RangeError && /indices\[1\] = 3 is outside the 1 points/.test(e.message));
  assert.throws(() => gatherPoints(p, [0, 0], new Float32Array(3)), /out has 3 values, expected at least 6/);
});
