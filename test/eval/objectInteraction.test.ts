import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { InteractionMeter, interactionStats } from '../../src/eval/objectInteraction.js';
import type { EpisodeInteraction } from '../../src/eval/objectInteraction.js';
import { scriptedPolicy } from '../../src/sim/scriptedPolicy.js';
import type { SimEnv } from '../../src/sim/SimEnv.js';
import { makeEnv } from '../sim/fixtures.js';

/** One push episode measured as the experiments measure it; `act` picks the action from the true state. */
function measure(env: SimEnv, seed: number, act: (s: ReturnType<SimEnv['trueState']>) => ArrayLike<number>): EpisodeInteraction {
  env.reset(seed, { task: 'push' });
  const meter = new InteractionMeter();
  let state = env.trueState();
  meter.start(state);
  for (let t = 0; t < env.config.episodeSteps; t++) {
    const done = env.step(act(state)).done;
    state = env.trueState();
    meter.step(state);
    if (done) break;
  }
  return meter.end();
}

// A tee, which rests still: wedges creep about 2.4 cm in 60 idle steps in this scene.
const SEED = 4;

describe('object interaction (real simulation)', async () => {
  const env = await makeEnv();
  after(() => env.close());

  test('a scripted true-state push touches the object and moves it more than 1 cm', () => {
    const push = scriptedPolicy('push', env.actionSpace);
    const m = measure(env, SEED, (s) => push.act(s));
    assert.equal(m.ticks, env.config.episodeSteps);
    assert.ok(m.contactTicks > 0, `contact ticks ${m.contactTicks}`);
    assert.ok(m.displacement > 0.01, `displacement ${m.displacement} m`);
  });

  test('an arm that stays away (zero actions) never touches the object, which stays put', () => {
    const m = measure(env, SEED, () => [0, 0, 0, 0]);
    assert.equal(m.contactTicks, 0);
    assert.ok(m.displacement < 0.002, `displacement ${m.displacement} m`);
  });

  test('stats pool ticks for the contact share and average displacement per episode', () => {
    const s = interactionStats([
      { ticks: 10, contactTicks: 5, displacement: 0.04 },
      { ticks: 30, contactTicks: 0, displacement: 0.005 },
    ]);
    assert.deepEqual({ ...s, meanDisplacementCm: Number(s.meanDisplacementCm.toFixed(6)) }, {
      episodes: 2, ticks: 40, contactTicks: 5, contactShare: 0.125, meanDisplacementCm: 2.25, movedEpisodes: 1, movedShare: 0.5,
    });
    assert.ok(Number.isNaN(interactionStats([]).contactShare));
  });

  test('stepping before start is an error that says what to do', () => {
    env.reset(0, { task: 'push' });
    assert.throws(() => new InteractionMeter().step(env.trueState()), /call start\(state\) at the episode reset first/);
  });
});
