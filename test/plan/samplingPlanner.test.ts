import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/core/index.js';
import { samplingPlanner } from '../../src/plan/samplingPlanner.js';
import type { LinearDynamics } from './fixtures.js';
import { START, knownModel, maxAbsDiff, reachableGoal, testConfig, useBackend } from './fixtures.js';

let model: LinearDynamics;
before(async () => {
  await useBackend();
  model = knownModel();
});
after(() => model.dispose());

const LOW = [-1, -1, -1];
const HIGH = [1, 1, 1];

test('samplingPlanner spends exactly samples x horizon x iterations predictions, plus the final mean', () => {
  const cfg = testConfig({ horizon: 3, samples: 64, elites: 8, iterations: 5 }, LOW, HIGH);
  const r = samplingPlanner('cem', model, START, reachableGoal(model, 3), cfg, new Rng(1));
  assert.equal(r.predictions, (64 * 5 + 1) * 3);
  assert.equal(r.iterations, 5);
  assert.equal(r.actions.length, 9);
});

test('MPPI weights approach CEM uniform weights as the temperature grows, and differ when it is low', () => {
  const goal = reachableGoal(model, 3);
  const base = { horizon: 3, samples: 64, elites: 16, iterations: 2 };
  const run = (kind: 'cem' | 'mppi', temperature: number) =>
    samplingPlanner(kind, model, START, goal, testConfig({ ...base, temperature }, LOW, HIGH), new Rng(4)).actions;
  const uniform = run('cem', 1);
  assert.ok(maxAbsDiff(run('mppi', 100), uniform) < 1e-3, 'hot MPPI is CEM');
  assert.ok(maxAbsDiff(run('mppi', 0.05), uniform) > 1e-3, 'cold MPPI leans to the cheapest elites');
});

test('samplingPlanner names a model that turns every latent into NaN', () => {
  const exploding = {
    latentDim: 4,
    actionDim: 3,
    predict: (s: tf.Tensor2D, a: tf.Tensor2D) => tf.tidy(() => tf.mul(model.predict(s, a), 1e30) as tf.Tensor2D),
  };
  const cfg = testConfig({ horizon: 2, samples: 8, elites: 2, iterations: 1 }, LOW, HIGH);
  // Two steps of x1e30 overflow float32.
  assert.throws(() => samplingPlanner('mppi', exploding, START, START, cfg, new Rng(1)), /mppi: the predicted cost of every sampled sequence is NaN or infinite; the model produced non-finite latents/);
});

test('samplingPlanner ranks sequences the model blows up on last, and still plans', () => {
  // The model explodes for any action with a first component above 0.5: those sequences cost NaN.
  const fragile = {
    latentDim: 4,
    actionDim: 3,
    predict: (s: tf.Tensor2D, a: tf.Tensor2D) =>
      tf.tidy(() => {
        const bad = tf.greater(tf.slice(a, [0, 0], [-1, 1]), 0.5);
        return tf.where(tf.tile(bad, [1, 4]), tf.fill(s.shape, NaN), model.predict(s, a)) as tf.Tensor2D;
      }),
  };
  const goal = model.rollout(START, [0.9, 0, 0, 0.9, 0, 0])[1];
  for (const kind of ['cem', 'mppi'] as const) {
    const cfg = testConfig({ horizon: 2, samples: 64, elites: 8, iterations: 3 }, LOW, HIGH);
    const r = samplingPlanner(kind, fragile, START, goal, cfg, new Rng(5));
    assert.ok(Number.isFinite(r.cost), `${kind}: ${r.cost}`);
    assert.ok(r.actions[0] <= 0.5 && r.actions[3] <= 0.5, `${kind}: ${Array.from(r.actions)}`);
  }
});

test('samplingPlanner returns the last iteration\'s cheapest elites when asked (keepElites), the same plan either way, and frees their tensors', () => {
  const goal = reachableGoal(model, 3);
  const base = testConfig({ horizon: 3, samples: 64, elites: 8, iterations: 3 }, LOW, HIGH);
  for (const kind of ['cem', 'mppi'] as const) {
    const plain = samplingPlanner(kind, model, START, goal, base, new Rng(9));
    assert.equal(plain.elites, undefined, 'none unless asked');
    const before = tf.memory().numTensors;
    const kept = samplingPlanner(kind, model, START, goal, { ...base, keepElites: 5 }, new Rng(9));
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(kept.actions, plain.actions, 'keeping elites does not change the plan');
    assert.equal(kept.elites?.costs.length, 5);
    assert.equal(kept.elites?.actions.length, 5 * 3 * 3);
    const costs = Array.from(kept.elites!.costs);
    assert.deepEqual(costs, [...costs].sort((a, b) => a - b), 'cheapest first');
    assert.ok(kept.cost <= costs[0] + 1e-6, 'the plan is no dearer than the cheapest elite');
    assert.ok(kept.elites!.actions.every((v) => v >= -1 && v <= 1), 'inside the bounds');
    const many = samplingPlanner(kind, model, START, goal, { ...base, keepElites: 100 }, new Rng(9));
    assert.equal(many.elites?.costs.length, 8, 'at most plan.elites');
  }
});

test('with select: mean, the plan is the last iteration\'s refitted mean, scored; with best, the cheapest sequence seen', () => {
  const goal = reachableGoal(model, 3);
  // momentum 0 and CEM's uniform weights: the refitted mean is the elites' average.
  const base = testConfig({ horizon: 3, samples: 64, elites: 8, iterations: 3, momentum: 0 }, LOW, HIGH);
  const mean = samplingPlanner('cem', model, START, goal, { ...base, select: 'mean', keepElites: 8 }, new Rng(11));
  const elites = mean.elites!.actions;
  const average = Float32Array.from(mean.actions, (_, i) => {
    let sum = 0;
    for (let k = 0; k < 8; k++) sum += elites[k * 9 + i];
    return sum / 8;
  });
  assert.ok(maxAbsDiff(mean.actions, average) < 1e-5, `${Array.from(mean.actions)} vs ${Array.from(average)}`);
  const best = samplingPlanner('cem', model, START, goal, { ...base, keepElites: 8 }, new Rng(11));
  assert.ok(best.cost <= mean.cost + 1e-6, 'the cheapest sequence seen is no dearer than the mean');
  assert.ok(maxAbsDiff(best.actions, mean.actions) > 1e-4, 'the two selections differ here');
});
