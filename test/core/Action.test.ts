import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipAction, makeActionSpace, sampleAction, validateAction } from '../../src/core/Action.js';
import { Rng } from '../../src/core/Rng.js';

const space = makeActionSpace('ee_delta', ['dx', 'dy', 'dz', 'gripper'], [-0.1, -0.1, -0.1, -1], [0.1, 0.1, 0.1, 1]);

test('clipping keeps actions inside the bounds', () => {
  const a = clipAction(space, [0.5, -0.5, 0.05, 2]);
  assert.deepEqual(Array.from(a.values), [0.1, -0.1, Math.fround(0.05), 1].map(Math.fround));
  assert.equal(a.space, 'ee_delta');
});

test('wrong size and non-finite values are named errors', () => {
  assert.throws(() => validateAction(space, [0, 0, 0]), /expected 4 values for space ee_delta \(dx, dy, dz, gripper\), got 3/);
  assert.throws(() => validateAction(space, [0, Number.NaN, 0, 0]), /component 1 \(dy\) is NaN/);
  assert.throws(() => clipAction(space, [0, 0, Infinity, 0]), /component 2 \(dz\) is Infinity/);
});

test('bad spaces are rejected', () => {
  assert.throws(() => makeActionSpace('ee_delta', ['a', 'b'], [0], [1, 1]), /2 names but 1 lows/);
  assert.throws(() => makeActionSpace('ee_delta', ['a'], [1], [1]), /component a has low 1 >= high 1/);
});

test('samples lie in the bounds', () => {
  const rng = new Rng(1);
  for (let i = 0; i < 100; i++) {
    const a = sampleAction(space, () => rng.next());
    a.values.forEach((v, k) => assert.ok(v >= space.low[k] && v <= space.high[k]));
  }
});
