import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addSeconds,
  compareTimestamps,
  secondsBetween,
  timestampFromNanoseconds,
  timestampFromSeconds,
  toNanoseconds,
  toSeconds,
} from '../../src/core/Timestamp.js';

test('seconds and nanoseconds round trip', () => {
  const t = timestampFromSeconds(12.25);
  assert.deepEqual(t, { sec: 12, nanosec: 250_000_000 });
  assert.equal(toSeconds(t), 12.25);
  assert.deepEqual(timestampFromNanoseconds(toNanoseconds(t)), t);
});

test('nanosecond rounding carries into seconds', () => {
  assert.deepEqual(timestampFromSeconds(0.9999999999), { sec: 1, nanosec: 0 });
});

test('differences, ordering and addition', () => {
  const a = { sec: 1, nanosec: 900_000_000 };
  const b = { sec: 2, nanosec: 100_000_000 };
  assert.ok(Math.abs(secondsBetween(a, b) - 0.2) < 1e-12);
  assert.ok(compareTimestamps(a, b) < 0);
  assert.deepEqual(addSeconds(a, 0.2), b);
});

test('negative or non-finite seconds are errors', () => {
  assert.throws(() => timestampFromSeconds(-1), /finite and >= 0, got -1/);
  assert.throws(() => timestampFromSeconds(Number.NaN), /got NaN/);
});
