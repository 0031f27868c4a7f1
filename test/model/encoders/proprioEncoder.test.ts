import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { modelConfigSchema, Rng } from '../../../src/core/index.js';
import { proprioEncoder } from '../../../src/model/encoders/proprioEncoder.js';
import { ParamStore, RunningNormalizer } from '../../../src/model/index.js';
import { maxAbsDiff, take, useTestBackend } from '../fixtures.js';

before(useTestBackend);

test('proprio encoder: normalised in sensor units, [n, latentDim]', () => {
  const config = modelConfigSchema.parse({ latentDim: 4, proprio: { dim: 6, hidden: 8 } });
  const store = new ParamStore(new Rng(1));
  const enc = proprioEncoder(store, config, new RunningNormalizer(store, 'norm.proprio', 6));
  const raw = Float32Array.from({ length: 12 }, (_, i) => 1000 + i * 100);
  enc.observe?.({ count: 2, proprio: raw }, [0, 1]);
  const x = enc.input({ count: 2, proprio: raw }, [0, 1]);
  const e = take(enc.apply(store.weights, x));
  assert.equal(e.length, 8);
  assert.ok(e.every((v) => Number.isFinite(v) && Math.abs(v) < 50), 'large raw values are standardised first');
  assert.ok(maxAbsDiff(e.subarray(0, 4), e.subarray(4)) > 1e-4);
  x.dispose();
  store.dispose();
});
