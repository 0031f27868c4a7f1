import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shiftPlan } from '../../src/plan/index.js';

const previous = Float32Array.from([1, 2, 3, 4, 5, 6]); // horizon 3, actionDim 2

test('shiftPlan drops the executed first step and repeats the last', () => {
  assert.deepEqual(Array.from(shiftPlan(previous, 3, 2, 'repeat')), [3, 4, 5, 6, 5, 6]);
});

test('shiftPlan fills the freed last step with zeros', () => {
  assert.deepEqual(Array.from(shiftPlan(previous, 3, 2, 'zero')), [3, 4, 5, 6, 0, 0]);
});

test('shiftPlan of a one-step plan is its tail only', () => {
  assert.deepEqual(Array.from(shiftPlan([7, 8], 1, 2, 'repeat')), [7, 8]);
  assert.deepEqual(Array.from(shiftPlan([7, 8], 1, 2, 'zero')), [0, 0]);
});

test('shiftPlan leaves its input alone and names a wrong length', () => {
  shiftPlan(previous, 3, 2, 'zero');
  assert.deepEqual(Array.from(previous), [1, 2, 3, 4, 5, 6]);
  assert.throws(() => shiftPlan(previous, 4, 2, 'zero'), /shiftPlan: expected 8 values \(horizon 4 x actionDim 2\), got 6/);
});
