import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PushSubgoals } from '../../../src/agent/controllers/PushSubgoals.js';
import { agentConfigSchema } from '../../../src/core/index.js';
import type { SimEnv } from '../../../src/sim/index.js';
import { makeEnv } from '../../sim/fixtures.js';

const config = agentConfigSchema.parse({}).planning.pushSubgoals;

describe('PushSubgoals', () => {
  let env: SimEnv;
  before(async () => {
    env = await makeEnv('task=push');
  });
  after(() => env.close());

  /** Pushes with a hand that goes straight to each subgoal: what the subgoals are worth with perfect hand control. */
  function pushEpisode(seed: number): { success: boolean; phases: string } {
    env.reset(seed, { task: 'push', split: 'train' });
    const subgoals = new PushSubgoals(config);
    subgoals.setGoal(env.goalObservation());
    let observation = env.observe();
    let phases = '';
    const e = env.actionSpace.high[0];
    for (let t = 0; t < env.config.episodeSteps; t++) {
      const subgoal = subgoals.next(observation);
      phases += subgoal?.phase[0] ?? '-';
      const tool = observation.proprio!.endEffector.position;
      const action = new Float32Array(4);
      if (subgoal) for (let i = 0; i < 3; i++) action[i] = Math.max(-e, Math.min(e, subgoal.target[i] - tool[i]));
      const result = env.step(action);
      if (result.success) return { success: true, phases };
      observation = result.observation;
    }
    return { success: false, phases };
  }

  test('approach, descend, push: with a hand that follows the subgoals, most pushes succeed from the point clouds alone', () => {
    const outcomes = Array.from({ length: 16 }, (_, k) => pushEpisode(5000 + k));
    const successes = outcomes.filter((o) => o.success).length;
    // Measured 8/16 here and 18/30 over seeds 5000-5029; scripted true-state pushing does 18-19/20; random actions 0.
    assert.ok(successes >= 5, `${successes}/16: ${outcomes.map((o) => o.phases).join(' | ')}`);
    for (const o of outcomes) assert.match(o.phases, /^l*a+d+p/, 'phases come in order');
  });

  test('gives no subgoal without a goal view of the object or without a measured tool', () => {
    env.reset(5000, { task: 'push', split: 'train' });
    const subgoals = new PushSubgoals(config);
    assert.equal(subgoals.next(env.observe()), undefined, 'no goal yet');
    subgoals.setGoal(env.goalObservation());
    assert.ok(subgoals.goalObject);
    assert.equal(subgoals.next({ ...env.observe(), proprio: undefined }), undefined);
    // A goal view without a cloud: the object's wanted place is unknown.
    subgoals.setGoal({ ...env.goalObservation(), points: undefined });
    assert.equal(subgoals.goalObject, undefined);
  });
});
