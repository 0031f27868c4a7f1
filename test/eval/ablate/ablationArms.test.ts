import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { defaultConfig } from '../../../src/core/config/Config.js';
import { Rng } from '../../../src/core/Rng.js';
import { ABLATION_ARMS, ABLATION_QUESTIONS, armConfig, selectArms, SENSOR_FAULTS } from '../../../src/eval/ablate/index.js';
import { framesFromObservations, packSequences, Trainer, WorldModel } from '../../../src/model/index.js';
import { assertNoLeak, maxAbsDiff, observation, take, tinyConfig, useTestBackend } from '../../model/fixtures.js';

before(useTestBackend);

describe('ablation arms', () => {
  test('every arm has a config that parses, its seed, and the shared sensor settings', () => {
    const base = defaultConfig();
    for (const arm of ABLATION_ARMS) {
      const c = armConfig(base, arm, 7);
      assert.equal(c.seed, 7);
      assert.deepEqual(c.agent.requiredModalities, ['proprio'], `${arm.name}: a tick without a camera frame still reaches the controller`);
    }
    assert.equal(armConfig(base, selectArms(['passive'])[0], 1).model.predictor.actionConditioned, false);
    assert.equal(armConfig(base, selectArms(['passive'])[0], 1).model.inverseHead, false);
    assert.equal(armConfig(base, selectArms(['no_points'])[0], 1).model.modalities.points, false);
    assert.equal(armConfig(base, selectArms(['concat_noise'])[0], 1).model.fusion.kind, 'concat');
    assert.equal(armConfig(base, selectArms(['concat_noise'])[0], 1).sim.noise.depthStd, 0.03);
    assert.equal(armConfig(base, selectArms(['gated_dropout'])[0], 1).sim.noise.dropout, 0.3);
    assert.equal(armConfig(base, selectArms(['ema'])[0], 1).model.ema.enabled, true);
    assert.equal(armConfig(base, selectArms(['ema'])[0], 1).model.loss.variance, 0);
    assert.equal(armConfig(base, selectArms(['full'])[0], 1).model.fusion.kind, 'gated');
    assert.equal(armConfig(base, selectArms(['averaged'])[0], 1).model.fusion.kind, 'precision');
    assert.ok(SENSOR_FAULTS.dropout.corruption?.rgbDropout, 'the dropout condition drops camera frames');
  });

  test('questions name existing arms; selecting keeps table order; an unknown arm is an error listing the known ones', () => {
    for (const q of ABLATION_QUESTIONS) for (const a of q.arms) assert.ok(ABLATION_ARMS.some((x) => x.name === a), a);
    assert.deepEqual(selectArms(['ema', 'full']).map((a) => a.name), ['full', 'ema']);
    assert.equal(selectArms().length, ABLATION_ARMS.length);
    assert.throws(() => selectArms(['full', 'nope']), /unknown ablation arm 'nope' \(expected one of: full, passive/);
  });
});

describe('model switches the arms use', () => {
  // Three parts of latentDim 8 (gated fusion, the default).
  const states = (): tf.Tensor2D => tf.tensor2d(new Rng(2).fillNormal(new Float32Array(4 * 24)), [4, 24]);
  const actions = (seed: number): tf.Tensor2D => tf.tensor2d(new Rng(seed).fillUniform(new Float32Array(4 * 3), -1, 1), [4, 3]);

  for (const kind of ['mlp', 'transformer'] as const) {
    test(`${kind}: predictor.actionConditioned=false removes the action's influence on predictions and rollouts`, () => {
      const predictor = { kind, width: 16, depth: 1, heads: 2, history: 2 };
      const conditioned = new WorldModel(tinyConfig({ predictor }), { seed: 3 });
      const passive = new WorldModel(tinyConfig({ predictor: { ...predictor, actionConditioned: false } }), { seed: 3 });
      const s = states();
      const [a1, a2] = [actions(4), actions(5)];
      assertNoLeak('predict', () => {
        assert.ok(maxAbsDiff(take(conditioned.predict(s, a1)), take(conditioned.predict(s, a2))) > 1e-5, 'with the action: another action, another prediction');
        assert.equal(maxAbsDiff(take(passive.predict(s, a1)), take(passive.predict(s, a2))), 0, 'without: the same prediction');
        const seq = (seed: number): tf.Tensor3D => tf.tensor3d(new Rng(seed).fillUniform(new Float32Array(4 * 3 * 3), -1, 1), [4, 3, 3]);
        const [q1, q2] = [seq(6), seq(7)];
        assert.equal(maxAbsDiff(take(passive.rollout(s, q1)), take(passive.rollout(s, q2))), 0, 'rollouts too');
        assert.ok(maxAbsDiff(take(conditioned.rollout(s, q1)), take(conditioned.rollout(s, q2))) > 1e-5);
        tf.dispose([q1, q2]);
      });
      // Same parameter shapes: the switch changes no weight, so checkpoints load either way.
      assert.equal(passive.params.trainableSize(), conditioned.params.trainableSize());
      tf.dispose([s, a1, a2]);
      conditioned.dispose();
      passive.dispose();
    });
  }

  test("fusion.kind='concat': the parts side by side with no estimates and no gates, a missing modality zero-filled", () => {
    const model = new WorldModel(tinyConfig({ fusion: { kind: 'concat' } }), { seed: 3 });
    const gated = new WorldModel(tinyConfig(), { seed: 3 });
    assert.equal(model.fusion.kind, 'concat');
    assert.equal(model.latentDim, gated.latentDim, 'same state size as the gated fusion it is compared with');
    assert.ok(!model.params.has('fusion.impute.rgb.0.w') && gated.params.has('fusion.impute.rgb.0.w'), 'only the gated fusion estimates parts');
    assert.deepEqual(model.fusionWeights(), { rgb: 1, points: 1, proprio: 1, object: 0 });
    const full = [observation(1), observation(2)];
    assertNoLeak('encode', () => {
      const a = take(model.encodeObservations(full));
      const b = take(gated.encodeObservations(full));
      assert.ok(a.every(Number.isFinite));
      assert.ok(maxAbsDiff(a, b) < 1e-6, 'with every sensor present and trusted, the two fusions agree');
      // A frame whose RGB is missing: the RGB part is zero, so what the masked pixels hold does not matter.
      const frames = framesFromObservations([observation(1), observation(2)], model.config);
      const masked = (m: WorldModel, rgb: Uint8Array | undefined): Float32Array =>
        take(m.encodeFrames({ ...frames, rgb, present: { ...frames.present, rgb: Uint8Array.from([0, 1]) } }));
      const m1 = masked(model, frames.rgb);
      const m2 = masked(model, frames.rgb?.map((v, i) => (i < frames.rgb!.length / 2 ? 255 - v : v)));
      assert.ok(maxAbsDiff(m1, m2) < 1e-6, 'masked pixels are ignored');
      const d = model.latentDim;
      const [rgbStart, size] = model.fusion.partOf('rgb');
      assert.ok(m1.subarray(rgbStart, rgbStart + size).every((v) => v === 0), 'the missing part is zero');
      assert.ok(maxAbsDiff(m1.subarray(d), a.subarray(d)) < 1e-6, 'and only in the frame that lost it');
      const g = masked(gated, frames.rgb);
      assert.ok(g.subarray(rgbStart, rgbStart + size).some((v) => Math.abs(v) > 1e-4), 'the gated fusion estimates it instead');
    });
    model.dispose();
    gated.dispose();
  });

  for (const arm of [
    { name: 'concat', config: tinyConfig({ fusion: { kind: 'concat' } }) },
    { name: 'passive', config: tinyConfig({ predictor: { width: 16, depth: 1, actionConditioned: false }, inverseHead: false }) },
    { name: 'ema', config: tinyConfig({ ema: { enabled: true }, loss: { variance: 0, covariance: 0 } }) },
  ]) {
    test(`${arm.name}: trains with finite losses, moves its weights, leaks nothing`, () => {
      const model = new WorldModel(arm.config, { seed: 5 });
      const trainer = new Trainer(model);
      const rng = new Rng(6);
      const seqs = Array.from({ length: 4 }, (_, i) => ({
        observations: [observation(10 * i), observation(10 * i + 1, ['points', 'proprio']), observation(10 * i + 2)],
        actions: [rng.fillUniform(new Float32Array(3), -1, 1), rng.fillUniform(new Float32Array(3), -1, 1)],
      }));
      const batch = packSequences(seqs, model.config);
      const before = take(model.encodeObservations([observation(99)]));
      trainer.trainStep(batch); // creates the optimizer's moments
      assertNoLeak('trainStep', () => {
        for (let i = 0; i < 2; i++) {
          const loss = trainer.trainStep(batch);
          assert.ok(Number.isFinite(loss.total) && Number.isFinite(loss.prediction), `${arm.name} loss ${loss.total}`);
          if (arm.name === 'concat') assert.equal(loss.alignment, 0, 'no cross-modal term under concat');
        }
      });
      assert.ok(maxAbsDiff(before, take(model.encodeObservations([observation(99)]))) > 0, 'training changed the encoding');
      trainer.dispose();
      model.dispose();
    });
  }
});
