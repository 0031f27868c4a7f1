import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, learnConfigSchema, parseConfig } from '../../../src/core/index.js';

test('learn config defaults: a bounded buffer, training from minFrames, weights and checkpoints on a schedule', () => {
  const learn = parseConfig({}).learn;
  assert.equal(learn.capacityFrames, 15000);
  assert.ok(learn.minFrames <= learn.capacityFrames);
  assert.ok(learn.batchSize >= 2);
  assert.equal(learn.publishEverySteps, 10);
  assert.equal(learn.checkpointEverySteps, 500);
  assert.equal(learn.workerNice, 10);
  assert.equal(learn.maxRestarts, 5);
  assert.ok(Object.isFrozen(learn));
});

test('learn config round-trips through the schema', () => {
  const learn = parseConfig({ learn: { capacityFrames: 100, minFrames: 10, checkpointEverySteps: 0 } }).learn;
  assert.deepEqual(learnConfigSchema.parse(JSON.parse(JSON.stringify(learn))), learn);
  assert.equal(learn.checkpointEverySteps, 0);
});

test('learn config names bad keys and values', () => {
  assert.throws(() => parseConfig({ learn: { batchSize: 1 } }), (e: unknown) => e instanceof ConfigError && /'learn\.batchSize'.*\(got 1\)/.test(e.message));
  assert.throws(() => parseConfig({ learn: { capacityFrames: 10, minFrames: 20 } }), /'learn\.minFrames': learn.minFrames must not exceed learn.capacityFrames/);
  assert.throws(() => parseConfig({ learn: { workerNice: 20 } }), /'learn\.workerNice'/);
  assert.throws(() => parseConfig({ learn: { maxRestarts: -1 } }), /'learn\.maxRestarts'/);
  assert.throws(() => parseConfig({ learn: { horizon: 3 } }), /unknown key 'learn\.horizon'/);
});
