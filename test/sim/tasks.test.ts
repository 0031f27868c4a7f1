import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/Rng.js';
import { distance } from '../../src/core/Pose.js';
import type { TaskName } from '../../src/core/config/simConfig.js';
import { scriptedPolicy } from '../../src/sim/scriptedPolicy.js';
import type { SimEnv } from '../../src/sim/SimEnv.js';
import { makeEnv } from './fixtures.js';

const SEEDS = 10;

function successRate(env: SimEnv, task: TaskName, policy: 'scripted' | 'random'): number {
  let successes = 0;
  for (let seed = 0; seed < SEEDS; seed++) {
    env.reset(seed, { task });
    const scripted = scriptedPolicy(task, env.actionSpace);
    const rng = new Rng(seed);
    for (let i = 0; i < env.config.episodeSteps; i++) {
      const action =
        policy === 'scripted'
          ? scripted.act(env.trueState())
          : Array.from(env.actionSpace.low, (lo, k) => rng.uniform(lo, env.actionSpace.high[k]));
      if (env.step(action).success) {
        successes++;
        break;
      }
    }
  }
  return successes / SEEDS;
}

describe('tasks: success tests on the true state', async () => {
  const env = await makeEnv();
  after(() => env.close());

  for (const task of ['reach', 'push', 'pick'] as const) {
    test(`${task}: a scripted controller on the true state succeeds, random actions rarely do`, () => {
      const scripted = successRate(env, task, 'scripted');
      const random = successRate(env, task, 'random');
      assert.ok(scripted >= 0.8, `scripted ${task} success ${scripted}`);
      assert.ok(random <= 0.2, `random ${task} success ${random}`);
    });
  }

  test('reach goals lie at least 15 cm from the start tool position', () => {
    for (let seed = 0; seed < 20; seed++) {
      env.reset(seed, { task: 'reach' });
      const s = env.trueState();
      assert.ok(distance(s.goal.position, s.toolPosition) >= 0.15);
    }
  });

  test('push goals lie on the table at least 10 cm from the object start', () => {
    for (let seed = 0; seed < 20; seed++) {
      env.reset(seed, { task: 'push' });
      const s = env.trueState();
      const obj = s.objects.find((o) => o.name === s.goal.objectName)!;
      assert.ok(distance(s.goal.position, obj.position) >= 0.1);
      assert.ok(Math.abs(s.goal.position[2] - obj.position[2]) < 1e-9, 'goal at the object resting height');
    }
  });

  test('pick succeeds only when lifted 5 cm and held by both fingers', () => {
    env.reset(0, { task: 'pick' });
    const policy = scriptedPolicy('pick', env.actionSpace);
    let firstSuccess = -1;
    for (let i = 0; i < env.config.episodeSteps && firstSuccess < 0; i++) {
      if (env.step(policy.act(env.trueState())).success) firstSuccess = i;
    }
    assert.ok(firstSuccess > 0);
    const s = env.trueState();
    const obj = s.objects.find((o) => o.name === s.goal.objectName)!;
    assert.ok(s.grasped);
    assert.ok(obj.position[2] - s.goal.restZ! >= 0.05);
    // Opening the gripper drops the object: no longer a success.
    for (let i = 0; i < 15; i++) env.step([0, 0, 0, 1]);
    assert.equal(env.trueState().success, false);
  });
});
