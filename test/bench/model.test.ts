// bench model's helpers: where the PyTorch peer's venv lives, and that the synthetic data it
// times is the default model's whole input (every modality, the object head's labels).
// No timing is asserted, and no peer is run (tests need no PyTorch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { peerVenv, syntheticBatch, syntheticFrames } from '../../bench/model.js';
import { modelConfigSchema, Rng } from '../../src/core/index.js';
import { batchFrames, isPresent, MODEL_MODALITIES } from '../../src/model/index.js';

test('peerVenv: JEPA_AGENT_TORCH_VENV, else XDG_CACHE_HOME, else ~/.cache, then jepa-agent/torch-venv', () => {
  assert.equal(peerVenv({ JEPA_AGENT_TORCH_VENV: '/opt/venv' }), '/opt/venv');
  assert.equal(peerVenv({ XDG_CACHE_HOME: '/tmp/cache' }), join('/tmp/cache', 'jepa-agent', 'torch-venv'));
  assert.match(peerVenv({}), /\.cache\/jepa-agent\/torch-venv$/);
});

test('syntheticBatch and syntheticFrames: every modality of the default model present, object labels finite', () => {
  const cfg = modelConfigSchema.parse({});
  const batch = syntheticBatch(cfg, 2, new Rng(1));
  const frames = batchFrames(batch, cfg);
  for (const m of MODEL_MODALITIES) assert.ok(isPresent(frames, m, 0), `batch has ${m}`);
  assert.equal(frames.objectPlace?.length, 2 * (cfg.horizon + 1) * 3);
  assert.ok(frames.objectPlace?.every(Number.isFinite));
  const one = syntheticFrames(cfg, 1, new Rng(2));
  assert.equal(one.count, 1);
  for (const m of MODEL_MODALITIES) assert.ok(isPresent(one, m, 0), `frame has ${m}`);
  assert.equal(one.object?.length, cfg.objectView.count * 3);
});
