import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { CostConfig } from '../../src/core/index.js';
import { Rng, costConfigSchema } from '../../src/core/index.js';
import type { CostSpec } from '../../src/plan/index.js';
import { rolloutCost, rolloutCostTerms } from '../../src/plan/index.js';
import { LinearDynamics, START, identity, knownModel, referenceCost, useBackend } from './fixtures.js';


const LOW = [-1, -0.5, 0];
const HIGH = [1, 0.5, 2];
const GOAL = [0.5, -0.2, 0.1, 0.3];

/** No smoothness term unless asked: the float64 reference and most tests are about the other terms. */
function spec(cost: Partial<CostConfig>, extra: Partial<CostSpec> = {}): CostSpec {
  return { cost: costConfigSchema.parse({ smoothWeight: 0, ...cost }), low: LOW, high: HIGH, ...extra };
}

/** Evaluates a cost of `actions` [S*H*A] and reads it back, leaving nothing behind. */
function costs(model: LinearDynamics, s: CostSpec, actions: Float32Array, H: number, start = START, goal = GOAL): Float32Array {
  return tf.tidy(() => {
    const S = actions.length / (H * model.actionDim);
    const x = tf.tensor3d(actions, [S, H, model.actionDim]);
    return rolloutCost(model, tf.tensor1d(start), tf.tensor2d([goal]), x, s).dataSync() as Float32Array;
  });
}

/** Latent = 3 values, actions move the first two, decoded proprio = 2 x latent. */
function doublingBody(): LinearDynamics {
  return new LinearDynamics(identity(3), [[1, 0], [0, 1], [0, 0]], [
    [2, 0, 0],
    [0, 2, 0],
    [0, 0, 2],
  ]);
}

