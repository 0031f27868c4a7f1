import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { modelConfigSchema, Rng } from '../../src/core/index.js';
import { ParamStore, Predictor, RunningNormalizer } from '../../src/model/index.js';
import { assertNoLeak, maxAbsDiff, take, useTestBackend } from './fixtures.js';

before(useTestBackend);

function predictor(overrides: object): { store: ParamStore; p: Predictor } {
  const config = modelConfigSchema.parse({ latentDim: 6, actionDim: 2, ...overrides });
  const store = new ParamStore(new Rng(1));
  return { store, p: new Predictor(store, config, new RunningNormalizer(store, 'norm.action', 2)) };
}

for (const kind of ['mlp', 'transformer'] as const) {
  test(`${kind}: residual, starts near "nothing changes", and the action matters`, () => {
    const { store, p } = predictor({ predictor: { kind, width: 16, depth: 2, heads: 4, history: 3 } });
    const states = tf.tensor3d(new Rng(2).fillNormal(new Float32Array(4 * 1 * 6)), [4, 1, 6]);
    const a = tf.tensor3d(new Rng(3).fillUniform(new Float32Array(4 * 2), -1, 1), [4, 1, 2]);
    assertNoLeak('step', () => {
      const next = take(p.step(store.weights, states, a));
      const s = take(tf.reshape(states, [4, 6]));
      const delta = maxAbsDiff(next, s);
      assert.ok(delta > 0 && delta < 1, `first prediction moves the state by ${delta}`);
      const other = take(tf.tidy(() => p.step(store.weights, states, tf.neg(a) as tf.Tensor3D)));
      assert.ok(maxAbsDiff(other, next) > 1e-5, 'another action, another prediction');
    });
    tf.dispose([states, a]);
    store.dispose();
  });
}

test('the transformer attends over past steps; the MLP looks at the last only', () => {
  const window = tf.tensor3d(new Rng(2).fillNormal(new Float32Array(2 * 3 * 6)), [2, 3, 6]);
  const acts = tf.tensor3d(new Rng(3).fillUniform(new Float32Array(2 * 3 * 2), -1, 1), [2, 3, 2]);
  const lastOnly = tf.slice(window, [0, 2, 0], [-1, 1, -1]) as tf.Tensor3D;
  const lastActs = tf.slice(acts, [0, 2, 0], [-1, 1, -1]) as tf.Tensor3D;
  const mlp = predictor({ predictor: { kind: 'mlp' } });
  assert.ok(maxAbsDiff(take(mlp.p.step(mlp.store.weights, window, acts)), take(mlp.p.step(mlp.store.weights, lastOnly, lastActs))) < 1e-6);
  const tr = predictor({ predictor: { kind: 'transformer', width: 16, heads: 2, history: 3 } });
  assert.ok(maxAbsDiff(take(tr.p.step(tr.store.weights, window, acts)), take(tr.p.step(tr.store.weights, lastOnly, lastActs))) > 1e-6);
  const tooLong = tf.concat([window, lastOnly], 1) as tf.Tensor3D;
  assert.throws(() => tr.p.step(tr.store.weights, tooLong, tf.concat([acts, lastActs], 1) as tf.Tensor3D), /window of 4 steps exceeds history 3/);
  tf.dispose([window, acts, lastOnly, lastActs, tooLong]);
  mlp.store.dispose();
  tr.store.dispose();
});
