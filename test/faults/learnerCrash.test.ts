// The main job with its learner worker crashing mid-run: the loop goes on acting on the last
// weights, the learner restarts from its last checkpoint, and the report counts the restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { filter, firstValueFrom, timeout } from 'rxjs';
import type { Observable } from 'rxjs';
import { applyOverrides, parseConfig, silentLogger } from '../../src/core/index.js';
import { experimentMarkdown } from '../../src/eval/experimentReport.js';
import { runOnlineExperiment } from '../../src/eval/onlineExperiment.js';
import { workerLearner } from '../../src/eval/onlineLearners.js';
import { QUICK_OVERRIDES } from '../../src/eval/ablate/index.js';
import { LearnerSupervisor } from '../../src/learn/index.js';
import { MANIFEST_FILE, WorldModel } from '../../src/model/index.js';
import { SimEnv } from '../../src/sim/index.js';
import { TEST_ENGINE_OVERRIDE, useTestBackend } from '../backend.js';

const WAIT_MS = 180_000;
const first = <T>(source: Observable<T>, predicate: (value: T) => boolean = () => true): Promise<T> => firstValueFrom(source.pipe(filter(predicate), timeout(WAIT_MS)));

test('the learner worker crashes mid-run: the loop acts on the last weights, the learner restarts from its checkpoint, the report counts it', async () => {
  await useTestBackend();
  const config = parseConfig(applyOverrides({}, [...QUICK_OVERRIDES, TEST_ENGINE_OVERRIDE, 'seed=11', 'learn.checkpointEverySteps=5', 'learn.publishEverySteps=5']));
  const runDir = mkdtempSync(join(tmpdir(), 'jepa-learner-crash-'));
  const checkpointDir = join(runDir, 'checkpoint');
  const env = await SimEnv.create(config.sim);
  const tensors = tf.memory().numTensors;
  const model = new WorldModel(config.model, { seed: config.seed });
  const supervisor = await LearnerSupervisor.start(config, { checkpointDir });
  const learner = workerLearner(supervisor, model);
  const stop = new AbortController();
  // Practice episodes finished, as the run reports them.
  let episodes = 0;
  const episodeDone: Array<() => void> = [];
  const nextEpisode = (): Promise<void> => new Promise((resolve) => episodeDone.push(resolve));
  try {
    const run = runOnlineExperiment(
      env,
      model,
      learner,
      config,
      {
        tasks: ['reach'],
        evalSplits: ['train'],
        budgetMinutes: 60,
        budgetSteps: 1_000_000,
        evalEvery: 1000,
        evalEpisodes: 1,
        runDir,
        signal: stop.signal,
        onProgress: () => {
          episodes++;
          episodeDone.splice(0).forEach((r) => r());
        },
      },
      silentLogger,
    );
    // A checkpoint exists (saves run in order in the worker) and the acting model has learned weights.
    await first(supervisor.stats$, (s) => s.steps >= 10);
    await supervisor.saveCheckpoint(checkpointDir);
    await first(supervisor.weights$);
    const restarted = first(supervisor.restarts$);
    supervisor.crash('injected fault');
    const episodesAtCrash = episodes;
    const restart = await restarted;
    const version = model.weightsVersion;
    const manifest = JSON.parse(readFileSync(join(checkpointDir, MANIFEST_FILE), 'utf8')) as { meta: { steps: number } };
    assert.equal(restart.resumedFrom, checkpointDir);
    assert.equal(restart.steps, manifest.meta.steps, 'restarted from the last checkpoint');
    // The loop goes on: episodes finish on the weights the acting model has.
    await nextEpisode();
    await nextEpisode();
    assert.ok(episodes >= episodesAtCrash + 2);
    // Frames flow to the new worker again; once it passes the last weights, the acting model takes its.
    await first(supervisor.weights$, (u) => u.steps > manifest.meta.steps);
    assert.ok(model.weightsVersion >= version);
    stop.abort('test over');
    const report = await run;
    assert.equal(report.learnerRestarts, 1, 'the restart is in the report');
    assert.equal(report.interrupted, 'test over');
    assert.ok(report.practiceEpisodes >= episodesAtCrash + 2 && report.loop.ticks > 0);
    const markdown = experimentMarkdown(report, { command: 'test', version: 'test', configSummary: '' });
    assert.match(markdown, /learner restarts after a crash 1\./);
    assert.match(markdown, /\*\*Interrupted \(test over\)\*\* after \d+ practice episodes: no final evaluation round and no final baselines/);
  } finally {
    learner.close();
    await supervisor.close({ checkpoint: false });
    model.dispose();
    env.close();
    rmSync(runDir, { recursive: true, force: true });
  }
  assert.equal(tf.memory().numTensors, tensors, 'no tensor leaked');
});
