import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultConfig, makeActionSpace } from '../../src/core/index.js';
import { plannerConfig } from '../../src/plan/index.js';

test('plannerConfig joins the plan section with the action bounds and joint limits, frozen', () => {
  const plan = defaultConfig().plan;
  const space = makeActionSpace('ee_delta', ['dx', 'dy', 'dz', 'gripper'], [-0.025, -0.025, -0.025, 0], [0.025, 0.025, 0.025, 1]);
  const limits = { indices: [0, 1], lower: [-3, -2], upper: [3, 2] };
  const cfg = plannerConfig(plan, space, limits);
  assert.equal(cfg.planner, 'cem');
  assert.equal(cfg.samples, 256);
  assert.equal(cfg.horizon, 6);
  assert.equal(cfg.iterations, 3);
  assert.deepEqual(Array.from(cfg.high), [0.025, 0.025, 0.025, 1].map(Math.fround));
  assert.equal(cfg.jointLimits, limits);
  assert.ok(Object.isFrozen(cfg));
  assert.equal('jointLimits' in plannerConfig(plan, space), false);
});
