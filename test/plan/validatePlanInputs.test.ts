import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { validatePlanInputs } from '../../src/plan/validatePlanInputs.js';
import type { LinearDynamics } from './fixtures.js';
import { START, knownModel, testConfig, useBackend } from './fixtures.js';

let model: LinearDynamics;
before(async () => {
  await useBackend();
  model = knownModel();
});
after(() => model.dispose());

const cfg = () => testConfig({ horizon: 2, warmStartTail: 'repeat' }, [-1, -1, 0], [1, 1, 0.5]);

test('validatePlanInputs reads tensor and array latents and starts from zero clipped into the bounds', () => {
  const start = tf.tensor2d([START]);
  const p = validatePlanInputs('cem', model, start, Float64Array.from([1, 2, 3, 4]), { ...cfg(), low: [-1, -1, 0.1] });
  start.dispose();
  assert.deepEqual(Array.from(p.start), START.map(Math.fround));
  assert.deepEqual(Array.from(p.goal), [1, 2, 3, 4]);
  assert.deepEqual(Array.from(p.initial), [0, 0, 0.1, 0, 0, 0.1].map(Math.fround));
  assert.deepEqual(Array.from(p.half), [1, 1, 0.2].map(Math.fround));
  assert.equal(p.horizon, 2);
  assert.equal(p.plan.samples, 256);
});

test('validatePlanInputs shifts the warm start by one step and clips it', () => {
  const p = validatePlanInputs('mppi', model, START, START, cfg(), [0.1, 0.2, 0.3, 0.4, -5, 5]);
  assert.deepEqual(Array.from(p.initial), [0.4, -1, 0.5, 0.4, -1, 0.5].map(Math.fround));
});

test('validatePlanInputs names bad config values and unknown keys', () => {
  assert.throws(() => validatePlanInputs('cem', model, START, START, { ...cfg(), elites: 600 }), /cem: bad config: plan\.elites: elites \(600\) must not exceed samples \(256\)/);
  assert.throws(() => validatePlanInputs('cem', model, START, START, { ...cfg(), temperature: -1 }), /plan\.temperature: .* \(got -1\)/);
  const typo = { ...cfg(), sampels: 3 } as unknown as ReturnType<typeof cfg>;
  assert.throws(() => validatePlanInputs('cem', model, START, START, typo), /unknown key 'plan\.sampels'/);
});

test('validatePlanInputs names bad latents, warm starts and models', () => {
  assert.throws(() => validatePlanInputs('gradient', model, START, [0, 0, Infinity, 0], cfg()), /^RangeError: gradient: goal component 2 is Infinity; it must be finite$/);
  assert.throws(() => validatePlanInputs('cem', model, START, START, cfg(), [0, 0, 0, 0, NaN, 0]), /warm start component 4 is NaN/);
  const odd = { latentDim: 0, actionDim: 3, predict: model.predict.bind(model) };
  assert.throws(() => validatePlanInputs('cem', odd, START, START, cfg()), /model\.latentDim and model\.actionDim must be positive integers, got 0 and 3/);
});
