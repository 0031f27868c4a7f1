import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { baselinesConfigSchema, makeActionSpace, planConfigSchema, Rng } from '../../../src/core/index.js';
import type { Observation } from '../../../src/core/index.js';
import { ScriptedSubgoalsController } from '../../../src/eval/baselines/ScriptedSubgoalsController.js';
import { WorldModel } from '../../../src/model/index.js';
import { cem, plannerConfig } from '../../../src/plan/index.js';
import type { LatentInput, Planner, PlannerConfig } from '../../../src/plan/index.js';
import { observation, tinyConfig, useTestBackend } from '../../model/fixtures.js';

const space = makeActionSpace('ee_delta', ['dx', 'dy', 'dz'], [-0.025, -0.025, -0.025], [0.025, 0.025, 0.025]);
const subgoalConfig = baselinesConfigSchema.parse({}).scriptedSubgoals;

/** A planner that records what it was asked and plans nothing. */
function recordingPlanner(): { planner: Planner; calls: { start: Float32Array; config: PlannerConfig }[] } {
  const calls: { start: Float32Array; config: PlannerConfig }[] = [];
  const planner: Planner = (model, start: LatentInput, _goal, config) => {
    calls.push({ start: Float32Array.from(start as ArrayLike<number>), config });
    const actions = new Float32Array(config.horizon * model.actionDim);
    return { planner: 'cem', actions, firstAction: actions.slice(0, model.actionDim), cost: 0, planningMs: 0, iterations: 1, horizon: config.horizon, actionDim: model.actionDim, predictions: 0 };
  };
  return { planner, calls };
}

/** A small object on the table at (x, y), as base-frame cloud points. */
function cloudAt(x: number, y: number): Observation['points'] {
  return {
    stamp: { sec: 0, nanosec: 0 },
    frameId: 'base_link',
    count: 12,
    positions: Float32Array.from({ length: 36 }, (_, k) => [x + 0.002 * (k % 5), y - 0.002 * (k % 7), 0.01 + 0.003 * (k % 4)][k % 3]),
  };
}

/** The current observation with the object at (0.3, 0) and the hand measured at `hand`. */
function withHand(hand: readonly [number, number, number]): Observation {
  const base = observation(1);
  return { ...base, points: cloudAt(0.3, 0), proprio: { ...base.proprio!, endEffector: { position: hand, quaternion: [1, 0, 0, 0] } } };
}

