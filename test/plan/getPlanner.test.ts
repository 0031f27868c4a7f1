import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { PlannerKind } from '../../src/core/index.js';
import { PLANNER_KINDS, Rng } from '../../src/core/index.js';
import { cem, getPlanner, gradientPlanner, mppi } from '../../src/plan/index.js';
import type { LinearDynamics } from './fixtures.js';
import { START, exactOptimum, knownModel, maxAbsDiff, reachableGoal, testConfig, useBackend } from './fixtures.js';

let model: LinearDynamics;
before(async () => {
  await useBackend();
  model = knownModel();
});
after(() => model.dispose());

test('getPlanner returns the planner each config kind names', () => {
  assert.equal(getPlanner('cem'), cem);
  assert.equal(getPlanner('mppi'), mppi);
  assert.equal(getPlanner('gradient'), gradientPlanner);
  assert.deepEqual([...PLANNER_KINDS].sort(), ['cem', 'gradient', 'mppi']);
});

test('getPlanner names an unknown kind and the known ones', () => {
  assert.throws(() => getPlanner('ilqr' as PlannerKind), /plan\.planner: unknown planner 'ilqr', expected one of cem, mppi, gradient/);
  assert.throws(() => getPlanner('toString' as PlannerKind), /unknown planner 'toString'/);
});

test('CEM, MPPI and gradient planning agree with each other and with the exact optimum', () => {
  const H = 2;
  const goal = reachableGoal(model, H);
  const low = [-1, -1, -1];
  const high = [1, 1, 1];
  const common = {
    horizon: H,
    samples: 256,
    elites: 32,
    iterations: 12,
    minStd: 0.002,
    momentum: 0,
    gradientSamples: 2,
    gradientSteps: 80,
    cost: { actionWeight: 0.1, terminalWeight: 1 },
  };
  const plans = PLANNER_KINDS.map((planner) =>
    getPlanner(planner)(model, START, goal, testConfig({ ...common, planner }, low, high), new Rng(9)),
  );
  const exact = exactOptimum(model, START, goal, H, testConfig(common, low, high).cost, low, high);
  for (const p of plans) {
    assert.ok(maxAbsDiff(p.actions, exact) < 0.02, `${p.planner} vs exact: ${maxAbsDiff(p.actions, exact)}`);
    for (const q of plans) {
      assert.ok(maxAbsDiff(p.actions, q.actions) < 0.03, `${p.planner} vs ${q.planner}`);
      assert.ok(Math.abs(p.cost - q.cost) < 1e-3 * Math.max(1, p.cost), `${p.planner} ${p.cost} vs ${q.planner} ${q.cost}`);
    }
  }
});