describe('rolloutCost', () => {
  let model: LinearDynamics;
  before(async () => {
    await useBackend();
    model = knownModel();
  });
  after(() => model.dispose());

  test('matches a float64 reference for a batch of sequences, some out of bounds', () => {
    const H = 3;
    const S = 6;
    const actions = new Rng(1).fillNormal(new Float32Array(S * H * 3), 0, 1.2);
    const s = spec({ stageWeight: 0.5, terminalWeight: 3, actionWeight: 0.2, boundsWeight: 5 });
    const got = costs(model, s, actions, H);
    assert.equal(got.length, S);
    for (let i = 0; i < S; i++) {
      const seq = actions.subarray(i * H * 3, (i + 1) * H * 3);
      const want = referenceCost(model, START, GOAL, seq, s.cost, LOW, HIGH);
      assert.ok(Math.abs(got[i] - want) < 1e-4 * Math.max(1, want), `sample ${i}: ${got[i]} vs ${want}`);
    }
  });

  test('charges the change between consecutive actions, from the previous action when given', () => {
    const H = 3;
    const S = 4;
    const actions = new Rng(4).fillNormal(new Float32Array(S * H * 3), 0, 0.4);
    const previous = [0.3, -0.2, 1.5];
    for (const prev of [undefined, previous]) {
      const s = spec({ smoothWeight: 2, actionWeight: 0 }, prev === undefined ? {} : { previousAction: prev });
      const got = costs(model, s, actions, H);
      for (let i = 0; i < S; i++) {
        const seq = actions.subarray(i * H * 3, (i + 1) * H * 3);
        const want = referenceCost(model, START, GOAL, seq, s.cost, LOW, HIGH, prev);
        assert.ok(Math.abs(got[i] - want) < 1e-4 * Math.max(1, want), `sample ${i}, previous ${prev === undefined ? 'none' : 'given'}: ${got[i]} vs ${want}`);
      }
    }
    // A held action costs nothing; turning it around costs (2 half ranges)^2 per component and change.
    const held = Float32Array.from([0.5, 0.25, 1, 0.5, 0.25, 1]);
    const turned = Float32Array.from([0.5, 0.25, 1, -0.5, -0.25, 1]);
    const terms = (seq: Float32Array, prev?: number[]) =>
      tf.tidy(() => rolloutCostTerms(model, tf.tensor1d(START), tf.tensor1d(GOAL), tf.tensor3d(seq, [1, 2, 3]), spec({ smoothWeight: 3 }, prev === undefined ? {} : { previousAction: prev })).smooth.dataSync()[0]);
    assert.equal(terms(held), 0);
    assert.ok(Math.abs(terms(turned) - (3 / 3) * ((1 / 1) ** 2 + (0.5 / 0.5) ** 2)) < 1e-5);
    assert.ok(Math.abs(terms(held, [0.5, 0.25, 0]) - (3 / 3) * (1 / 1) ** 2) < 1e-5, 'the first action is compared with the previous one');
    assert.throws(() => costs(model, spec({ smoothWeight: 1 }, { previousAction: [0, 0] }), actions, H), /previousAction must have 3 values \(model\.actionDim\), got 2/);
    assert.throws(() => costs(model, spec({ smoothWeight: 1 }, { previousAction: [0, NaN, 0] }), actions, H), /previousAction component 1 is NaN/);
  });

  test('weights the last step by terminalWeight and the others by stageWeight', () => {
    const H = 2;
    const actions = Float32Array.from([0.1, 0.2, 0.3, -0.3, 0.1, 0.5]);
    const states = model.rollout(START, actions);
    const mse = (x: number[]) => x.reduce((acc, v, i) => acc + (v - GOAL[i]) ** 2, 0) / 4;
    const terminalOnly = costs(model, spec({ stageWeight: 0, terminalWeight: 2, actionWeight: 0 }), actions, H)[0];
    assert.ok(Math.abs(terminalOnly - 2 * mse(states[1])) < 1e-5);
    const stageOnly = costs(model, spec({ stageWeight: 3, terminalWeight: 0, actionWeight: 0 }), actions, H)[0];
    assert.ok(Math.abs(stageOnly - 3 * mse(states[0])) < 1e-5);
  });

  test('measures l1 and cosine distances as documented', () => {
    const actions = Float32Array.from([0.4, -0.2, 0.6]);
    const s1 = model.rollout(START, actions)[0];
    const l1 = s1.reduce((acc, v, i) => acc + Math.abs(v - GOAL[i]), 0) / 4;
    const dot = s1.reduce((acc, v, i) => acc + v * GOAL[i], 0);
    const cos = 1 - dot / (Math.hypot(...s1) * Math.hypot(...GOAL));
    const only = { stageWeight: 1, terminalWeight: 1, actionWeight: 0 };
    assert.ok(Math.abs(costs(model, spec({ ...only, distance: 'l1' }), actions, 1)[0] - l1) < 1e-5);
    assert.ok(Math.abs(costs(model, spec({ ...only, distance: 'cosine' }), actions, 1)[0] - cos) < 1e-5);
  });

  test('charges joint positions inside the limit margin, 1 per joint and step at the limit', () => {
    // Latent = two joint positions, actions move them, proprio = latent.
    const joints = new LinearDynamics(identity(2), identity(2), identity(2));
    try {
      const jointLimits = { indices: [1, 0], lower: [-2, -1], upper: [2, 1] };
      // margin 0.25 of the range: 1.0 for joint 1 (range 4), 0.5 for joint 0 (range 2).
      const s: CostSpec = {
        cost: costConfigSchema.parse({ stageWeight: 0, terminalWeight: 0, actionWeight: 0, smoothWeight: 0, jointLimitWeight: 2, jointLimitMargin: 0.25 }),
        low: [-5, -5],
        high: [5, 5],
        jointLimits,
      };
      const start = [0, 0];
      const at = (q0: number, q1: number) => costs(joints, s, Float32Array.from([q0, q1]), 1, start, [0, 0])[0];
      assert.ok(Math.abs(at(0.3, -0.5)) < 1e-7, 'clear of both margins');
      assert.ok(Math.abs(at(1, 0) - 2 * 1) < 1e-5, 'joint 0 at its upper limit');
      assert.ok(Math.abs(at(0.75, 0) - 2 * 0.25) < 1e-5, 'joint 0 half-way into its margin');
      assert.ok(Math.abs(at(0, -2) - 2 * 1) < 1e-5, 'joint 1 at its lower limit');
      assert.ok(Math.abs(at(-1.5, -3) - 2 * (4 + 4)) < 1e-5, 'both a margin beyond their limits');
      // Two steps at the limit count twice.
      const twoSteps = costs(joints, s, Float32Array.from([1, 0, 0, 0]), 2, start, [0, 0])[0];
      assert.ok(Math.abs(twoSteps - 2 * 2) < 1e-5);
    } finally {
      joints.dispose();
    }
  });

  test('charges the squared distance of the decoded components to the goal\'s, per step weight', () => {
    // The goal term compares decoded components 2 and 0.
    const body = doublingBody();
    try {
      const s: CostSpec = {
        cost: costConfigSchema.parse({ stageWeight: 0.5, terminalWeight: 2, actionWeight: 0, proprioGoalWeight: 3, distance: 'l1' }),
        low: [-5, -5],
        high: [5, 5],
        proprioGoal: { indices: [2, 0] },
      };
      const start = [0, 7, 1];
      const goal = [1, -4, 0];
      const terms = (actions: number[], H: number) =>
        tf.tidy(() => {
          const t = rolloutCostTerms(body, tf.tensor1d(start), tf.tensor1d(goal), tf.tensor3d(actions, [1, H, 2]), s);
          return { proprio: t.proprioGoal.dataSync()[0], total: t.total.dataSync()[0], goal: t.goal.dataSync()[0] };
        });
      // One step to x = 1: decoded (z, x) = (2, 2) vs the goal's (0, 2): 3 * 2 * 2^2; component 1 (y) is not compared.
      const one = terms([1, 3], 1);
      assert.ok(Math.abs(one.proprio - 3 * 2 * 4) < 1e-4, `got ${one.proprio}`);
      assert.ok(Math.abs(one.total - one.goal - one.proprio) < 1e-4);
      // Two steps, x = 0.5 then 1: stage 0.5 * ((2-0)^2 + (1-2)^2), terminal 2 * (2^2 + 0).
      const two = terms([0.5, 0, 0.5, 0], 2);
      assert.ok(Math.abs(two.proprio - 3 * (0.5 * 5 + 2 * 4)) < 1e-4, `got ${two.proprio}`);
      // Weight 0 switches it off, even with the indices given.
      const off = tf.tidy(() =>
        rolloutCostTerms(body, tf.tensor1d(start), tf.tensor1d(goal), tf.tensor3d([1, 3], [1, 1, 2]), { ...s, cost: { ...s.cost, proprioGoalWeight: 0 } })
          .proprioGoal.dataSync()[0],
      );
      assert.equal(off, 0);
      // Differentiable: the gradient of the term alone w.r.t. x is 3 * 2 * 2 * (2x - 2) * 2 at one step.
      const g = tf.tidy(() => {
        const f = tf.grad((x: tf.Tensor) => rolloutCostTerms(body, tf.tensor1d(start), tf.tensor1d(goal), x as tf.Tensor3D, s).proprioGoal.sum());
        return Array.from(f(tf.tensor3d([0.25, 0], [1, 1, 2])).dataSync());
      });
      assert.ok(Math.abs(g[0] - 3 * 2 * 2 * (0.5 - 2) * 2) < 1e-3, `got ${g[0]}`);
      assert.ok(Math.abs(g[1]) < 1e-6);
    } finally {
      body.dispose();
    }
  });

  test('aims the decoded components at an explicit target when one is given, and scales the latent term', () => {
    const body = doublingBody();
    try {
      const base: CostSpec = {
        cost: costConfigSchema.parse({ stageWeight: 1, terminalWeight: 1, actionWeight: 0, proprioGoalWeight: 1, distance: 'l1' }),
        low: [-5, -5],
        high: [5, 5],
        proprioGoal: { indices: [0, 1], target: [4, -2] },
      };
      const terms = (spec: CostSpec) =>
        tf.tidy(() => {
          const t = rolloutCostTerms(body, tf.tensor1d([0, 0, 0]), tf.tensor1d([9, 9, 9]), tf.tensor3d([1, 1], [1, 1, 2]), spec);
          return { proprio: t.proprioGoal.dataSync()[0], goal: t.goal.dataSync()[0] };
        });
      // One step to (1, 1, 0): decoded (2, 2) vs the target (4, -2): 2^2 + 4^2; the goal latent's (18, 18) is ignored.
      const aimed = terms(base);
      assert.ok(Math.abs(aimed.proprio - 20) < 1e-4, `got ${aimed.proprio}`);
      // latentWeight scales the latent goal term only: l1 distance of (1, 1, 0) to (9, 9, 9) is 25/3.
      assert.ok(Math.abs(aimed.goal - 25 / 3) < 1e-4, `got ${aimed.goal}`);
      const scaled = terms({ ...base, cost: { ...base.cost, latentWeight: 0.1 } });
      assert.ok(Math.abs(scaled.goal - 2.5 / 3) < 1e-4, `got ${scaled.goal}`);
      assert.equal(scaled.proprio, aimed.proprio);
      assert.throws(
        () => rolloutCostTerms(body, tf.tensor1d([0, 0, 0]), tf.tensor1d([0, 0, 0]), tf.tensor3d([1, 1], [1, 1, 2]), { ...base, proprioGoal: { indices: [0, 1], target: [1] } }),
        /proprioGoal.target must have one value per index \(2\), got 1/,
      );
    } finally {
      body.dispose();
    }
  });

  test('weighs latent components by goalWeights (a weighted mean) and refuses bad weights', () => {
    const actions = Float32Array.from([0.4, -0.2, 0.6]);
    const s1 = model.rollout(START, actions)[0];
    const w = [1, 0, 3, 0];
    const only = { stageWeight: 1, terminalWeight: 1, actionWeight: 0 };
    const mse = s1.reduce((acc, v, i) => acc + w[i] * (v - GOAL[i]) ** 2, 0) / 4;
    const l1 = s1.reduce((acc, v, i) => acc + w[i] * Math.abs(v - GOAL[i]), 0) / 4;
    assert.ok(Math.abs(costs(model, spec(only, { goalWeights: w }), actions, 1)[0] - mse) < 1e-5);
    assert.ok(Math.abs(costs(model, spec({ ...only, distance: 'l1' }, { goalWeights: w }), actions, 1)[0] - l1) < 1e-5);
    // Equal weights give the plain mean, whatever their scale.
    const plain = costs(model, spec(only), actions, 1)[0];
    assert.ok(Math.abs(costs(model, spec(only, { goalWeights: [5, 5, 5, 5] }), actions, 1)[0] - plain) < 1e-5);
    assert.throws(() => costs(model, spec(only, { goalWeights: [1, 1] }), actions, 1), /goalWeights must have 4 values \(model\.latentDim\), got 2/);
    assert.throws(() => costs(model, spec(only, { goalWeights: [1, -1, 0, 0] }), actions, 1), /goalWeights\[1\] must be finite and >= 0, got -1/);
    assert.throws(() => costs(model, spec(only, { goalWeights: [0, 0, 0, 0] }), actions, 1), /goalWeights must not all be 0/);
  });

  test('actionRepeat holds each action for that many predictions and looks at the state after the last', () => {
    const a = [0.3, -0.1, 0.2];
    const b = [-0.2, 0.4, 0.1];
    const only = (stageWeight: number, terminalWeight: number) => ({ stageWeight, terminalWeight, actionWeight: 0 });
    // Terminal only: two actions held twice end where the four-step sequence a a b b ends.
    const held = costs(model, spec(only(0, 1), { actionRepeat: 2 }), Float32Array.from([...a, ...b]), 2)[0];
    const spelled = costs(model, spec(only(0, 1)), Float32Array.from([...a, ...a, ...b, ...b]), 4)[0];
    assert.ok(Math.abs(held - spelled) < 1e-5, `${held} vs ${spelled}`);
    // Stage only: the first step's state is the one after a twice.
    const stage = costs(model, spec(only(1, 0), { actionRepeat: 2 }), Float32Array.from([...a, ...b]), 2)[0];
    const twice = costs(model, spec(only(0, 1)), Float32Array.from([...a, ...a]), 2)[0];
    assert.ok(Math.abs(stage - twice) < 1e-5, `${stage} vs ${twice}`);
    assert.throws(() => costs(model, spec(only(0, 1), { actionRepeat: 0 }), Float32Array.from(a), 1), /actionRepeat must be an integer >= 1, got 0/);
  });

  test('a proprio goal radius charges only the distance beyond it', () => {
    const body = doublingBody();
    try {
      const base: CostSpec = {
        cost: costConfigSchema.parse({ stageWeight: 1, terminalWeight: 1, actionWeight: 0, proprioGoalWeight: 1 }),
        low: [-5, -5],
        high: [5, 5],
        proprioGoal: { indices: [0, 1], target: [5, 2], radius: 3 },
      };
      const proprio = (spec: CostSpec): number =>
        tf.tidy(() => rolloutCostTerms(body, tf.tensor1d([0, 0, 0]), tf.tensor1d([0, 0, 0]), tf.tensor3d([1, 1], [1, 1, 2]), spec).proprioGoal.dataSync()[0]);
      // Decoded (2, 2) vs (5, 2): 3 away, inside the radius: free; 5 away with target (7, 2): (5 - 3)^2.
      assert.ok(Math.abs(proprio(base)) < 1e-6);
      assert.ok(Math.abs(proprio({ ...base, proprioGoal: { indices: [0, 1], target: [7, 2], radius: 3 } }) - 4) < 1e-4);
      assert.throws(() => proprio({ ...base, proprioGoal: { indices: [0, 1], target: [7, 2], radius: -1 } }), /proprioGoal\.radius must be finite and >= 0, got -1/);
      // Radius on the first component only: (2, 2) vs (7, 5): (5 - 3)^2 + 3^2 in full.
      assert.ok(Math.abs(proprio({ ...base, proprioGoal: { indices: [0, 1], target: [7, 5], radius: 3, radiusComponents: 1 } }) - 13) < 1e-4);
      assert.ok(Math.abs(proprio({ ...base, proprioGoal: { indices: [0, 1], target: [4, 5], radius: 3, radiusComponents: 1 } }) - 9) < 1e-4, 'within the radius on the first, the second in full');
      assert.throws(() => proprio({ ...base, proprioGoal: { indices: [0, 1], target: [7, 2], radius: 3, radiusComponents: 3 } }), /radiusComponents must be an integer from 1 to the 2 indices, got 3/);
    } finally {
      body.dispose();
    }
  });

  test('is differentiable w.r.t. the actions: the gradient matches finite differences', () => {
    const H = 2;
    const actions = new Rng(2).fillNormal(new Float32Array(H * 3), 0, 0.4);
    const s = spec({ stageWeight: 1, terminalWeight: 2, actionWeight: 0.3, boundsWeight: 1 });
    const grad = tf.tidy(() => {
      const g = tf.grad((x: tf.Tensor) => tf.sum(rolloutCost(model, tf.tensor1d(START), tf.tensor1d(GOAL), x as tf.Tensor3D, s)));
      return g(tf.tensor3d(actions, [1, H, 3])).dataSync() as Float32Array;
    });
    const h = 1e-5;
    for (let k = 0; k < actions.length; k++) {
      const plus = Float64Array.from(actions);
      const minus = Float64Array.from(actions);
      plus[k] += h;
      minus[k] -= h;
      const fd = (referenceCost(model, START, GOAL, plus, s.cost, LOW, HIGH) - referenceCost(model, START, GOAL, minus, s.cost, LOW, HIGH)) / (2 * h);
      assert.ok(Math.abs(grad[k] - fd) < 1e-3 * Math.max(1, Math.abs(fd)), `component ${k}: ${grad[k]} vs ${fd}`);
    }
  });

  test('returns its terms, which sum to the total, and leaves no other tensor behind', () => {
    const actions = tf.tensor3d(new Rng(3).fillNormal(new Float32Array(4 * 2 * 3), 0, 1.5), [4, 2, 3]);
    const start = tf.tensor1d(START);
    const goal = tf.tensor1d(GOAL);
    const before = tf.memory().numTensors;
    const terms = rolloutCostTerms(model, start, goal, actions, spec({ boundsWeight: 2, actionWeight: 0.5, smoothWeight: 0.3 }));
    assert.equal(tf.memory().numTensors, before + 8);
    const sum = tf.tidy(() => tf.addN([terms.goal, terms.action, terms.smooth, terms.bounds, terms.jointLimit, terms.proprioGoal, terms.objectGoal]).dataSync());
    const total = terms.total.dataSync();
    for (let i = 0; i < 4; i++) assert.ok(Math.abs(sum[i] - total[i]) < 1e-5);
    assert.ok(terms.bounds.dataSync().some((x) => x > 0), 'some samples leave the bounds');
    assert.ok(terms.smooth.dataSync().every((x) => x > 0), 'random sequences change from step to step');
    assert.deepEqual(Array.from(terms.jointLimit.dataSync()), [0, 0, 0, 0]);
    assert.deepEqual(Array.from(terms.proprioGoal.dataSync()), [0, 0, 0, 0]);
    assert.deepEqual(Array.from(terms.objectGoal.dataSync()), [0, 0, 0, 0]);
    tf.dispose(Object.values(terms));
    rolloutCost(model, start, goal, actions, spec({})).dispose();
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([actions, start, goal]);
  });

  test('names the bad input in its errors', () => {
    tf.tidy(() => {
      const start = tf.tensor1d(START);
      const goal = tf.tensor1d(GOAL);
      const ok = tf.zeros([2, 3, 3]) as tf.Tensor3D;
      assert.throws(() => rolloutCost(model, start, goal, tf.zeros([2, 3, 2]) as tf.Tensor3D, spec({})), /actions must have shape \[samples, horizon >= 1, 3\] \(model\.actionDim\), got \[2, 3, 2\]/);
      assert.throws(() => rolloutCost(model, tf.zeros([3]), goal, ok, spec({})), /start must have shape \[4\] or \[1, 4\] \(model\.latentDim\), got \[3\]/);
      assert.throws(() => rolloutCost(model, start, tf.zeros([2, 4]), ok, spec({})), /goal must have shape \[4\] or \[1, 4\]/);
      assert.throws(() => rolloutCost(model, start, goal, ok, { ...spec({}), low: [0, 0] }), /bounds must have 3 values each \(model\.actionDim\), got 2 lows and 3 highs/);
      assert.throws(
        () => rolloutCost(model, start, goal, ok, spec({}, { jointLimits: { indices: [0], lower: [0], upper: [1] } })),
        /jointLimits given but the model has no decodeProprio/,
      );
      assert.throws(
        () => rolloutCost(model, start, goal, ok, spec({ proprioGoalWeight: 1 }, { proprioGoal: { indices: [0] } })),
        /proprioGoal given but the model has no decodeProprio/,
      );
      const joints = new LinearDynamics(identity(2), identity(2), identity(2));
      try {
        const limits = { indices: [0, 5], lower: [-1, -1], upper: [1, 1] };
        const s: CostSpec = { cost: costConfigSchema.parse({}), low: [-1, -1], high: [1, 1], jointLimits: limits };
        assert.throws(
          () => rolloutCost(joints, tf.zeros([2]), tf.zeros([2]), tf.zeros([1, 1, 2]) as tf.Tensor3D, s),
          /jointLimits\.indices has 5, but decodeProprio returns 2 values/,
        );
        const goalOf = (indices: number[]): CostSpec => ({ ...s, jointLimits: undefined, cost: costConfigSchema.parse({ proprioGoalWeight: 1 }), proprioGoal: { indices } });
        assert.throws(
          () => rolloutCost(joints, tf.zeros([2]), tf.zeros([2]), tf.zeros([1, 1, 2]) as tf.Tensor3D, goalOf([1, 2])),
          /proprioGoal\.indices has 2, but decodeProprio returns 2 values/,
        );
        assert.throws(() => rolloutCost(joints, tf.zeros([2]), tf.zeros([2]), tf.zeros([1, 1, 2]) as tf.Tensor3D, goalOf([])), /proprioGoal\.indices must name at least one/);
        assert.throws(() => rolloutCost(joints, tf.zeros([2]), tf.zeros([2]), tf.zeros([1, 1, 2]) as tf.Tensor3D, goalOf([-1])), /proprioGoal\.indices\[0\] must be an index >= 0, got -1/);
        const swapped = { ...s, jointLimits: { indices: [0], lower: [1], upper: [-1] } };
        assert.throws(
          () => rolloutCost(joints, tf.zeros([2]), tf.zeros([2]), tf.zeros([1, 1, 2]) as tf.Tensor3D, swapped),
          /joint limit 0 must have lower < upper, got \[1, -1\]/,
        );
      } finally {
        joints.dispose();
      }
    });
  });
});