describe('ScriptedSubgoalsController', () => {
  let model: WorldModel;
  const plan = plannerConfig(planConfigSchema.parse({ horizon: 2, samples: 8, elites: 2, iterations: 1 }), space);
  const goal: Observation = { ...observation(2, ['rgb', 'points']), points: cloudAt(0.4, 0.1) };
  before(async () => {
    await useTestBackend();
    model = new WorldModel(tinyConfig(), { seed: 3 });
  });
  after(() => model.dispose());

  test('the end-effector term aims at the push subgoal, moved into the model\'s reading of the hand, with the latent term turned down', () => {
    const hand = [0.2, -0.1, 0.09] as const;
    const rec = recordingPlanner();
    const ctl = new ScriptedSubgoalsController(model, rec.planner, plan, space, subgoalConfig, new Rng(1));
    ctl.setGoal(goal);
    ctl.decide(withHand(hand));
    const subgoal = ctl.lastSubgoal;
    assert.equal(subgoal?.phase, 'approach');
    const config = rec.calls[0].config;
    assert.equal(config.cost.latentWeight, 0.1);
    // proprio.dim 10: 3 joint slots of positions and velocities, then ee xyz at 6, 7, 8, gripper at 9.
    assert.deepEqual(config.proprioGoal?.indices, [6, 7, 8]);
    const target = config.proprioGoal?.target;
    assert.ok(target !== undefined && target.length === 3);
    const decoded = tf.tidy(() => model.decodeProprio!(tf.tensor2d(rec.calls[0].start, [1, rec.calls[0].start.length])).dataSync());
    for (let k = 0; k < 3; k++) {
      assert.ok(Math.abs(target[k] - (subgoal.target[k] - hand[k] + decoded[6 + k])) < 1e-5, `component ${k}`);
    }
    // The image-only goal is compared with the current observation encoded without proprioception.
    const unmatched = model.encodeObservation(withHand(hand));
    const matched = model.encodeObservation({ ...withHand(hand), proprio: undefined });
    assert.ok(rec.calls[0].start.every((v, i) => Math.abs(v - matched[i]) < 1e-5) && !rec.calls[0].start.every((v, i) => Math.abs(v - unmatched[i]) < 1e-5));
  });

  test('without the object in the goal\'s cloud there is no subgoal: it plans toward the goal latent alone', () => {
    const rec = recordingPlanner();
    const ctl = new ScriptedSubgoalsController(model, rec.planner, plan, space, subgoalConfig, new Rng(1));
    ctl.setGoal({ ...goal, points: cloudAt(0.9, 0.9) });
    ctl.decide(withHand([0.2, -0.1, 0.09]));
    assert.equal(ctl.lastSubgoal, undefined);
    assert.equal(rec.calls[0].config.proprioGoal?.target, undefined);
    assert.equal(rec.calls[0].config.cost.latentWeight, 1);
  });

  test('while a subgoal drives the hand, the gripper command is the configured one, not the plan\'s', () => {
    const withGripper = makeActionSpace('ee_delta', ['dx', 'dy', 'dz', 'gripper'], [-0.025, -0.025, -0.025, -1], [0.025, 0.025, 0.025, 1]);
    const model4 = new WorldModel(tinyConfig({ actionDim: 4 }), { seed: 3 });
    try {
      // A planner whose plan opens the gripper wide.
      const planner: Planner = (m, _start, _goal, config) => {
        const actions = new Float32Array(config.horizon * m.actionDim).fill(0.02);
        for (let t = 0; t < config.horizon; t++) actions[t * m.actionDim + 3] = 0.9;
        return { planner: 'cem', actions, firstAction: actions.slice(0, m.actionDim), cost: 0, planningMs: 0, iterations: 1, horizon: config.horizon, actionDim: m.actionDim, predictions: 0 };
      };
      const config4 = plannerConfig(planConfigSchema.parse({ horizon: 2, samples: 8, elites: 2, iterations: 1 }), withGripper);
      const ctl = new ScriptedSubgoalsController(model4, planner, config4, withGripper, { ...subgoalConfig, gripper: -0.5 }, new Rng(1));
      ctl.setGoal(goal);
      const pushing = ctl.decide(withHand([0.2, -0.1, 0.09]));
      assert.ok(ctl.lastSubgoal !== undefined);
      assert.deepEqual([...pushing.values].map((v) => Math.round(v * 100) / 100), [0.02, 0.02, 0.02, -0.5]);
    } finally {
      model4.dispose();
    }
  });

  test('plans through a real planner without leaking tensors, and refuses to decide before a goal', () => {
    const ctl = new ScriptedSubgoalsController(model, cem, plannerConfig(planConfigSchema.parse({ horizon: 2, samples: 8, elites: 2, iterations: 1, cost: { proprioGoalWeight: 100 } }), space), space, subgoalConfig, new Rng(1));
    assert.throws(() => ctl.decide(withHand([0.2, -0.1, 0.09])), /scripted-subgoals: decide\(\) before setGoal\(\)/);
    ctl.setGoal(goal);
    ctl.decide(withHand([0.2, -0.1, 0.09]));
    const before = tf.memory().numTensors;
    const d = ctl.decide(withHand([0.21, -0.09, 0.09]));
    assert.equal(tf.memory().numTensors, before);
    assert.ok(d.predictedCost !== undefined && Number.isFinite(d.predictedCost));
    d.values.forEach((v, i) => assert.ok(v >= space.low[i] && v <= space.high[i]));
  });

  test('names the mismatch when the model and the action space disagree', () => {
    const wide = makeActionSpace('ee_delta', ['dx', 'dy', 'dz', 'gripper'], [-1, -1, -1, -1], [1, 1, 1, 1]);
    assert.throws(() => new ScriptedSubgoalsController(model, cem, plan, wide, subgoalConfig, new Rng(1)), /scripted-subgoals: the model takes 3 action values, the action space ee_delta has 4/);
  });
});
