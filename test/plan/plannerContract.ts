// The behaviour every planner owes (optimum of a known problem, bounds, warm start, seeds,
// joint limits, no leaks, clear errors), as one suite that each planner's test file runs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { CostConfig, PlanConfig } from '../../src/core/index.js';
import { Rng } from '../../src/core/index.js';
import type { Planner, PlannerConfig } from '../../src/plan/index.js';
import { rolloutCost, shiftPlan } from '../../src/plan/index.js';
import {
  LinearDynamics,
  START,
  exactOptimum,
  identity,
  knownModel,
  maxAbsDiff,
  reachableGoal,
  referenceCost,
  testConfig,
  useBackend,
} from './fixtures.js';

export type PlanOverrides = Partial<Omit<PlanConfig, 'cost'>> & { cost?: Partial<CostConfig> };

export interface ContractSettings {
  /** Overrides that make the planner converge on the small test problems. */
  converge: PlanOverrides;
  /** Overrides under which the planner barely moves from its initial mean (to see the warm start). */
  frozen: PlanOverrides;
  /** Overrides under which the random draws decide the plan (few iterations, wide sampling). */
  seedSensitive: PlanOverrides;
  /** Largest allowed distance of an action component from the exact optimum (bounds are ±1). */
  tolerance: number;
}

const D = 4;
const A = 3;
const LOW = [-1, -1, -1];
const HIGH = [1, 1, 1];

