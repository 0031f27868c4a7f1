import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { applyOverrides, parseConfig } from '../../../src/core/config/Config.js';
import { silentLogger } from '../../../src/core/Logger.js';
import { ABLATION_ARMS, QUICK_OVERRIDES, runAblation, selectArms } from '../../../src/eval/ablate/index.js';
import type { AblationOptions, AblationReport } from '../../../src/eval/ablate/index.js';
import { TEST_ENGINE_OVERRIDE, useTestBackend } from '../../backend.js';

before(() => useTestBackend());

const base = parseConfig(applyOverrides({}, [...QUICK_OVERRIDES, TEST_ENGINE_OVERRIDE]));
const options = (arms: AblationOptions['arms']): AblationOptions => ({
  arms,
  seeds: [3],
  tasks: ['reach', 'push'],
  budget: { steps: 36 },
  evalEpisodes: 1,
  trainStepsPerEpisode: 2,
  probe: { perClassTrain: 2, perClassTest: 1 },
  runDir: mkdtempSync(join(tmpdir(), 'jepa-ablate-')),
});

/** What must repeat exactly for a seed: everything but timings. */
const outcome = (r: AblationReport, arm: string): unknown => r.runs.filter((x) => x.arm === arm).map((x) => ({ ...x, durationS: 0 }));

let all: AblationReport;

test('quick mode: every arm and seed is measured, numbers in range, nothing leaks', async () => {
  const tensors = tf.memory().numTensors;
  const fractions: number[] = [];
  all = await runAblation(base, { ...options(ABLATION_ARMS), onProgress: (f) => fractions.push(f) }, silentLogger);
  assert.equal(tf.memory().numTensors, tensors, 'every tensor of every arm was freed');
  assert.deepEqual(all.runs.map((r) => `${r.arm}/${r.seed}`), ABLATION_ARMS.map((a) => `${a.name}/3`));
  assert.deepEqual(all.summary.map((s) => s.arm), ABLATION_ARMS.map((a) => a.name));
  for (const r of all.runs) {
    for (const t of ['reach', 'push'] as const) {
      assert.ok(r.success[t]! >= 0 && r.success[t]! <= 1, `${r.arm} ${t} success ${r.success[t]}`);
      assert.ok(r.finalDistance[t]! >= 0 && r.finalDistance[t]! < 2, `${r.arm} ${t} distance ${r.finalDistance[t]}`);
    }
    assert.ok(r.probeAccuracy >= 0 && r.probeAccuracy <= 1, `${r.arm} probe ${r.probeAccuracy}`);
    assert.ok(r.learnerSteps > 0, `${r.arm} trained`);
    assert.ok(r.envSteps >= 36);
    assert.ok(r.finalPredictionLoss !== null && Number.isFinite(r.finalPredictionLoss));
  }
  const fw = (arm: string): Readonly<Record<string, number>> => all.runs.find((r) => r.arm === arm)!.fusionWeights;
  assert.equal(fw('no_points').points, 0, 'no point-cloud encoder');
  assert.equal(fw('concat').rgb, 1, 'concatenation has no reliability gates');
  for (const s of all.summary) assert.equal(s.probeAccuracy.n, 1);
  assert.equal(all.probe.classes.length, 7);
  assert.ok(Math.abs(all.probe.chance - 1 / 7) < 1e-12);
  assert.ok(all.randomBaseline.reach !== undefined && all.randomBaseline.push !== undefined);
  assert.ok(fractions.length > 0 && fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1] - 1e-9)), 'progress rises to 1');
  assert.equal(fractions.at(-1), 1);
});

test('the same seed gives the same numbers; another seed other ones', async () => {
  const arms = selectArms(['passive', 'concat_dropout']);
  const again = await runAblation(base, options(arms), silentLogger);
  for (const a of arms) assert.deepEqual(outcome(again, a.name), outcome(all, a.name), a.name);
  const other = await runAblation(base, { ...options(selectArms(['passive'])), seeds: [4] }, silentLogger);
  assert.notDeepEqual(
    other.runs.map((r) => r.finalPredictionLoss),
    all.runs.filter((r) => r.arm === 'passive').map((r) => r.finalPredictionLoss),
  );
});

test('no arms or no seeds is an error', async () => {
  await assert.rejects(runAblation(base, options([]), silentLogger), /ablation: no arms/);
  await assert.rejects(runAblation(base, { ...options(ABLATION_ARMS), seeds: [] }, silentLogger), /ablation: no seeds/);
});
