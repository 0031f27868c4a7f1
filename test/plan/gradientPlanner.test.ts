import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/core/index.js';
import { gradientPlanner } from '../../src/plan/index.js';
import type { LinearDynamics } from './fixtures.js';
import { START, exactOptimum, knownModel, maxAbsDiff, reachableGoal, testConfig, useBackend } from './fixtures.js';
import { describePlannerContract } from './plannerContract.js';

describePlannerContract('gradient', gradientPlanner, {
  converge: { gradientSamples: 2, gradientSteps: 100, gradientLr: 0.05 },
  frozen: { gradientSamples: 1, gradientSteps: 1, gradientLr: 1e-6 },
  seedSensitive: { gradientSamples: 64, gradientSteps: 1, gradientLr: 1e-4, initStd: 0.5, cost: { actionWeight: 0 } },
  tolerance: 0.005,
});

describe('gradientPlanner', () => {
  let model: LinearDynamics;
  before(async () => {
    await useBackend();
    model = knownModel();
  });
  after(() => model.dispose());
  const LOW = [-1, -1, -1];
  const HIGH = [1, 1, 1];

  test('plain gradient descent converges too, and every step counts in the budget', () => {
    const goal = reachableGoal(model, 2);
    const cfg = testConfig(
      { horizon: 2, gradientOptimizer: 'sgd', gradientLr: 1, gradientSteps: 60, gradientSamples: 1, cost: { actionWeight: 0.1, terminalWeight: 1 } },
      LOW,
      HIGH,
    );
    const r = gradientPlanner(model, START, goal, cfg, new Rng(1));
    const exact = exactOptimum(model, START, goal, 2, cfg.cost, LOW, HIGH);
    assert.ok(maxAbsDiff(r.actions, exact) < 0.01, `${Array.from(r.actions)} vs ${Array.from(exact)}`);
    assert.equal(r.iterations, 60);
    assert.equal(r.predictions, (1 * 61 + 1) * 2);
  });

  test('ranks sequences the model blows up on last', () => {
    // NaN for any action with a first component above 0.5 (including their gradients).
    const fragile = {
      latentDim: 4,
      actionDim: 3,
      predict: (s: tf.Tensor2D, a: tf.Tensor2D) =>
        tf.tidy(() => tf.add(model.predict(s, a), tf.mul(tf.sqrt(tf.sub(0.5, tf.slice(a, [0, 0], [-1, 1]))), 0)) as tf.Tensor2D),
    };
    const goal = model.rollout(START, [0.9, 0, 0, 0.9, 0, 0])[1];
    const cfg = testConfig({ horizon: 2, gradientSamples: 8, gradientSteps: 10, initStd: 1 }, LOW, HIGH);
    const r = gradientPlanner(fragile, START, goal, cfg, new Rng(5));
    assert.ok(Number.isFinite(r.cost), `${r.cost}`);
    assert.ok(r.actions[0] <= 0.5 && r.actions[3] <= 0.5, `${Array.from(r.actions)}`);
  });
});
