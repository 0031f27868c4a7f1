import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { angleErrorsDeg, runPredictExperiment } from '../../../src/eval/predict/predictExperiment.js';
import type { PredictOptions, PredictReport } from '../../../src/eval/predict/predictExperiment.js';
import { predictMarkdown, predictPlots } from '../../../src/eval/predict/predictReport.js';
import { tinyConfig, tinySetup } from '../common/fixtures.js';
import { useTestBackend } from '../../backend.js';

const config = tinyConfig();
const options: PredictOptions = { horizon: 3, splits: ['train', 'unseen_all'], fitEpisodes: 6, testEpisodes: 2, pushEpisodes: 2, pushSteps: 40, steps: 10, tasks: ['reach', 'push'], holdSteps: 20, seed: 3 };

async function run(): Promise<PredictReport> {
  const setup = await tinySetup(config, { babbleEpisodes: 6, trainSteps: 120 });
  try {
    return runPredictExperiment(setup.env, setup.models, options);
  } finally {
    setup.close();
  }
}

test('angle errors wrap around ±180° and ignore the length of (sin, cos)', () => {
  const errors = angleErrorsDeg([Math.sin(3.1) * 5, Math.cos(3.1) * 5, 0, 1], [-3.1, Math.PI / 2]);
  assert.ok(Math.abs(errors[0] - (360 - 2 * 3.1 * (180 / Math.PI))) < 1e-9, `wrapped error ${errors[0]}`);
  assert.ok(Math.abs(errors[1] - 90) < 1e-9);
  assert.throws(() => angleErrorsDeg([0, 1, 0], [0, 0]), /3 predicted values for 2 angles, expected 4/);
});

test('predict (tiny): the trained predictor beats copy-last at horizon 1 and the random one; reproducible; no tensor leaks', async () => {
  await useTestBackend();
  const before = tf.memory().numTensors;
  const a = await run();
  assert.equal(tf.memory().numTensors, before, 'every tensor was freed');
  const cell = (encoder: string, split: string, h: number) => a.horizons.find((c) => c.encoder === encoder && c.split === split && c.horizon === h)!;
  assert.equal(a.horizons.length, 2 * 2 * 3, 'two encoders x two splits x three horizons');
  const h1 = cell('trained', 'train', 1);
  assert.ok(h1.model < h1.copyLast, `trained h=1 error ${h1.model} should be below copy-last ${h1.copyLast}`);
  assert.ok(h1.model < cell('random', 'train', 1).model, 'the trained predictor beats the random one');
  assert.ok(cell('trained', 'train', 3).copyLast > h1.copyLast, 'the world drifts: copy-last gets worse with the horizon');
  for (const p of a.poses) {
    const error = p.target === 'object yaw' ? p.errorDeg : p.errorCm;
    assert.ok(Number.isFinite(p.r2) && Number.isFinite(error) && error >= 0, `${p.representation} ${p.target} ${p.split}`);
  }
  const yaw = a.poses.filter((p) => p.target === 'object yaw');
  assert.equal(yaw.length, a.poses.filter((p) => p.target === 'object').length, 'one yaw cell per object-position cell');
  for (const p of yaw) assert.ok(p.target === 'object yaw' && p.errorDeg <= 180 && p.r2 <= 1, JSON.stringify(p));
  assert.deepEqual(a.meanBaseline.filter((b) => b.target === 'object yaw').map((b) => b.split), ['train', 'unseen_all']);
  const proprio = a.poses.find((p) => p.representation === 'trained proprio' && p.target === 'end effector' && p.split === 'train')!;
  assert.ok(proprio.r2 > 0.2, `the proprio embedding holds the end effector (R² ${proprio.r2})`);
  // The same frames without proprioception are a representation of their own (a goal image's), on every split, and worse at the hand.
  const fusedHand = a.poses.find((p) => p.representation === 'trained fused' && p.target === 'end effector' && p.split === 'train')!;
  const camerasHand = a.poses.filter((p) => p.representation === 'trained fused, cameras only' && p.target === 'end effector');
  assert.deepEqual(camerasHand.map((p) => p.split), ['train', 'unseen_all']);
  const cm = (p: (typeof a.poses)[number]): number => (p.target === 'object yaw' ? Number.NaN : p.errorCm);
  assert.ok(cm(camerasHand[0]) > cm(fusedHand), `cameras only ${cm(camerasHand[0])} cm vs fused ${cm(fusedHand)} cm`);
  // Scripted pushes move the object: every split and horizon has moves, measured against copy-last.
  assert.deepEqual(a.objectMotion.map((c) => `${c.split} ${c.horizon}`), ['train 1', 'train 2', 'train 3', 'unseen_all 1', 'unseen_all 2', 'unseen_all 3']);
  for (const c of a.objectMotion) {
    assert.ok(c.moves > 0 && c.meanMoveCm >= 1, `${c.split} h${c.horizon}: ${c.moves} moves of ${c.meanMoveCm} cm`);
    assert.ok(Number.isFinite(c.predictedErrorCm) && Number.isFinite(c.encodedErrorCm) && Math.abs(c.directionCosine) <= 1, JSON.stringify(c));
  }
  const b = await run();
  assert.deepEqual(b, a, 'same seed, same report');
  const md = predictMarkdown(a, { command: 'jepa-agent eval predict', code: { version: '0.0.0' }, seed: 3, durationS: 1, quick: true, source: { kind: 'babbling', episodes: 6, frames: 78, steps: 120, seconds: 1 }, configSummary: '' });
  assert.match(md, /\| train \| 1 \| \d\.\d{3} ± \d\.\d{3} \| \d\.\d{3} ± \d\.\d{3} \| \d\.\d\d \|/);
  assert.match(md, /\| mean position \(floor\) \| 0 \|/);
  assert.match(md, /### object yaw\n[^#]*Symmetric shapes make yaw ambiguous/);
  assert.match(md, /\| representation \| train R² \| train error ° \| unseen_all R² \| unseen_all error ° \|/);
  assert.match(md, /\| trained fused \| -?\d+\.\d\d \| \d+\.\d ± \d+\.\d \| -?\d+\.\d\d \| \d+\.\d ± \d+\.\d \|\n(\|[^\n]*\n)*\| mean heading \(floor\) \| - \| \d+\.\d \|/);
  assert.match(md, /## Does the model foresee the object moving\?/);
  assert.match(md, /\| train \| 1 \| \d+ \| \d+\.\d \| \d+\.\d \| \d+\.\d \| -?\d\.\d\d \|/);
  assert.deepEqual(Object.keys(predictPlots(a)), ['prediction_error']);
});
