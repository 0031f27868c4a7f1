import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { applyOverrides, parseConfig } from '../../../src/core/config/Config.js';
import { silentLogger } from '../../../src/core/Logger.js';
import { QUICK_OVERRIDES, seededOnlineRun } from '../../../src/eval/ablate/index.js';
import { TEST_ENGINE_OVERRIDE, useTestBackend } from '../../backend.js';

before(() => useTestBackend());

const config = parseConfig(applyOverrides({}, [...QUICK_OVERRIDES, TEST_ENGINE_OVERRIDE, 'seed=2']));

test('a run on another split evaluates once at the end, leaves a checkpoint to resume from, and hands the trained model to `after`', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jepa-seeded-'));
  const { report, after } = await seededOnlineRun(
    config,
    {
      tasks: ['reach'],
      evalSplits: ['unseen_colors'],
      practiceSplit: 'unseen_colors',
      budget: { steps: 24 },
      evalEpisodes: 1,
      trainStepsPerEpisode: 2,
      checkpointTo: join(dir, 'ckpt'),
      runDir: dir,
      after: (model, env) => ({ latent: model.latentDim, split: (env.reset(1, { split: 'unseen_colors' }), env.trueState().split) }),
    },
    silentLogger,
  );
  assert.equal(report.evaluations.length, 1, 'only the final evaluation');
  assert.equal(report.evaluations[0].cells[0].split, 'unseen_colors');
  assert.ok(report.evaluations[0].learnerSteps > 0);
  assert.deepEqual(after, { latent: 4 * 16, split: 'unseen_colors' }, 'four latent parts of 16: rgb, points, proprio, the object view');
  // Resuming continues from the checkpoint's steps.
  const resumed = await seededOnlineRun(config, { tasks: ['reach'], evalSplits: ['train'], budget: { steps: 12 }, evalEpisodes: 1, trainStepsPerEpisode: 1, resumeFrom: join(dir, 'ckpt'), runDir: dir }, silentLogger);
  assert.ok(resumed.report.evaluations[0].learnerSteps >= report.evaluations[0].learnerSteps);
});

test('a camera that delivers no frame at all does not stop a run (faults reach practice and evaluation)', async () => {
  const options = {
    tasks: ['reach'] as const,
    evalSplits: ['train'] as const,
    budget: { steps: 24 },
    evalEpisodes: 1,
    trainStepsPerEpisode: 2,
    corruption: { rgbDropout: 1 },
    runDir: tmpdir(),
  };
  await assert.rejects(seededOnlineRun(config, options, silentLogger), /sensor faults drop rgb frames but agent\.requiredModalities is \[rgb, proprio\]/);
  const proprioOnly = parseConfig(applyOverrides({}, [...QUICK_OVERRIDES, TEST_ENGINE_OVERRIDE, 'seed=2', 'agent.requiredModalities=["proprio"]']));
  const { report, after } = await seededOnlineRun(
    proprioOnly,
    {
      ...options,
      runDir: mkdtempSync(join(tmpdir(), 'jepa-seeded-')),
      after: (_model, env) => env.reset(5).rgb,
    },
    silentLogger,
  );
  assert.equal(report.evaluations.length, 1);
  assert.ok(report.evaluations[0].learnerSteps > 0, 'it learned from points and proprioception alone');
  // The pictures for a person are rendered again from the simulator, not taken from the faulty camera.
  assert.deepEqual(report.frames.map((f) => f.name), ['reach_train', 'reach_sequence']);
  assert.equal(after, undefined, 'the environment handed to `after` is the faulty one');
});

test('a budget needs steps or minutes', async () => {
  await assert.rejects(
    seededOnlineRun(config, { tasks: ['reach'], evalSplits: ['train'], budget: {}, evalEpisodes: 1, trainStepsPerEpisode: 1, runDir: tmpdir() }, silentLogger),
    /a budget needs steps or minutes/,
  );
});
