import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { applyOverrides, parseConfig } from '../../../src/core/config/Config.js';
import { silentLogger } from '../../../src/core/Logger.js';
import { QUICK_OVERRIDES } from '../../../src/eval/ablate/index.js';
import { adaptationConfig, runTransfer } from '../../../src/eval/transfer/index.js';
import type { TransferOptions, TransferReport } from '../../../src/eval/transfer/index.js';
import { TEST_ENGINE_OVERRIDE, useTestBackend } from '../../backend.js';

before(() => useTestBackend());

const base = parseConfig(applyOverrides({}, [...QUICK_OVERRIDES, TEST_ENGINE_OVERRIDE]));
const options = (): TransferOptions => ({
  seeds: [2],
  tasks: ['reach'],
  splits: ['train', 'unseen_lighting'],
  budget: { steps: 36 },
  adaptBudget: { steps: 24 },
  evalEpisodes: 1,
  trainStepsPerEpisode: 2,
  runDir: mkdtempSync(join(tmpdir(), 'jepa-transfer-')),
});
const outcome = (r: TransferReport): unknown => ({ cells: r.cells, summary: r.summary, steps: r.trainLearnerSteps });

test('quick mode: a cell per seed, task and split, before and after adaptation; reproducible; nothing leaks', async () => {
  const tensors = tf.memory().numTensors;
  const fractions: number[] = [];
  const a = await runTransfer(base, { ...options(), onProgress: (f) => fractions.push(f) }, silentLogger);
  assert.equal(tf.memory().numTensors, tensors, 'every tensor was freed');
  assert.deepEqual(a.cells.map((c) => `${c.seed}/${c.task}/${c.split}`), ['2/reach/train', '2/reach/unseen_lighting']);
  for (const c of a.cells) {
    for (const v of [c.trained, c.adapted, c.random]) assert.ok(v >= 0 && v <= 1, `${c.split}: ${v}`);
    assert.ok(c.trainedDistance > 0 && c.adaptedDistance > 0);
    assert.ok(c.adaptLearnerSteps > 0, `${c.split}: the adaptation trained (${c.adaptLearnerSteps} steps)`);
  }
  assert.ok(a.trainLearnerSteps['2'] > 0);
  assert.deepEqual(a.summary.map((r) => r.split), ['train', 'unseen_lighting']);
  assert.ok(a.summary.every((r) => r.trained.n === 1 && Math.abs(r.gain.mean - (r.adapted.mean - r.trained.mean)) < 1e-12));
  assert.equal(fractions.at(-1), 1);
  const b = await runTransfer(base, options(), silentLogger);
  assert.deepEqual(outcome(b), outcome(a));
});

test('adaptation: training starts within a quarter of its budget and the agent does not babble from scratch', () => {
  const c = adaptationConfig(parseConfig(applyOverrides({}, ['learn.minFrames=256', 'agent.exploration.babbleSteps=5000'])), { steps: 200 });
  assert.equal(c.learn.minFrames, 50);
  assert.equal(c.agent.exploration.babbleSteps, 0);
  assert.equal(adaptationConfig(c, { steps: 4 }).learn.minFrames, c.model.horizon + 2, 'never below one training sequence');
});

test('no seeds or no splits is an error', async () => {
  await assert.rejects(runTransfer(base, { ...options(), seeds: [] }, silentLogger), /transfer: no seeds/);
  await assert.rejects(runTransfer(base, { ...options(), splits: [] }, silentLogger), /transfer: no splits/);
});
