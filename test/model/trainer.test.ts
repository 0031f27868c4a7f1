import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/core/index.js';
import type { ModelConfigInput } from '../../src/core/index.js';
import { Trainer, WorldModel } from '../../src/model/index.js';
import type { LossTerms, TrainingBatch } from '../../src/model/index.js';
import { assertNoLeak, maxAbsDiff, take, tinyConfig, useTestBackend } from './fixtures.js';
import { evaluate, SyntheticWorld } from './syntheticWorld.js';

/** A proprio-only model for the linear world (x: 4 dims, a: 2 dims, seen as a 10-vector). */
function linearWorldConfig(loss: ModelConfigInput['loss'] = {}): ModelConfigInput {
  return {
    latentDim: 16,
    modalities: { rgb: false, points: false, proprio: true, object: false },
    proprio: { dim: 10, hidden: 32 },
    actionDim: 2,
    predictor: { width: 64, depth: 2 },
    horizon: 3,
    learningRate: 3e-3,
    inverseHead: false,
    proprioHead: false,
    loss,
  };
}

function train(model: WorldModel, world: SyntheticWorld, steps: number, seed = 5): LossTerms[] {
  const trainer = new Trainer(model);
  const rng = new Rng(seed);
  const terms = Array.from({ length: steps }, () => trainer.trainStep(world.batch(rng, 32, 3)));
  trainer.dispose();
  return terms;
}

