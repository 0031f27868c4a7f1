import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { InlineLearner } from '../../src/learn/index.js';
import type { WeightsUpdate } from '../../src/learn/index.js';
import { MANIFEST_FILE } from '../../src/model/index.js';
import { useTestBackend } from '../model/fixtures.js';
import { simFrames, tinyConfig } from './fixtures.js';
import type { LivedFrame } from './fixtures.js';

describe('InlineLearner', () => {
  let frames: LivedFrame[];
  let dir: string;
  before(async () => {
    await useTestBackend();
    frames = await simFrames(tinyConfig(), 60);
    dir = await mkdtemp(join(tmpdir(), 'inline-learner-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('trains only once the buffer holds learn.minFrames, and publishes weights on schedule', async () => {
    const updates: WeightsUpdate[] = [];
    const config = tinyConfig('learn.minFrames=40', 'learn.publishEverySteps=3');
    const learner = await InlineLearner.create(config, { onWeights: (u) => updates.push(u) });
    frames.slice(0, 39).forEach((f) => learner.add(f.frame, f.action, f.episode));
    assert.equal(learner.ready, false);
    assert.equal(learner.trainStep(), undefined);
    assert.equal(learner.trainSome(50), 0);
    learner.add(frames[39].frame, frames[39].action, frames[39].episode);
    assert.equal(learner.ready, true);
    const loss = learner.trainStep();
    assert.ok(loss !== undefined && Number.isFinite(loss.total));
    assert.ok(learner.trainSome(0) >= 1, 'trainSome trains at least one step when ready');
    while (learner.steps < 7) learner.trainStep();
    assert.deepEqual(updates.map((u) => u.steps), [3, 6]);
    assert.deepEqual(Object.keys(updates[0].values), learner.model.params.names());
    const stats = learner.stats;
    assert.equal(stats.steps, 7);
    assert.equal(stats.bufferSize, 40);
    assert.equal(stats.framesAdded, 40);
    assert.ok(stats.stepsPerSecond > 0);
    assert.deepEqual(stats.loss, learner.stats.loss);
    await learner.close();
  });

  test('checkpoints on schedule and at close; a resumed learner continues the step count with an empty buffer', async () => {
    const config = tinyConfig('learn.checkpointEverySteps=4');
    const tensors = tf.memory().numTensors;
    const learner = await InlineLearner.create(config, { checkpointDir: dir });
    frames.forEach((f) => learner.add(f.frame, f.action, f.episode));
    while (learner.steps < 4) learner.trainStep();
    await learner.saveCheckpoint(join(dir, 'explicit'));
    const scheduled = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as { meta: { steps: number } };
    assert.equal(scheduled.meta.steps, 4);
    learner.trainStep();
    const weights = learner.weights();
    await learner.close();
    assert.equal(tf.memory().numTensors, tensors, 'close frees the model and the optimizer');
    assert.throws(() => learner.trainStep(), /learner.trainStep: the learner is closed/);

    const resumed = await InlineLearner.create(config, { resumeFrom: dir });
    assert.equal(resumed.steps, 5);
    assert.equal(resumed.stats.bufferSize, 0);
    assert.deepEqual(resumed.weights().values, weights.values, 'the final checkpoint holds the last weights');
    frames.forEach((f) => resumed.add(f.frame, f.action, f.episode));
    resumed.trainStep();
    assert.equal(resumed.steps, 6);
    await resumed.close({ checkpoint: false });
  });

  test('a missing or mismatched checkpoint is refused with its path', async () => {
    await assert.rejects(InlineLearner.create(tinyConfig(), { resumeFrom: join(dir, 'none') }), /checkpoint: missing file .*none.*manifest.json/);
    await assert.rejects(
      InlineLearner.create(tinyConfig('model.latentDim=12'), { resumeFrom: dir }),
      /variable '.*' has shape \[.*\] but the model expects/,
    );
  });
});