export function describePlannerContract(name: string, planner: Planner, settings: ContractSettings): void {
  describe(`${name}: planner contract`, () => {
    let model: LinearDynamics;
    before(async () => {
      await useBackend();
      model = knownModel();
    });
    after(() => model.dispose());

    const config = (extra: PlanOverrides = {}): PlannerConfig =>
      testConfig(
        { ...settings.converge, ...extra, cost: { actionWeight: 0.1, terminalWeight: 1, ...settings.converge.cost, ...extra.cost } },
        LOW,
        HIGH,
      );

    test('finds the exact optimum of a linear model with a quadratic cost (horizon 3, bounds inactive)', () => {
      const cfg = config({ horizon: 3 });
      const goal = reachableGoal(model, 3);
      const best = exactOptimum(model, START, goal, 3, cfg.cost, LOW, HIGH);
      assert.ok(Math.max(...best.map(Math.abs)) < 0.9, 'fixture: the optimum must lie inside the bounds');
      const result = planner(model, START, goal, cfg, new Rng(1));
      assert.ok(
        maxAbsDiff(result.actions, best) < settings.tolerance,
        `actions ${fmt(result.actions)} vs optimum ${fmt(best)}`,
      );
      const optimal = referenceCost(model, START, goal, best, cfg.cost, LOW, HIGH);
      const got = referenceCost(model, START, goal, result.actions, cfg.cost, LOW, HIGH);
      assert.ok(Math.abs(result.cost - got) < 1e-4 + 1e-3 * got, `reported cost ${result.cost}, recomputed ${got}`);
      assert.ok(got - optimal < 2e-3 * Math.max(1, optimal), `cost ${got} vs optimal ${optimal}`);
      assert.deepEqual(Array.from(result.firstAction), Array.from(result.actions.slice(0, A)));
      assert.equal(result.planner, name);
      assert.equal(result.horizon, 3);
      assert.equal(result.actionDim, A);
      assert.ok(result.planningMs >= 0 && result.iterations > 0 && result.predictions > 0);
    });

    test('returns the clipped optimum when bounds are active (horizon 1, separable cost)', () => {
      const cfg = config({ horizon: 1 });
      // Far enough that two of the three unconstrained components leave [-1, 1].
      const wanted = [2.5, -0.4, -3];
      const goal = model.rollout(START, wanted)[0];
      const free = exactOptimum(model, START, goal, 1, cfg.cost, LOW, HIGH);
      assert.ok(free[0] > 1 && free[2] < -1 && Math.abs(free[1]) < 0.9, `fixture: ${fmt(free)}`);
      const clipped = free.map((x, i) => Math.min(HIGH[i], Math.max(LOW[i], x)));
      const result = planner(model, START, goal, cfg, new Rng(2));
      assert.ok(maxAbsDiff(result.actions, clipped) < settings.tolerance, `actions ${fmt(result.actions)} vs ${fmt(clipped)}`);
    });

    test('keeps every action inside per-component bounds', () => {
      const low = [-0.1, -0.5, 0];
      const high = [0.2, 0.5, 1];
      const cfg = testConfig({ ...settings.converge, horizon: 4 }, low, high);
      const far = [9, -9, 9, -9];
      for (const seed of [3, 4]) {
        const result = planner(model, START, far, cfg, new Rng(seed), new Float32Array(4 * A).fill(5));
        result.actions.forEach((x, k) => {
          assert.ok(x >= low[k % A] && x <= high[k % A], `action ${k} = ${x} outside [${low[k % A]}, ${high[k % A]}]`);
        });
      }
    });

    test('warm-starts from the previous plan shifted by one step (repeat or zero tail)', () => {
      const H = 4;
      const previous = Float32Array.from({ length: H * A }, (_, i) => 0.1 * ((i % 7) - 3));
      const goal = reachableGoal(model, H);
      for (const tail of ['repeat', 'zero'] as const) {
        const cfg = config({ ...settings.frozen, horizon: H, warmStartTail: tail });
        const result = planner(model, START, goal, cfg, new Rng(5), previous);
        const shifted = shiftPlan(previous, H, A, tail);
        assert.ok(maxAbsDiff(result.actions, shifted) < 1e-3, `${tail}: ${fmt(result.actions)} vs ${fmt(shifted)}`);
      }
      // Converging from a warm start is never worse than the shifted warm start itself.
      const cfg = config({ horizon: H });
      const result = planner(model, START, goal, cfg, new Rng(6), previous);
      const shiftedCost = referenceCost(model, START, goal, shiftPlan(previous, H, A, 'repeat'), cfg.cost, LOW, HIGH);
      assert.ok(result.cost <= shiftedCost + 1e-5, `${result.cost} > ${shiftedCost}`);
    });

    test('is reproducible: the same seed gives the same plan, another seed another plan', () => {
      const cfg = config({ ...settings.seedSensitive, horizon: 3 });
      // A goal far from where doing nothing leads, so that random candidates can beat the warm start.
      const goal = model.rollout(START, new Array<number>(3 * A).fill(0.9))[2];
      const a = planner(model, START, goal, cfg, new Rng(11));
      const b = planner(model, START, goal, cfg, new Rng(11));
      const c = planner(model, START, goal, cfg, new Rng(12));
      assert.deepEqual(a.actions, b.actions);
      assert.equal(a.cost, b.cost);
      assert.notDeepEqual(a.actions, c.actions);
    });

    test('joint-limit cost keeps the decoded joints away from their limits', () => {
      // Latent = joint positions, actions move them directly: the goal sits on the upper limit.
      const joints = new LinearDynamics(identity(2), identity(2), identity(2));
      try {
        const limits = { indices: [0, 1], lower: [-1, -1], upper: [1, 1] };
        const start = [0.4, 0];
        const goal = [1, 0];
        const plan = (weight: number) =>
          planner(
            joints,
            start,
            goal,
            testConfig(
              { ...settings.converge, horizon: 2, cost: { jointLimitWeight: weight, jointLimitMargin: 0.25, actionWeight: 0 } },
              [-0.5, -0.5],
              [0.5, 0.5],
              limits,
            ),
            new Rng(21),
          );
        const free = joints.rollout(start, plan(0).actions)[1][0];
        const limited = joints.rollout(start, plan(1).actions)[1][0];
        assert.ok(free > 0.95, `without the joint cost the joint should reach the goal at the limit, got ${free}`);
        assert.ok(limited < 0.8, `with the joint cost the joint should stay clear of the limit, got ${limited}`);
      } finally {
        joints.dispose();
      }
    });

    test('leaves no tensors behind, also when the model fails mid-plan', () => {
      const goal = reachableGoal(model, 3);
      const cfg = config({ horizon: 3 });
      const startT = tf.tensor2d([START]);
      const goalT = tf.tensor1d(goal);
      const before = tf.memory().numTensors;
      const warm = planner(model, startT, goalT, cfg, new Rng(1)).actions;
      planner(model, START, goal, cfg, new Rng(1), warm);
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([startT, goalT]);
      const broken = {
        latentDim: D,
        actionDim: A,
        predict: (s: tf.Tensor2D) => tf.concat([s, s], 1) as tf.Tensor2D,
      };
      const mid = tf.memory().numTensors;
      assert.throws(() => planner(broken, START, goal, cfg, new Rng(1)), /model\.predict returned shape \[\d+, 8\], expected \[\d+, 4\]/);
      assert.equal(tf.memory().numTensors, mid);
    });

    test('names the bad input in its errors', () => {
      const goal = reachableGoal(model, 3);
      const cfg = config({ horizon: 3 });
      const rng = new Rng(1);
      assert.throws(() => planner(model, START, [1, 2, 3], cfg, rng), new RegExp(`^RangeError: ${name}: goal must have 4 values \\(model.latentDim\\), got 3`));
      const wide = tf.zeros([2, 4]);
      assert.throws(() => planner(model, START, wide, cfg, rng), /goal must have shape \[4\] or \[1, 4\] \(model.latentDim\), got \[2, 4\]/);
      wide.dispose();
      assert.throws(() => planner(model, [0, NaN, 0, 0], goal, cfg, rng), /start state component 1 is NaN; it must be finite/);
      assert.throws(() => planner(model, START, goal, { ...cfg, horizon: 0 }, rng), /bad config: plan\.horizon: .*>=1.* \(got 0\)/);
      assert.throws(() => planner(model, START, goal, { ...cfg, low: [-1, -1] }, rng), /bounds must have 3 values each \(model.actionDim\), got 2 lows and 3 highs/);
      assert.throws(() => planner(model, START, goal, { ...cfg, high: [1, -2, 1] }, rng), /bounds of action component 1 must be finite with low < high, got \[-1, -2\]/);
      assert.throws(() => planner(model, START, goal, cfg, rng, new Float32Array(5)), /warm start must be the previous plan's 9 actions \(horizon 3 x actionDim 3\), got 5/);
      assert.throws(
        () => planner(model, START, goal, { ...cfg, jointLimits: { indices: [0], lower: [-1], upper: [1] } }, rng),
        /jointLimits given but the model has no decodeProprio/,
      );
    });
  });
}

function fmt(values: ArrayLike<number>): string {
  return `[${Array.from(values, (x) => x.toFixed(3)).join(', ')}]`;
}

/** Cost of one sequence through `rolloutCost`, for comparisons. */
export function tensorCost(model: LinearDynamics, start: number[], goal: number[], actions: Float32Array, cfg: PlannerConfig): number {
  return tf.tidy(() => {
    const H = actions.length / model.actionDim;
    const c = rolloutCost(model, tf.tensor1d(start), tf.tensor1d(goal), tf.tensor3d(actions, [1, H, model.actionDim]), cfg);
    return c.dataSync()[0];
  });
}
