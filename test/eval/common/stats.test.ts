import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitStandardizer, meanStd, rowDistances, rowMae, rSquared } from '../../../src/eval/common/stats.js';

test('mean, std, R², distances and MAE', () => {
  assert.deepEqual(meanStd([1, 3]), { mean: 2, std: 1 });
  assert.ok(Number.isNaN(meanStd([]).mean));
  assert.equal(rSquared([1, 2, 3], [1, 2, 3], 3, 1), 1);
  assert.equal(rSquared([2, 2, 2], [1, 2, 3], 3, 1), 0);
  assert.deepEqual(Array.from(rowDistances([0, 0, 3, 4], [0, 0, 0, 0], 2, 2)), [0, 5]);
  assert.deepEqual(Array.from(rowMae([1, -1], [0, 0], 1, 2)), [1]);
});

test('standardiser: zero mean, unit std, constant columns to zero', () => {
  const s = fitStandardizer([1, 5, 3, 5], 2, 2);
  assert.deepEqual(Array.from(s.apply([1, 5, 3, 5], 2)), [-1, 0, 1, 0]);
  assert.throws(() => s.apply([1], 1), /1 values, expected 1 x 2/);
});