describe('Trainer', () => {
  before(useTestBackend);

  test('learns known linear dynamics: multi-step error far below copy-last-state, no collapse', () => {
    const world = new SyntheticWorld({ proprioDim: 10, processNoise: 0.1 });
    const model = new WorldModel(linearWorldConfig(), { seed: 1 });
    const held = world.batch(new Rng(99), 64, 3);
    const start = evaluate(model, held);
    const terms = train(model, world, 300);
    const end = evaluate(model, held);
    assert.ok(end.model < 0.25 * end.copy, `prediction error ${end.model} vs copy-last-state ${end.copy}`);
    assert.ok(end.model / end.copy < start.model / start.copy, 'better than the untrained model');
    assert.ok(end.std > 0.7, `VICReg keeps the per-dimension std up (got ${end.std})`);
    const last = terms[terms.length - 1];
    assert.ok(last.perHorizon[0] <= last.perHorizon[2], 'errors grow with the horizon');
    model.dispose();
  });

  test('collapse: without VICReg a JEPA with gradients into its targets collapses; with VICReg it does not', () => {
    const world = new SyntheticWorld({ proprioDim: 10, processNoise: 0.3 });
    const spread = (loss: ModelConfigInput['loss']): number => {
      const model = new WorldModel(linearWorldConfig({ targetGradient: true, ...loss }), { seed: 1 });
      train(model, world, 200);
      const { std } = evaluate(model, world.batch(new Rng(99), 64, 3));
      model.dispose();
      return std;
    };
    const collapsed = spread({ variance: 0, covariance: 0 });
    const kept = spread({});
    assert.ok(collapsed < 0.1, `std without VICReg ${collapsed}`);
    assert.ok(kept > 0.5, `std with VICReg ${kept}`);
  });

  test('reports every loss term as plain numbers that add up to the total', () => {
    const model = new WorldModel(tinyConfig({ loss: { alignment: 0.3, inverse: 0.2, proprio: 0.1 } }), { seed: 2 });
    const trainer = new Trainer(model);
    const terms = trainer.trainStep(tinyBatch(model, 1));
    const w = model.config.loss;
    for (const [k, v] of Object.entries(terms)) {
      if (typeof v === 'number') assert.ok(Number.isFinite(v), `${k} is ${v}`);
    }
    assert.equal(terms.perHorizon.length, 2);
    assert.ok(Math.abs(terms.prediction - (terms.perHorizon[0] + terms.perHorizon[1]) / 2) < 1e-5);
    assert.ok(terms.inverse !== undefined && terms.proprio !== undefined);
    const sum = w.prediction * terms.prediction + w.variance * terms.variance + w.covariance * terms.covariance
      + w.alignment * terms.alignment + w.inverse * terms.inverse + w.proprio * terms.proprio;
    assert.ok(Math.abs(sum - terms.total) < 1e-4 * Math.max(1, terms.total), `${sum} vs ${terms.total}`);
    assert.deepEqual(Object.keys(terms.modalityErrors).sort(), ['points', 'proprio', 'rgb']);
    assert.equal(trainer.steps, 1);
    const noHeads = new WorldModel(tinyConfig({ inverseHead: false, proprioHead: false }));
    const bare = new Trainer(noHeads).trainStep(tinyBatch(noHeads, 1));
    assert.ok(!('inverse' in bare) && !('proprio' in bare));
    [model, noHeads].forEach((m) => m.dispose());
    trainer.dispose();
  });

  test('the object head learns the perceived object place from the latent, only on frames that have one', () => {
    const model = new WorldModel(tinyConfig({ loss: { object: 1 } }), { seed: 3 });
    const trainer = new Trainer(model);
    const batch = tinyBatch(model, 1);
    const frames = batch.batchSize * (batch.horizon + 1);
    // The place follows the frame's proprio (what the latent surely holds); every other frame has none.
    const objectPlace = new Float32Array(frames * 3).fill(Number.NaN);
    const P = model.config.proprio.dim;
    for (let r = 0; r < frames; r += 2) objectPlace.set([0.3 + 0.05 * batch.proprio![r * P], -0.1 + 0.05 * batch.proprio![r * P + 1], 0.02], 3 * r);
    const first = trainer.trainStep({ ...batch, objectPlace });
    let last = first;
    for (let i = 0; i < 60; i++) last = trainer.trainStep({ ...batch, objectPlace });
    assert.ok(first.object !== undefined && last.object !== undefined);
    assert.ok(last.object < 0.5 * first.object, `object term ${first.object} -> ${last.object}`);
    const unlabelled = trainer.trainStep({ ...batch, objectPlace: new Float32Array(frames * 3).fill(Number.NaN) });
    assert.equal(unlabelled.object, 0, 'no labelled frame: nothing to learn');
    assert.ok(Number.isFinite(unlabelled.total));
    assert.throws(() => trainer.trainStep({ ...batch, objectPlace: new Float32Array(5) }), /objectPlace has 5 values/);
    model.dispose();
    trainer.dispose();
  });

  test('loss.objectPredicted: the head\'s reading of the predicted states learns the real next places; the head takes no gradient from it', () => {
    const model = new WorldModel(tinyConfig({ loss: { object: 0, objectPredicted: 1 } }), { seed: 3 });
    const trainer = new Trainer(model);
    const batch = tinyBatch(model, 1);
    const frames = batch.batchSize * (batch.horizon + 1);
    const P = model.config.proprio.dim;
    const objectPlace = new Float32Array(frames * 3);
    for (let r = 0; r < frames; r++) objectPlace.set([0.3 + 0.05 * batch.proprio![r * P], -0.1 + 0.05 * batch.proprio![r * P + 1], 0.02], 3 * r);
    const head = Float32Array.from(model.params.get('head.object.0.w').dataSync());
    const first = trainer.trainStep({ ...batch, objectPlace });
    let last = first;
    for (let i = 0; i < 60; i++) last = trainer.trainStep({ ...batch, objectPlace });
    assert.ok(first.objectPredicted !== undefined && last.objectPredicted !== undefined);
    assert.ok(last.objectPredicted < 0.7 * first.objectPredicted, `predicted-object term ${first.objectPredicted} -> ${last.objectPredicted}`);
    assert.deepEqual(Array.from(model.params.get('head.object.0.w').dataSync()), Array.from(head), 'the head is not trained by this term');
    const off = new WorldModel(tinyConfig(), { seed: 3 });
    const offTrainer = new Trainer(off);
    assert.ok(!('objectPredicted' in offTrainer.trainStep({ ...tinyBatch(off, 1), objectPlace })), 'off by default');
    [model, off].forEach((m) => m.dispose());
    [trainer, offTrainer].forEach((t) => t.dispose());
  });

  test('loss.proprioPredicted: the proprio head\'s reading of the predicted states learns the real next body states; the head takes no gradient from it', () => {
    const model = new WorldModel(tinyConfig({ loss: { proprio: 0, proprioPredicted: 1 } }), { seed: 3 });
    assert.ok(model.config.proprioHead, 'the tiny config has a proprio head');
    const trainer = new Trainer(model);
    const batch = tinyBatch(model, 1);
    const head = Float32Array.from(model.params.get('head.proprio.0.w').dataSync());
    const first = trainer.trainStep(batch);
    let last = first;
    for (let i = 0; i < 60; i++) last = trainer.trainStep(batch);
    assert.ok(first.proprioPredicted !== undefined && last.proprioPredicted !== undefined);
    assert.ok(last.proprioPredicted < 0.7 * first.proprioPredicted, `predicted-proprio term ${first.proprioPredicted} -> ${last.proprioPredicted}`);
    assert.deepEqual(Array.from(model.params.get('head.proprio.0.w').dataSync()), Array.from(head), 'the head is not trained by this term');
    const off = new WorldModel(tinyConfig(), { seed: 3 });
    const offTrainer = new Trainer(off);
    assert.ok(!('proprioPredicted' in offTrainer.trainStep(tinyBatch(off, 1))), 'off by default');
    [model, off].forEach((m) => m.dispose());
    [trainer, offTrainer].forEach((t) => t.dispose());
  });

  test('loss.objectPredictedMinMove: only predicted states whose real frame shows the object moved that far from the sequence\'s first frame count', () => {
    const model = new WorldModel(tinyConfig({ loss: { object: 0, objectPredicted: 1, objectPredictedMinMove: 0.02 } }), { seed: 3 });
    const trainer = new Trainer(model);
    const batch = tinyBatch(model, 1);
    const h = batch.horizon;
    /** Sequence 0 stays at one place; sequence 1 moves `step` metres along x every frame. */
    const places = (step: number): Float32Array => {
      const out = new Float32Array(batch.batchSize * (h + 1) * 3);
      for (let b = 0; b < batch.batchSize; b++) for (let k = 0; k <= h; k++) out.set([0.3 + (b === 1 ? step * k : 0), -0.1, 0.02], 3 * (b * (h + 1) + k));
      return out;
    };
    assert.equal(trainer.trainStep({ ...batch, objectPlace: places(0) }).objectPredicted, 0, 'nothing moved: nothing compared');
    assert.equal(trainer.trainStep({ ...batch, objectPlace: places(0.005) }).objectPredicted, 0, `moved ${0.005 * h} m at most, under the 2 cm asked`);
    const first = trainer.trainStep({ ...batch, objectPlace: places(0.03) });
    let last = first;
    for (let i = 0; i < 60; i++) last = trainer.trainStep({ ...batch, objectPlace: places(0.03) });
    assert.ok(first.objectPredicted! > 0, 'the pushed sequence is compared');
    assert.ok(last.objectPredicted! < 0.7 * first.objectPredicted!, `predicted-object term on the push ${first.objectPredicted} -> ${last.objectPredicted}`);
    model.dispose();
    trainer.dispose();
  });

  test('loss.objectPrediction l1: the object part is compared by mean absolute error, the fusion\'s statistics stay squared errors', () => {
    const step = (objectPrediction: 'l1' | 'l2'): LossTerms => {
      const model = new WorldModel(tinyConfig({ modalities: { object: true }, objectView: { count: 8, hidden: [8] }, loss: { objectPrediction } }), { seed: 3 });
      const trainer = new Trainer(model);
      const batch = tinyBatch(model, 1);
      const frames = batch.batchSize * (batch.horizon + 1);
      const rng = new Rng(5);
      const object = rng.fillNormal(new Float32Array(frames * 8 * 3)).map((v) => 0.02 * v);
      const objectPlace = rng.fillUniform(new Float32Array(frames * 3), -0.2, 0.4);
      const terms = trainer.trainStep({ ...batch, object, objectPlace });
      model.dispose();
      trainer.dispose();
      return terms;
    };
    const l2 = step('l2');
    const l1 = step('l1');
    assert.ok(l2.modalityErrors.object !== undefined && l2.modalityErrors.object > 0);
    assert.ok(Math.abs(l1.modalityErrors.object! - l2.modalityErrors.object) < 1e-6, 'same squared error for the fusion');
    assert.ok(Math.abs(l1.prediction - l2.prediction) > 1e-4, `the prediction term changes: ${l1.prediction} vs ${l2.prediction}`);
  });

  test('augmented views go to the context frames only: the targets are the clean frames, unless augment.targets', () => {
    for (const targets of [false, true]) {
      const model = new WorldModel(tinyConfig({ augment: { targets } }), { seed: 4 });
      const trainer = new Trainer(model, { rng: new Rng(9) });
      const batch = tinyBatch(model, 2);
      const frameBytes = model.config.image.size ** 2 * 3;
      // Record the images of the rows each embed call encodes (a view on the real model's own method).
      const seen: { rows: readonly number[]; rgb: Uint8Array }[] = [];
      const embed = model.embed.bind(model);
      model.embed = (w, frames, rows) => {
        seen.push({ rows, rgb: frames.rgb! });
        return embed(w, frames, rows);
      };
      trainer.trainStep(batch);
      const h = batch.horizon;
      const sameAsBatch = (call: { rows: readonly number[]; rgb: Uint8Array }): boolean =>
        call.rows.every((r) => call.rgb.subarray(r * frameBytes, (r + 1) * frameBytes).every((v, i) => v === batch.rgb![r * frameBytes + i]));
      const context = seen.filter((c) => c.rows.every((r) => r % (h + 1) === 0));
      const target = seen.filter((c) => c.rows.every((r) => r % (h + 1) !== 0));
      assert.ok(context.length > 0 && target.length > 0);
      assert.ok(context.every((c) => !sameAsBatch(c)), 'the context is an augmented view');
      assert.equal(target.every(sameAsBatch), !targets, `targets ${targets ? 'augmented' : 'clean'}`);
      model.dispose();
      trainer.dispose();
    }
  });

  test('train steps leave no tensors behind (after the optimizer made its slots)', () => {
    const variants: ModelConfigInput[] = [
      {},
      { ema: { enabled: true } },
      { loss: { targetGradient: true } },
      { predictor: { kind: 'transformer', width: 16, heads: 2, history: 2 } },
    ];
    for (const overrides of variants) {
      const model = new WorldModel(tinyConfig(overrides), { seed: 2 });
      const trainer = new Trainer(model);
      const batch = tinyBatch(model, 3);
      trainer.trainStep(batch);
      assertNoLeak(`trainStep ${JSON.stringify(overrides)}`, () => {
        trainer.trainStep(batch);
        trainer.trainStep(batch);
      });
      trainer.dispose();
      model.dispose();
    }
  });

  test('gradient clipping bounds the step, and a huge clip leaves it free', () => {
    const step = (gradClip: number): number => {
      const model = new WorldModel(tinyConfig({ gradClip, learningRate: 0.1 }), { seed: 4 });
      const trainer = new Trainer(model);
      const before = take(tf.clone(model.params.get('pred.mlp.0.w')));
      const terms = trainer.trainStep(tinyBatch(model, 5));
      assert.ok(terms.gradNorm > 0);
      const moved = maxAbsDiff(before, Float32Array.from(model.params.get('pred.mlp.0.w').dataSync()));
      trainer.dispose();
      model.dispose();
      return moved;
    };
    // Adam's first step moves each weight by ~lr regardless of scale; clipping to a tiny norm
    // makes the gradient comparable to Adam's epsilon, so the step shrinks.
    assert.ok(step(1e-9) < 0.5 * step(1e6));
  });

  test('the EMA target encoder trails the online one', () => {
    const model = new WorldModel(tinyConfig({ ema: { enabled: true, tau: 0.9 } }), { seed: 6 });
    const online = (): Float32Array => Float32Array.from(model.params.get('enc.proprio.0.w').dataSync());
    const target = (): Float32Array => Float32Array.from(model.params.get('target.enc.proprio.0.w').dataSync());
    assert.deepEqual(target(), online());
    const start = online();
    const trainer = new Trainer(model);
    trainer.trainStep(tinyBatch(model, 7));
    const moved = maxAbsDiff(online(), start);
    const targetMoved = maxAbsDiff(target(), start);
    assert.ok(moved > 0 && targetMoved > 0);
    assert.ok(Math.abs(targetMoved - 0.1 * moved) < 0.02 * moved + 1e-7, `target moved ${targetMoved}, online ${moved}`);
    trainer.dispose();
    model.dispose();
  });

  test('batches of the wrong shape are errors naming the field and both sizes', () => {
    const model = new WorldModel(tinyConfig(), { seed: 1 });
    const trainer = new Trainer(model);
    const good = tinyBatch(model, 1);
    assert.throws(() => trainer.trainStep({ ...good, actions: new Float32Array(5) }), /actions has 5 values, expected 12 = \[2, 2, 3\]/);
    assert.throws(() => trainer.trainStep({ ...good, proprio: new Float32Array(7) }), /proprio has 7 values, expected 60 = \[2, 3, 10\]/);
    assert.throws(() => trainer.trainStep({ ...good, rgb: new Uint8Array(3) }), /rgb has 3 values, expected 1152 = \[2, 3, 8, 8, 3\]/);
    assert.throws(() => trainer.trainStep({ ...good, present: { points: new Uint8Array(2) } }), /present\.points has 2 values, expected 6/);
    assert.throws(() => trainer.trainStep({ ...good, batchSize: 1 }), /batchSize must be an integer >= 2/);
    trainer.dispose();
    model.dispose();
  });

  test('trains with a modality missing in some frames', () => {
    const model = new WorldModel(tinyConfig(), { seed: 1 });
    const trainer = new Trainer(model);
    const batch = tinyBatch(model, 2);
    const rgbMask = Uint8Array.from([1, 0, 1, 0, 1, 1]);
    const terms = trainer.trainStep({ ...batch, present: { rgb: rgbMask, points: new Uint8Array(6) } });
    assert.ok(Number.isFinite(terms.total));
    assert.equal(terms.modalityErrors.points, undefined, 'no points anywhere: no error measured');
    assert.ok(terms.modalityErrors.rgb !== undefined);
    const { points } = model.fusion.errors();
    assert.equal(points, 1, 'the running error of an absent modality is left alone');
    trainer.dispose();
    model.dispose();
  });
});

