import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig, planConfigSchema } from '../../../src/core/index.js';

test('plan config defaults: CEM 256 samples x horizon 6 x 3 iterations (fits a 10 Hz loop on one wasm core)', () => {
  const plan = parseConfig({}).plan;
  assert.equal(plan.planner, 'cem');
  assert.equal(plan.samples * plan.horizon * plan.iterations, 256 * 6 * 3);
  assert.ok(plan.elites <= plan.samples && plan.minStd <= plan.initStd);
  assert.equal(plan.cost.distance, 'mse');
  assert.ok(Object.isFrozen(plan.cost));
});

test('plan config round-trips a full section through the schema', () => {
  const plan = parseConfig({}).plan;
  assert.deepEqual(planConfigSchema.parse(JSON.parse(JSON.stringify(plan))), plan);
  const custom = parseConfig({ plan: { planner: 'gradient', horizon: 12, cost: { jointLimitWeight: 3 } } }).plan;
  assert.equal(custom.planner, 'gradient');
  assert.equal(custom.horizon, 12);
  assert.equal(custom.cost.jointLimitWeight, 3);
  assert.equal(custom.cost.terminalWeight, plan.cost.terminalWeight);
});

test('plan config names bad keys and values', () => {
  assert.throws(() => parseConfig({ plan: { planner: 'ilqr' } }), (e: unknown) => e instanceof ConfigError && /'plan\.planner'/.test(e.message));
  assert.throws(() => parseConfig({ plan: { horizon: 0 } }), /'plan\.horizon': .* \(got 0\)/);
  assert.throws(() => parseConfig({ plan: { samples: 16, elites: 32 } }), /'plan\.elites': elites \(32\) must not exceed samples \(16\)/);
  assert.throws(() => parseConfig({ plan: { initStd: 0.1, minStd: 0.2 } }), /'plan\.minStd': minStd \(0\.2\) must not exceed initStd \(0\.1\)/);
  assert.throws(() => parseConfig({ plan: { cost: { jointLimitMargin: 0 } } }), /'plan\.cost\.jointLimitMargin'/);
  assert.throws(() => parseConfig({ plan: { temprature: 1 } }), /unknown key 'plan\.temprature'/);
});
