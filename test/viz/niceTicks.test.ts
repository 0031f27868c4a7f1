import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTicks, logTicks, niceStep, niceTicks } from '../../src/viz/index.js';

describe('niceTicks', () => {
  test('round 1/2/5 x 10^k steps, at most maxTicks, inside the range', () => {
    assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(-0.05, 1.05), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(0, 100), [0, 20, 40, 60, 80, 100]);
    assert.deepEqual(niceTicks(0, 10000, 11), [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000]);
    assert.deepEqual(niceTicks(0.315, 0.352), [0.32, 0.33, 0.34, 0.35]);
    assert.deepEqual(niceTicks(-59.5, 39.5), [-40, -20, 0, 20]);
    assert.deepEqual(niceTicks(0, 0.007), [0, 0.002, 0.004, 0.006]);
    assert.deepEqual(niceTicks(1.9e-5, 4.1e-5, 5), [2e-5, 2.5e-5, 3e-5, 3.5e-5, 4e-5]);
    assert.deepEqual(niceTicks(0, 1, 2), [0, 1]);
    assert.equal(niceStep(0, 1), 0.2);
    assert.equal(niceStep(0, 2.5e6, 6), 5e5);
  });

  test('names an empty, reversed or non-finite range and a bad maxTicks', () => {
    assert.throws(() => niceTicks(3, 3), /niceTicks: range must be finite with lo < hi, got \[3, 3\]/);
    assert.throws(() => niceTicks(1, 0), /got \[1, 0\]/);
    assert.throws(() => niceTicks(0, NaN), /got \[0, NaN\]/);
    assert.throws(() => niceTicks(0, 1, 1), /maxTicks must be an integer >= 2, got 1/);
  });
});

describe('logTicks', () => {
  test('1/2/5 per decade when few, decades when more, every n-th decade when many', () => {
    assert.deepEqual(logTicks(1, 100), [1, 2, 5, 10, 20, 50, 100]);
    assert.deepEqual(logTicks(0.01, 1), [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]);
    assert.deepEqual(logTicks(0.01, 1, 5), [0.01, 0.1, 1]);
    assert.deepEqual(logTicks(0.0076, 3.46), [0.01, 0.1, 1]);
    assert.deepEqual(logTicks(1e-10, 372), [1e-10, 1e-8, 1e-6, 1e-4, 0.01, 1, 100]);
  });

  test('within a decade falls back to linear round numbers', () => {
    assert.deepEqual(logTicks(0.31, 0.352), [0.31, 0.32, 0.33, 0.34, 0.35]);
  });

  test('a log axis needs a positive range', () => {
    assert.throws(() => logTicks(0, 10), /logTicks: a log axis needs lo > 0, got \[0, 10\]/);
    assert.throws(() => logTicks(-1, 10), /lo > 0/);
  });
});

describe('formatTicks', () => {
  test('fixed notation with the decimals the step needs', () => {
    assert.deepEqual(formatTicks([0, 0.2, 0.4, 0.6, 0.8, 1], 0.2), ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    assert.deepEqual(formatTicks([-40, -20, 0, 20], 20), ['-40', '-20', '0', '20']);
    assert.deepEqual(formatTicks([0.32, 0.33], 0.01), ['0.32', '0.33']);
  });

  test('exponent notation for big values or tiny steps, one notation per axis', () => {
    assert.deepEqual(formatTicks([0, 5e5, 1e6, 1.5e6], 5e5), ['0', '5e5', '1e6', '1.5e6']);
    assert.deepEqual(formatTicks([2e-5, 2.5e-5, 3e-5], 5e-6), ['2e-5', '2.5e-5', '3e-5']);
  });

  test("'log': each tick gets its own decimals", () => {
    assert.deepEqual(formatTicks([0.01, 0.1, 1, 10], 'log'), ['0.01', '0.1', '1', '10']);
    assert.deepEqual(formatTicks([1, 2, 5, 10, 20], 'log'), ['1', '2', '5', '10', '20']);
    assert.deepEqual(formatTicks([0.32, 0.33], 'log'), ['0.32', '0.33']);
    assert.deepEqual(formatTicks([1e-9, 1e-6, 0.001, 1], 'log'), ['1e-9', '1e-6', '1e-3', '1e0']);
  });
});