describe('Trainer modality dropout', () => {
  before(useTestBackend);

  test('proprioDropout hides proprio from the encoders of that share of sequences but still trains the proprio head on them', () => {
    const full = new WorldModel(tinyConfig({ proprioDropout: 1 }), { seed: 1 });
    const trainer = new Trainer(full);
    const batch = tinyBatch(full, 4);
    const terms = trainer.trainStep(batch);
    assert.equal(terms.modalityErrors.proprio, undefined, 'no proprio input anywhere: no proprio error measured');
    assert.ok(terms.modalityErrors.rgb !== undefined);
    assert.ok(terms.proprio !== undefined && Number.isFinite(terms.proprio) && terms.proprio > 0, 'the head still has targets');
    assert.equal(full.fusion.errors().proprio, 1, 'the running proprio error is left alone');
    assert.equal(batch.present, undefined, 'the caller\'s batch is not modified');
    assertNoLeak('trainStep with dropout', () => trainer.trainStep(batch));
    trainer.dispose();
    full.dispose();

    // Half of a 2-sequence batch: the proprio error comes from the other sequence only.
    const half = new WorldModel(tinyConfig({ proprioDropout: 0.5 }), { seed: 1 });
    const halfTerms = new Trainer(half).trainStep(batch);
    const none = new WorldModel(tinyConfig({ proprioDropout: 0 }), { seed: 1 });
    const noneTerms = new Trainer(none).trainStep(batch);
    assert.ok(halfTerms.modalityErrors.proprio !== undefined);
    assert.notEqual(halfTerms.modalityErrors.proprio, noneTerms.modalityErrors.proprio);
    [half, none].forEach((m) => m.dispose());
  });
});

/** A random batch of 2 sequences for the tiny config. */
function tinyBatch(model: WorldModel, seed: number): TrainingBatch {
  const rng = new Rng(seed);
  const cfg = model.config;
  const b = 2;
  const h = cfg.horizon;
  const frames = b * (h + 1);
  return {
    batchSize: b,
    horizon: h,
    rgb: new Uint8Array(frames * cfg.image.size ** 2 * 3).map(() => rng.int(0, 256)),
    points: rng.fillNormal(new Float32Array(frames * cfg.points.count * 3)),
    proprio: rng.fillNormal(new Float32Array(frames * cfg.proprio.dim)),
    actions: rng.fillUniform(new Float32Array(b * h * cfg.actionDim), -1, 1),
  };
}
