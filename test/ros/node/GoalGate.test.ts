import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Controller, Decision } from '../../../src/agent/Controller.js';
import { makeActionSpace } from '../../../src/core/index.js';
import { GoalGate } from '../../../src/ros/node/index.js';

const space = makeActionSpace('ee_delta', ['dx', 'dy', 'dz', 'gripper'], [-1, -1, -1, -1], [1, 1, 1, 1]);
const inner: Controller = { setGoal: () => undefined, decide: (): Decision => ({ values: Float32Array.of(1, 1, 1, 1), planningMs: 3 }) };
const obs = { stamp: { sec: 0, nanosec: 0 } };

describe('GoalGate', () => {
  test('holds (gripper as last sent) until a goal, acts with one, holds after a clear', () => {
    const gate = new GoalGate(inner, space, 'hold');
    gate.gripper = -1;
    assert.deepEqual([...(gate.decide(obs) as Decision).values], [0, 0, 0, -1]);
    assert.equal(gate.holding, true);
    gate.setGoal(obs);
    assert.deepEqual([...(gate.decide(obs) as Decision).values], [1, 1, 1, 1]);
    gate.clearGoal();
    assert.equal((gate.decide(obs) as Decision).info?.holding, 1);
  });

  test("'explore' lets the controller act without a goal", () => {
    const gate = new GoalGate(inner, space, 'explore');
    assert.equal(gate.holding, false);
    assert.deepEqual([...(gate.decide(obs) as Decision).values], [1, 1, 1, 1]);
  });
});
