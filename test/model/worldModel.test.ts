import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/core/index.js';
import { framesFromObservations, WorldModel } from '../../src/model/index.js';
import { mlp } from '../../src/model/nn.js';
import type { LatentDynamics } from '../../src/plan/index.js';
import { assertNoLeak, maxAbsDiff, observation, take, tinyConfig, useTestBackend } from './fixtures.js';


describe('WorldModel', () => {
  let model: WorldModel;
  before(async () => {
    await useTestBackend();
    model = new WorldModel(tinyConfig(), { seed: 3 });
  });
  after(() => model.dispose());

  test('satisfies the planners LatentDynamics interface (checked by the compiler)', () => {
    const dynamics: LatentDynamics = model;
    // One part of latentDim (8) per modality under the default gated fusion.
    assert.equal(dynamics.latentDim, 3 * 8);
    assert.equal(dynamics.actionDim, 3);
    assert.equal(typeof dynamics.decodeProprio, 'function');
    const withoutHead = new WorldModel(tinyConfig({ proprioHead: false }));
    assert.equal(withoutHead.decodeProprio, undefined);
    withoutHead.dispose();
  });

  test('encodes an observation into a finite latent of one latentDim part per modality', () => {
    const s = model.encodeObservation(observation(1));
    assert.equal(s.length, 24);
    assert.ok(s.every(Number.isFinite));
    assert.ok(s.some((v) => v !== 0));
  });

  test('a missing modality still yields a state, different from the full one', () => {
    const full = model.encodeObservation(observation(1));
    const noImage = model.encodeObservation(observation(1, ['points', 'proprio']));
    const proprioOnly = model.encodeObservation(observation(1, ['proprio']));
    assert.ok(noImage.every(Number.isFinite) && proprioOnly.every(Number.isFinite));
    assert.ok(maxAbsDiff(full, noImage) > 1e-4);
    assert.throws(() => model.encodeObservation(observation(1, [])), /none of the 1 frames has any of the modalities rgb, points, proprio/);
  });

  test('a missing modality is estimated from the others, not encoded as zeros', () => {
    // The proprio part is the proprio embedding itself; the camera parts are estimates from it.
    const proprioOnly = new WorldModel(tinyConfig({ modalities: { rgb: false, points: false, proprio: true, object: false } }), { seed: 3 });
    const a = model.encodeObservation(observation(2, ['proprio']));
    const b = proprioOnly.encodeObservation(observation(2, ['proprio']));
    const [start, size] = model.fusion.partOf('proprio');
    assert.ok(maxAbsDiff(a.subarray(start, start + size), b) < 1e-5, 'same seed, same proprio encoder weights');
    const [rgbStart] = model.fusion.partOf('rgb');
    const rgbPart = a.subarray(rgbStart, rgbStart + size);
    assert.ok(rgbPart.some((v) => Math.abs(v) > 1e-4), 'the missing rgb part is estimated, not zero');
    const encoded = model.encodeObservation(observation(2));
    assert.ok(maxAbsDiff(rgbPart, encoded.subarray(rgbStart, rgbStart + size)) > 1e-4, 'and differs from the sensed one');
    proprioOnly.dispose();
  });

  test('concat fusion zero-fills a missing part; precision fusion averages into one vector', () => {
    const concat = new WorldModel(tinyConfig({ fusion: { kind: 'concat' } }), { seed: 3 });
    const s = concat.encodeObservation(observation(2, ['proprio']));
    const [rgbStart, size] = concat.fusion.partOf('rgb');
    assert.ok(s.subarray(rgbStart, rgbStart + size).every((v) => v === 0));
    assert.equal(concat.latentDim, 24);
    const precision = new WorldModel(tinyConfig({ fusion: { kind: 'precision' } }), { seed: 3 });
    assert.equal(precision.latentDim, 8);
    assert.throws(() => precision.fusion.partOf('rgb'), /no part for modality 'rgb' under kind 'precision'/);
    concat.dispose();
    precision.dispose();
  });

  test('batch encoding matches one-by-one encoding', () => {
    const obs = [observation(1), observation(2, ['rgb', 'proprio']), observation(3)];
    const batch = take(model.encodeObservations(obs));
    const d = model.latentDim;
    obs.forEach((o, i) => assert.ok(maxAbsDiff(batch.subarray(i * d, (i + 1) * d), model.encodeObservation(o)) < 1e-5, `row ${i}`));
  });

  test('predict is differentiable in the actions, and rollout chains it', () => {
    const d = model.latentDim;
    const states = tf.tensor2d(new Rng(1).fillNormal(new Float32Array(4 * d)), [4, d]);
    const actions = tf.tensor3d(new Rng(2).fillUniform(new Float32Array(4 * 3 * 3), -1, 1), [4, 3, 3]);
    const next = model.predict(states, tf.squeeze(tf.slice(actions, [0, 0, 0], [-1, 1, -1]), [1]) as tf.Tensor2D);
    assert.deepEqual(next.shape, [4, d]);
    const grad = tf.grad((a: tf.Tensor) => tf.sum(model.predict(states, a as tf.Tensor2D)))(tf.ones([4, 3]));
    assert.ok(take(grad).some((g) => Math.abs(g) > 1e-6), 'gradient w.r.t. actions is non-zero');
    const rolled = model.rollout(states, actions);
    assert.deepEqual(rolled.shape, [4, 3, d]);
    let s = states;
    for (let k = 0; k < 3; k++) {
      const a = tf.squeeze(tf.slice(actions, [0, k, 0], [-1, 1, -1]), [1]) as tf.Tensor2D;
      const n = model.predict(s, a);
      const r = tf.squeeze(tf.slice(rolled, [0, k, 0], [-1, 1, -1]), [1]);
      assert.ok(maxAbsDiff(take(r), Float32Array.from(n.dataSync())) < 1e-5, `step ${k}`);
      if (s !== states) s.dispose();
      a.dispose();
      s = n;
    }
    tf.dispose([states, actions, next, rolled, s]);
  });

  test('the transformer predictor rolls out over its history window', () => {
    const m = new WorldModel(tinyConfig({ predictor: { kind: 'transformer', width: 16, depth: 1, heads: 2, history: 2 } }), { seed: 1 });
    const d = m.latentDim;
    const states = tf.tensor2d(new Rng(1).fillNormal(new Float32Array(2 * d)), [2, d]);
    const actions = tf.tensor3d(new Rng(2).fillUniform(new Float32Array(2 * 4 * 3), -1, 1), [2, 4, 3]);
    assertNoLeak('transformer rollout', () => {
      const out = take(m.rollout(states, actions));
      assert.equal(out.length, 2 * 4 * d);
      assert.ok(out.every(Number.isFinite));
    });
    // One step with a window of one equals predict.
    const first = take(tf.tidy(() => tf.squeeze(tf.slice(m.rollout(states, actions), [0, 0, 0], [-1, 1, -1]), [1])));
    const a0 = tf.tidy(() => tf.squeeze(tf.slice(actions, [0, 0, 0], [-1, 1, -1]), [1]) as tf.Tensor2D);
    assert.ok(maxAbsDiff(first, take(m.predict(states, a0))) < 1e-5);
    tf.dispose([states, actions, a0]);
    m.dispose();
  });

  test('decodes proprio in sensor units and computes latent costs', () => {
    const d = model.latentDim;
    const states = tf.tensor2d(new Rng(1).fillNormal(new Float32Array(5 * d)), [5, d]);
    const decoded = model.decodeProprio?.(states);
    assert.deepEqual(decoded?.shape, [5, 10]);
    const cost = model.cost(states, tf.zeros([d]) as tf.Tensor1D);
    const expected = tf.mean(tf.square(states), 1);
    assert.ok(maxAbsDiff(take(cost), take(expected)) < 1e-5);
    tf.dispose([states, decoded]);
  });

  test("each head reads its own modality's part alone (objectHeadReads, proprioHeadReads), or the whole state", () => {
    const before = tf.memory().numTensors;
    /** The head's first layer shape, and how far its reading moves when everything but its part changes. */
    const reading = (head: 'object' | 'proprio', part: boolean): { head: number[]; moved: number } => {
      const reads = head === 'object' ? { objectHeadReads: part ? ('objectPart' as const) : ('state' as const) } : { proprioHeadReads: part ? ('proprioPart' as const) : ('state' as const) };
      const m = new WorldModel(tinyConfig({ modalities: { object: true }, objectView: { count: 8, hidden: [8] }, ...reads }), { seed: 4 });
      const [start, size] = m.fusion.partOf(head);
      const states = new Rng(2).fillNormal(new Float32Array(2 * m.latentDim));
      // The second state keeps the first one's part and changes everything else.
      states.copyWithin(m.latentDim + start, start, start + size);
      const decode = head === 'object' ? m.decodeObject! : m.decodeProprio!;
      const read = take(tf.tidy(() => decode(tf.tensor2d(states, [2, m.latentDim]))));
      const width = read.length / 2;
      const out = { head: m.params.get(`head.${head}.0.w`).shape, moved: maxAbsDiff(read.slice(0, width), read.slice(width)) };
      m.dispose();
      return out;
    };
    for (const head of ['object', 'proprio'] as const) {
      const part = reading(head, true);
      assert.deepEqual(part.head, [8, 16], `${head} head input: its part (latentDim 8)`);
      assert.equal(part.moved, 0, `what the other parts hold does not move the ${head} reading`);
      const whole = reading(head, false);
      assert.deepEqual(whole.head, [4 * 8, 16]);
      assert.ok(whole.moved > 1e-4);
    }
    assert.equal(tf.memory().numTensors, before);
  });

  test('the predictor reads where the object is relative to the hand (predictor.objectRelation), with no gradient into the heads', () => {
    const before = tf.memory().numTensors;
    const run = (objectRelation: boolean): { input: number[]; moved: number; headGrad: number; relation: number[] } => {
      const m = new WorldModel(tinyConfig({ modalities: { object: true }, objectView: { count: 8, hidden: [8] }, predictor: { width: 16, depth: 1, objectRelation } }), { seed: 4 });
      const states = tf.tensor2d(new Rng(2).fillNormal(new Float32Array(2 * m.latentDim)), [2, m.latentDim]);
      const action = tf.tensor2d(new Rng(3).fillUniform(new Float32Array(2 * 3), -1, 1), [2, 3]);
      const first = take(m.predict(states, action));
      // Move only what the object head reads: its output bias.
      const bias = m.params.get('head.object.1.b');
      tf.tidy(() => bias.assign(tf.add(bias, tf.tensor1d([0.5, -0.3, 0.2]))));
      const moved = maxAbsDiff(take(m.predict(states, action)), first);
      // The predictor's own weights are connected; the heads' get no gradient (absent or zero).
      const isHead = (name: string): boolean => name.includes('head.object') || name.includes('head.proprio');
      const variables = m.params.trainable().filter((v) => isHead(v.name) || v.name.includes('pred.mlp.0.w'));
      const { value, grads } = tf.variableGrads(() => tf.sum(m.predict(states, action)) as tf.Scalar, variables);
      const headGrads = Object.entries(grads).filter(([name]) => isHead(name)).map(([, g]) => g);
      const headGrad = Math.max(0, ...headGrads.map((g) => tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0])));
      tf.dispose([value, ...Object.values(grads)]);
      const relation = m.readsObjectRelation ? Array.from(take(tf.tidy(() => m.objectRelation(m.params.weights, states)))) : [];
      const out = { input: m.params.get('pred.mlp.0.w').shape, moved, headGrad, relation };
      tf.dispose([states, action]);
      m.dispose();
      return out;
    };
    const on = run(true);
    assert.deepEqual(on.input, [4 * 8 + 3 + 3, 16], 'state, action and the 3-d relation');
    assert.ok(on.moved > 1e-4, `the prediction follows the object head's reading (${on.moved})`);
    assert.equal(on.headGrad, 0, 'no gradient reaches the heads through the relation');
    assert.equal(on.relation.length, 6);
    assert.ok(on.relation.every(Number.isFinite));
    const off = run(false);
    assert.deepEqual(off.input, [4 * 8 + 3, 16]);
    assert.equal(off.moved, 0, 'without it, the object head does not enter the prediction');
    assert.equal(tf.memory().numTensors, before);
  });

  test('the object\'s interaction module (predictor.objectInteraction) moves the object view\'s part alone, from the hand-object relation and the action alone', () => {
    const before = tf.memory().numTensors;
    const cfg = tinyConfig({ modalities: { object: true }, objectView: { count: 8, hidden: [8] }, predictor: { width: 16, depth: 1, objectInteraction: true, interactionWidth: 8 } });
    const m = new WorldModel(cfg, { seed: 4 });
    const plain = new WorldModel({ ...cfg, predictor: { width: 16, depth: 1 } }, { seed: 4 });
    const [start, size] = m.objectSlot!;
    assert.deepEqual(m.params.get('pred.interact.0.w').shape, [3 + 3, 8], 'the 3-d relation and the action, nothing else');
    assert.deepEqual(m.params.get('pred.interact.2.w').shape, [8, size]);
    // The same weights elsewhere, and a last layer that moves things: the difference is the module's output.
    for (const name of plain.params.trainableNames('')) tf.tidy(() => m.params.get(name).assign(plain.params.get(name)));
    const last = m.params.get('pred.interact.2.w');
    tf.tidy(() => last.assign(tf.tensor(new Rng(5).fillNormal(new Float32Array(last.size)), last.shape)));
    const states = tf.tensor2d(new Rng(2).fillNormal(new Float32Array(2 * m.latentDim)), [2, m.latentDim]);
    const action = tf.tensor2d(new Rng(3).fillUniform(new Float32Array(2 * 3), -1, 1), [2, 3]);
    const diff = take(tf.tidy(() => tf.sub(m.predict(states, action), plain.predict(states, action))));
    const inPart = (i: number): boolean => i % m.latentDim >= start && i % m.latentDim < start + size;
    assert.ok(diff.every((v, i) => inPart(i) || v === 0), 'nothing outside the object view\'s part moves');
    assert.ok(diff.some((v, i) => inPart(i) && Math.abs(v) > 1e-3), 'the object view\'s part moves');
    // The module's output is the MLP of the relation and the normalised action, nothing else of the state.
    const relation = take(tf.tidy(() => m.objectRelation(m.params.weights, states)));
    const moved = take(tf.tidy(() => {
      const input = tf.concat([tf.tensor2d(relation, [2, 3]), m.actionNorm.apply(m.params.weights, action)], 1);
      return tf.slice(tf.tensor2d(diff, [2, m.latentDim]), [0, start], [-1, size]).sub(mlp(m.params.weights, 'pred.interact', 3, input, 'elu')).abs().max();
    }));
    assert.ok(moved[0] < 1e-5, `the module's output is the MLP of the relation and the normalised action (${moved[0]})`);
    // No gradient reaches the heads through the relation.
    const heads = m.params.trainable().filter((v) => v.name.includes('head.object') || v.name.includes('head.proprio'));
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.slice(m.predict(states, action), [0, start], [-1, size])) as tf.Scalar, [...heads, m.params.get('pred.interact.0.w') as tf.Variable]);
    const headGrad = Math.max(0, ...Object.entries(grads).filter(([name]) => name.includes('head.')).map(([, g]) => tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0])));
    assert.equal(headGrad, 0);
    assert.ok(Object.keys(grads).some((name) => name.includes('pred.interact.0.w')), 'the module itself learns');
    tf.dispose([value, ...Object.values(grads), states, action]);
    assert.throws(() => new WorldModel(tinyConfig({ predictor: { objectInteraction: true } })), /objectInteraction needs model.objectHead, model.proprioHead and an object view/);
    [m, plain].forEach((x) => x.dispose());
    assert.equal(tf.memory().numTensors, before);
  });

  test('encode, predict and rollout leave no tensors behind', () => {
    const states = tf.zeros([3, model.latentDim]) as tf.Tensor2D;
    const actions = tf.zeros([3, 2, 3]) as tf.Tensor3D;
    assertNoLeak('encodeObservation', () => model.encodeObservation(observation(4)));
    assertNoLeak('encodeObservations', () => model.encodeObservations([observation(4), observation(5)]).dispose());
    assertNoLeak('encodeFrames', () => model.encodeFrames(framesFromObservations([observation(6)], model.config)).dispose());
    assertNoLeak('rollout', () => model.rollout(states, actions).dispose());
    const action = tf.zeros([3, 3]) as tf.Tensor2D;
    assertNoLeak('predict', () => model.predict(states, action).dispose());
    assertNoLeak('decodeProprio', () => model.decodeProprio?.(states).dispose());
    assertNoLeak('fusionWeights', () => model.fusionWeights());
    tf.dispose([states, actions, action]);
  });

  test('starts trusting every modality fully (gated), or with equal weights (precision)', () => {
    assert.deepEqual(model.fusionWeights(), { rgb: 1, points: 1, proprio: 1, object: 0 });
    const two = new WorldModel(tinyConfig({ modalities: { rgb: false, points: true, proprio: true, object: false }, fusion: { kind: 'precision' } }));
    assert.deepEqual(two.fusionWeights(), { rgb: 0, points: 0.5, proprio: 0.5, object: 0 });
    two.dispose();
  });

  test('the same seed gives the same model, another seed another', () => {
    const a = new WorldModel(tinyConfig(), { seed: 7 });
    const b = new WorldModel(tinyConfig(), { seed: 7 });
    const c = new WorldModel(tinyConfig(), { seed: 8 });
    const o = observation(9);
    assert.deepEqual(a.encodeObservation(o), b.encodeObservation(o));
    assert.ok(maxAbsDiff(a.encodeObservation(o), c.encodeObservation(o)) > 1e-4);
    [a, b, c].forEach((m) => m.dispose());
  });

  test('invalid configs are errors that name the key', () => {
    assert.throws(
      () => new WorldModel({ image: { size: 64, patchSize: 7 } }),
      /'model\.image\.patchSize': image\.size must be a multiple of image\.patchSize/,
    );
    assert.throws(() => new WorldModel({ latentDim: 0 }), /'model\.latentDim'/);
    assert.throws(() => new WorldModel({ modalities: { rgb: false, points: false, proprio: false, object: false } }), /enables no modality/);
    assert.throws(() => new WorldModel({ proprio: { dim: 11 } }), /'model\.proprio\.dim': proprio\.dim must be even/);
  });
});
