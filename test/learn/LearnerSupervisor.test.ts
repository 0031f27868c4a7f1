import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { filter, firstValueFrom, timeout } from 'rxjs';
import type { Observable } from 'rxjs';
import type { Logger } from '../../src/core/index.js';
import { workerLearner } from '../../src/eval/onlineLearners.js';
import { LearnerSupervisor } from '../../src/learn/index.js';
import { MANIFEST_FILE, WorldModel } from '../../src/model/index.js';
import { useTestBackend } from '../model/fixtures.js';
import { copyFrame, simFrames, tinyConfig } from './fixtures.js';
import type { LivedFrame } from './fixtures.js';

const WAIT_MS = 90_000;

function first<T>(source: Observable<T>, predicate: (value: T) => boolean = () => true): Promise<T> {
  return firstValueFrom(source.pipe(filter(predicate), timeout(WAIT_MS)));
}

function addAll(learner: LearnerSupervisor, frames: readonly LivedFrame[]): void {
  for (const f of frames) learner.add(copyFrame(f.frame), f.action, f.episode);
}

function recordingLogger(lines: string[]): Logger {
  const log = (message: string): void => void lines.push(message);
  const logger: Logger = { error: log, warn: log, info: log, debug: log, child: () => logger };
  return logger;
}

describe('LearnerSupervisor', () => {
  let frames: LivedFrame[];
  let dir: string;
  before(async () => {
    await useTestBackend();
    frames = await simFrames(tinyConfig(), 120);
    dir = await mkdtemp(join(tmpdir(), 'learner-supervisor-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('a crashed worker restarts from its last checkpoint; the acting model keeps the last weights until newer ones; the restart is counted', async () => {
    const config = tinyConfig('learn.checkpointEverySteps=5', 'learn.publishEverySteps=5');
    const checkpointDir = join(dir, 'restart');
    const lines: string[] = [];
    const supervisor = await LearnerSupervisor.start(config, { checkpointDir, logger: recordingLogger(lines) });
    const acting = new WorldModel(config.model, { seed: config.seed });
    const tensors = tf.memory().numTensors;
    const learner = workerLearner(supervisor, acting);
    const applied: number[] = [];
    const sub = supervisor.weights$.subscribe((u) => applied.push(u.steps));
    try {
      addAll(supervisor, frames);
      await first(supervisor.stats$, (s) => s.steps >= 12);
      // Saves run in order in the worker: once this one is written, the scheduled ones before it are too.
      await supervisor.saveCheckpoint(checkpointDir);
      await first(supervisor.weights$, (u) => u.steps >= 10);
      const restarted = first(supervisor.restarts$);
      supervisor.crash('injected fault');
      const restart = await restarted;
      // What the acting model had when the old worker died (it published until it took the crash).
      const lastSteps = applied.at(-1)!;
      const version = acting.weightsVersion;
      assert.deepEqual({ count: restart.count, reason: restart.reason, resumedFrom: restart.resumedFrom }, { count: 1, reason: 'injected fault', resumedFrom: checkpointDir }, lines.join('\n'));
      const manifest = JSON.parse(await readFile(join(checkpointDir, MANIFEST_FILE), 'utf8')) as { meta: { steps: number } };
      assert.equal(restart.steps, manifest.meta.steps, 'the new worker starts at its checkpoint\'s step');
      assert.ok(restart.steps >= 12 && restart.steps <= lastSteps, `checkpoint at step ${restart.steps}, last weights of step ${lastSteps}`);
      assert.equal(supervisor.restarts, 1);
      assert.equal(learner.progress().restarts, 1, 'counted where the report reads it');
      assert.ok(lines.some((l) => l.startsWith('learner worker crashed (injected fault); restart 1 of at most 5')), lines.join('\n'));
      // The new worker's buffer starts empty: it trains again once frames come. Its first step comes
      // after its hand-over of the (older) checkpoint, which the acting model did not take.
      addAll(supervisor, frames);
      await first(supervisor.stats$, (st) => st.steps > restart.steps);
      assert.equal(acting.weightsVersion, version, 'the acting model kept the last weights');
      const newer = await first(supervisor.weights$, (u) => u.steps > lastSteps);
      assert.ok(acting.weightsVersion > version && newer.steps > lastSteps, 'newer weights applied');
      assert.deepEqual(applied, [...applied].sort((a, b) => a - b), `updates passed on never go back: ${applied.join(', ')}`);
      assert.equal(new Set(applied).size, applied.length);
      assert.equal(tf.memory().numTensors, tensors, 'applying weights leaks no tensor');
    } finally {
      sub.unsubscribe();
      learner.close();
      await supervisor.close({ checkpoint: false });
      acting.dispose();
    }
  });

  test('after learn.maxRestarts restarts the next crash stands: calls throw it by name', async () => {
    const supervisor = await LearnerSupervisor.start(tinyConfig('learn.maxRestarts=0'));
    const failed = new Promise<void>((resolve) => supervisor.weights$.subscribe({ complete: resolve }));
    supervisor.crash('injected fault');
    await failed;
    assert.match(supervisor.error!.message, /^learner: the worker failed after 0 restarts \(learn\.maxRestarts 0\): injected fault$/);
    assert.throws(() => addAll(supervisor, frames.slice(0, 1)), /learner\.add: the learner has failed: learner: the worker failed after 0 restarts/);
    await assert.rejects(supervisor.close(), /the worker failed after 0 restarts/);
  });
});
