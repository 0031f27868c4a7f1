import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, modelConfigSchema, parseConfig } from '../../../src/core/index.js';

test('model config defaults: 64-dim latent, mixer on 64x64 in 8x8 patches, 512 points, MLP predictor', () => {
  const model = parseConfig({}).model;
  assert.equal(model.latentDim, 64);
  assert.equal(model.image.encoder, 'mixer');
  assert.equal(model.image.size / model.image.patchSize, 8);
  assert.equal(model.points.count, 512);
  assert.equal(model.predictor.kind, 'mlp');
  assert.deepEqual(model.modalities, { rgb: true, points: true, proprio: true, object: true });
  assert.equal(model.ema.enabled, false);
  assert.equal(model.loss.targetGradient, false);
  assert.ok(Object.isFrozen(model.loss));
});

test('model config round-trips and merges partial sections', () => {
  const model = parseConfig({}).model;
  assert.deepEqual(modelConfigSchema.parse(JSON.parse(JSON.stringify(model))), model);
  const custom = parseConfig({ model: { predictor: { kind: 'transformer', history: 4 }, ema: { enabled: true } } }).model;
  assert.equal(custom.predictor.history, 4);
  assert.equal(custom.predictor.width, model.predictor.width);
  assert.equal(custom.ema.tau, model.ema.tau);
});

test('model config names bad keys and values', () => {
  assert.throws(() => parseConfig({ model: { image: { encoder: 'vit' } } }), (e: unknown) => e instanceof ConfigError && /'model\.image\.encoder'/.test(e.message));
  assert.throws(() => parseConfig({ model: { image: { size: 60 } } }), /'model\.image\.patchSize': image\.size must be a multiple of image\.patchSize/);
  assert.throws(() => parseConfig({ model: { predictor: { kind: 'transformer', width: 30, heads: 4 } } }), /'model\.predictor\.heads': predictor\.width must be a multiple/);
  assert.throws(() => parseConfig({ model: { proprio: { dim: 9 } } }), /'model\.proprio\.dim': proprio\.dim must be even/);
  assert.throws(() => parseConfig({ model: { loss: { variance: -1 } } }), /'model\.loss\.variance'.*\(got -1\)/);
  assert.throws(() => parseConfig({ model: { lerningRate: 1 } }), /unknown key 'model\.lerningRate'/);
});
