import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { simConfigSchema } from '../../../src/core/config/simConfig.js';
import type { Observation } from '../../../src/core/Observation.js';
import { corrupts, corruptSensors } from '../../../src/eval/ablate/index.js';
import { SimEnv } from '../../../src/sim/SimEnv.js';

let env: SimEnv;
before(async () => {
  env = await SimEnv.create(simConfigSchema.parse({ episodeSteps: 12, camera: { width: 16, height: 16 }, pointCount: 64 }));
});
after(() => env.close());

/** An episode's observations through `e`: the reset and `steps` steps of a fixed action. */
function episode(e: SimEnv, seed: number, steps = 10): Observation[] {
  const out = [e.reset(seed, { task: 'reach' })];
  for (let i = 0; i < steps; i++) out.push(e.step([0.01, 0, 0, 1]).observation);
  return out;
}

test('no fault: the environment itself is returned', () => {
  assert.equal(corruptSensors(env, undefined, 1), env);
  assert.equal(corruptSensors(env, { rgbDropout: 0, rgbNoiseStd: 0 }, 1), env);
  assert.equal(corrupts({ pointsDropout: 0.1 }), true);
});

test('dropout removes whole camera frames (the cloud with its depth image) on about the asked fraction of ticks', () => {
  const faulty = corruptSensors(env, { rgbDropout: 0.5, pointsDropout: 1 }, 3);
  const obs = [...episode(faulty, 11, 11), ...episode(faulty, 12, 11)];
  const missing = obs.filter((o) => o.rgb === undefined).length;
  assert.ok(missing >= 4 && missing <= 20, `${missing} of ${obs.length} ticks without RGB`);
  assert.ok(obs.every((o) => o.points === undefined && o.depth === undefined), 'every cloud dropped at 1');
  assert.ok(obs.every((o) => o.proprio !== undefined), 'proprioception is untouched');
  // Everything else of the environment still works through the wrapper (SimEnv's #private state).
  assert.equal(faulty.trueState().task, 'reach');
  assert.ok(faulty.goalObservation().rgb !== undefined, 'goals are not corrupted');
  assert.equal(faulty.actionSpace, env.actionSpace);
  assert.equal(faulty.controlPeriod, env.controlPeriod);
});

test('pixel noise changes RGB values by about its std and leaves the clean frame alone', () => {
  const clean = episode(env, 21, 2);
  const noisy = episode(corruptSensors(env, { rgbNoiseStd: 20 }, 4), 21, 2);
  const a = clean[2].rgb!.data;
  const b = noisy[2].rgb!.data;
  let sq = 0;
  for (let i = 0; i < a.length; i++) sq += (a[i] - b[i]) ** 2;
  const rms = Math.sqrt(sq / a.length);
  assert.ok(rms > 10 && rms < 25, `rms change ${rms.toFixed(1)}`);
  assert.deepEqual(clean[2].points?.positions, noisy[2].points?.positions, 'points untouched');
});

test('the faults of an episode depend on the run seed and the episode seed only', () => {
  const pattern = (e: SimEnv, seed: number): string => episode(e, seed).map((o) => (o.rgb ? '1' : '0')).join('');
  const a = corruptSensors(env, { rgbDropout: 0.5 }, 7);
  const first = pattern(a, 31);
  pattern(a, 32); // another episode in between
  assert.equal(pattern(a, 31), first, 'the same episode again: the same faults');
  assert.equal(pattern(corruptSensors(env, { rgbDropout: 0.5 }, 7), 31), first, 'another wrapper, same seeds: the same faults');
  assert.notEqual(pattern(corruptSensors(env, { rgbDropout: 0.5 }, 8), 31), first, 'another run seed: other faults');
});

test('out-of-range settings are errors that name the setting', () => {
  assert.throws(() => corruptSensors(env, { rgbDropout: 1.5 }, 1), /rgbDropout must be in \[0, 1\], got 1.5/);
  assert.throws(() => corruptSensors(env, { rgbNoiseStd: -1, rgbDropout: 0.1 }, 1), /rgbNoiseStd must be >= 0, got -1/);
});
