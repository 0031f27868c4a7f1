import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clipToBounds } from '../../src/plan/clipToBounds.js';

test('clipToBounds clips each component of a step-major sequence to its own bounds', () => {
  const actions = Float32Array.from([-3, 0.5, 3, 0.1, 9, -9]);
  clipToBounds(actions, [-1, 0], [1, 0.25]);
  assert.deepEqual(Array.from(actions), [-1, 0.25, 1, 0.1, 1, 0].map(Math.fround));
});

test('clipToBounds keeps float32 values inside float64 bounds that float32 cannot represent', () => {
  const low = [-0.1, 0.3];
  const high = [0.2, 0.7];
  // Math.fround(0.2) > 0.2 and Math.fround(-0.1) < -0.1: a plain clip would leave them outside.
  assert.ok(Math.fround(0.2) > 0.2 && Math.fround(-0.1) < -0.1);
  const actions = Float32Array.from([5, -5, -5, 5]);
  clipToBounds(actions, low, high);
  actions.forEach((x, k) => assert.ok(x >= low[k % 2] && x <= high[k % 2], `${k}: ${x}`));
  assert.ok(Math.abs(actions[0] - 0.2) < 1e-7 && Math.abs(actions[2] + 0.1) < 1e-7);
});

test('clipToBounds handles a zero bound', () => {
  const actions = Float32Array.from([-1, 1]);
  clipToBounds(actions, [0], [1e-30]);
  actions.forEach((x) => assert.ok(x >= 0 && x <= 1e-30, `${x}`));
});
