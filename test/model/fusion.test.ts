import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/core/index.js';
import { gate, ParamStore, PrecisionFusion, Trainer, WorldModel } from '../../src/model/index.js';
import type { ModelModality } from '../../src/model/index.js';
import { assertNoLeak, take, useTestBackend } from './fixtures.js';
import { SyntheticWorld } from './syntheticWorld.js';

function fusion(
  options = { momentum: 0.9, sharpness: 1 },
  enabled: readonly ModelModality[] = ['rgb', 'points', 'proprio'],
): { store: ParamStore; f: PrecisionFusion } {
  const store = new ParamStore(new Rng(1));
  return { store, f: new PrecisionFusion(store, enabled, options) };
}

describe('PrecisionFusion', () => {
  before(useTestBackend);

  test('weights are normalised precisions of the running errors', () => {
    const { store, f } = fusion();
    f.update({ prediction: { rgb: 1, points: 0.5, proprio: 0.25 } });
    const w = f.weights();
    // precision 1 : 2 : 4
    assert.ok(Math.abs(w.rgb - 1 / 7) < 1e-6 && Math.abs(w.points - 2 / 7) < 1e-6 && Math.abs(w.proprio - 4 / 7) < 1e-6, JSON.stringify(w));
    store.dispose();
  });

  test('the first updates are plain averages, then the momentum takes over', () => {
    const { store, f } = fusion({ momentum: 0.9, sharpness: 1 });
    f.update({ prediction: { rgb: 4 } });
    assert.ok(Math.abs(f.errors().rgb - 4) < 1e-6, 'the first batch replaces the prior');
    f.update({ prediction: { rgb: 2 } });
    assert.ok(Math.abs(f.errors().rgb - 3) < 1e-6, 'mean of two');
    for (let i = 0; i < 50; i++) f.update({ prediction: { rgb: 1 } });
    assert.ok(Math.abs(f.errors().rgb - 1) < 0.02);
    assert.equal(f.errors().points, 1, 'untouched');
    store.dispose();
  });

  test('gate: inverse-variance weight of the observation from the three pairwise errors', () => {
    // Observation variance 0.1, estimate variance 0.3 (prediction variance 0.2): weight 0.3 / 0.4.
    assert.ok(Math.abs(gate(0.1 + 0.2, 0.1 + 0.3, 0.2 + 0.3) - 0.75) < 1e-9);
    assert.ok(Math.abs(gate(1, 1, 1) - 0.5) < 1e-9, 'equal variances share equally');
    assert.ok(gate(0.3, 0.3, 1e-9) < 0.01, 'an observation far from two agreeing estimates is not trusted');
  });

  test('sharpness 0 gives equal weights whatever the errors', () => {
    const { store, f } = fusion({ momentum: 0.5, sharpness: 0 });
    f.update({ prediction: { rgb: 100, points: 0.01, proprio: 1 } });
    const { object, ...sensors } = f.weights();
    assert.equal(object, 0, 'no encoder, no weight');
    for (const v of Object.values(sensors)) assert.ok(Math.abs(v - 1 / 3) < 1e-9);
    store.dispose();
  });

  test('a missing modality is masked per frame and the rest renormalised', () => {
    const { store, f } = fusion({ momentum: 0.5, sharpness: 1 }, ['points', 'proprio']);
    f.update({ prediction: { points: 1, proprio: 1 / 3 } }); // weights 0.25, 0.75
    const mask = tf.tensor2d([1, 1, 0, 1, 1, 0], [3, 2]);
    const mixing = f.mixing(mask);
    assert.deepEqual(Array.from(take(tf.round(tf.mul(mixing, 100)))), [25, 75, 0, 100, 100, 0]);
    const a = tf.tensor2d([[1, 1], [2, 2], [3, 3]]);
    const b = tf.tensor2d([[5, 5], [6, 6], [7, 7]]);
    assertNoLeak('fuse', () => {
      const fused = take(f.fuse([a, b], mixing));
      assert.deepEqual(Array.from(fused), [4, 4, 6, 6, 3, 3]);
      // An absent embedding (no frame has it) is simply left out.
      assert.deepEqual(Array.from(take(f.fuse([undefined, b], mixing))), [3.75, 3.75, 6, 6, 0, 0]);
    });
    tf.dispose([mask, mixing, a, b]);
    store.dispose();
  });

    const trained = (kind: 'precision' | 'gated', noisy: 'points' | 'proprio'): WorldModel => {
      const world = new SyntheticWorld({ proprioDim: 10, pointCount: 16, ...(noisy === 'points' ? { pointNoise: 1 } : { proprioNoise: 1 }) });
      const model = new WorldModel(
        {
          latentDim: 16,
          modalities: { rgb: false, points: true, proprio: true, object: false },
          proprio: { dim: 10, hidden: 32 },
          points: { count: 16, hidden: [16, 32] },
          actionDim: 2,
          predictor: { width: 64, depth: 2 },
          horizon: 2,
          learningRate: 3e-3,
          fusion: { momentum: 0.9, kind },
          perception: { enabled: false },
        },
        { seed: 1 },
      );
      const trainer = new Trainer(model);
      const rng = new Rng(5);
      for (let i = 0; i < 80; i++) trainer.trainStep(world.batch(rng, 32, 2));
      return model;
    };

  test('precision: a modality with injected noise ends up with the lower weight, whichever it is', () => {
    for (const noisy of ['points', 'proprio'] as const) {
      const model = trained('precision', noisy);
      const w = model.fusionWeights();
      const clean = noisy === 'points' ? 'proprio' : 'points';
      assert.ok(w[noisy] < 0.4 && w[noisy] < w[clean], `noisy ${noisy}: weights ${JSON.stringify(w)}`);
      assert.ok(Math.abs(w.points + w.proprio - 1) < 1e-9 && w.rgb === 0);
      model.dispose();
    }
  });

  test('gated: a modality with injected noise gets the lower gate, whichever it is', () => {
    for (const noisy of ['points', 'proprio'] as const) {
      const model = trained('gated', noisy);
      const w = model.fusionWeights();
      const clean = noisy === 'points' ? 'proprio' : 'points';
      assert.ok(w[noisy] < w[clean] - 0.1 && w[noisy] < 0.7, `noisy ${noisy}: gates ${JSON.stringify(w)}`);
      assert.equal(w.rgb, 0);
      model.dispose();
    }
  });
});
