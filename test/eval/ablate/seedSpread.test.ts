import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSpread, seedSpread } from '../../../src/eval/ablate/index.js';

test('mean and sample std over seeds, non-finite values left out', () => {
  const s = seedSpread([0.5, 1, 0, Number.NaN]);
  assert.equal(s.n, 3);
  assert.equal(s.mean, 0.5);
  assert.ok(Math.abs(s.std - 0.5) < 1e-12, `std ${s.std}`);
  assert.deepEqual(seedSpread([0.25]), { mean: 0.25, std: 0, n: 1 });
  assert.equal(seedSpread([]).n, 0);
});

test('formatted as mean ± std, in percent when asked, "-" when there is nothing', () => {
  assert.equal(formatSpread(seedSpread([0.5, 1, 0]), { percent: true }), '50 ± 50%');
  assert.equal(formatSpread(seedSpread([0.1234, 0.1234])), '0.123 ± 0.000');
  assert.equal(formatSpread(seedSpread([])), '-');
});
