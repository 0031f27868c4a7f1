import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelConfigSchema } from '../../src/core/index.js';
import { batchFrames, packSequences } from '../../src/model/index.js';
import { observation } from './fixtures.js';

// Synthetic observations hold random points, not a tabletop: no perception crop.
const config = modelConfigSchema.parse({ image: { size: 8, patchSize: 4 }, points: { count: 4 }, proprio: { dim: 10 }, actionDim: 2, perception: { enabled: false } });

test('packs sequences of observations and actions into a training batch', () => {
  const seq = (seed: number): { observations: ReturnType<typeof observation>[]; actions: number[][] } => ({
    observations: [observation(seed), observation(seed + 1, ['rgb', 'proprio']), observation(seed + 2)],
    actions: [[seed, 0.5], [-seed, 0.25]],
  });
  const batch = packSequences([seq(1), seq(10)], config);
  assert.equal(batch.batchSize, 2);
  assert.equal(batch.horizon, 2);
  assert.deepEqual(Array.from(batch.actions), [1, 0.5, -1, 0.25, 10, 0.5, -10, 0.25]);
  assert.deepEqual(Array.from(batch.present?.points ?? []), [1, 0, 1, 1, 0, 1]);
  const frames = batchFrames(batch, config);
  assert.equal(frames.count, 6);
  assert.equal(frames.rgb?.length, 6 * 8 * 8 * 3);
});

test('sequences of unequal length or wrong action size are named', () => {
  const ok = { observations: [observation(1), observation(2)], actions: [[0, 0]] };
  assert.throws(
    () => packSequences([ok, { ...ok, actions: [[0, 0], [1, 1]] }], config),
    /sequence 1 has 2 observations and 2 actions, expected 2 and 1/,
  );
  assert.throws(() => packSequences([{ ...ok, actions: [[0, 0, 0]] }], config), /sequence 0 action 0 has 3 values, expected 2/);
  assert.throws(() => packSequences([], config), /no sequences/);
});

test('batch arrays are checked against B, H and the model sizes', () => {
  const base = { batchSize: 2, horizon: 1, actions: new Float32Array(4) };
  assert.doesNotThrow(() => batchFrames({ ...base, points: new Float32Array(2 * 2 * 7 * 3), pointCount: 7 }, config));
  assert.throws(() => batchFrames({ ...base, points: new Float32Array(10) }, config), /points has 10 values, expected 48 = \[2, 2, 4, 3\]/);
  assert.throws(() => batchFrames({ ...base, horizon: 0 }, config), /horizon must be an integer >= 1, got 0/);
});
