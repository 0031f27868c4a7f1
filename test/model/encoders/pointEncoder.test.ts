import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { modelConfigSchema, Rng } from '../../../src/core/index.js';
import { pointEncoder } from '../../../src/model/encoders/pointEncoder.js';
import { ParamStore } from '../../../src/model/index.js';
import { maxAbsDiff, take, useTestBackend } from '../fixtures.js';

before(useTestBackend);

const config = modelConfigSchema.parse({ latentDim: 6, points: { count: 8, hidden: [8, 16] } });

function encode(points: Float32Array, count: number): Float32Array {
  const store = new ParamStore(new Rng(1));
  const enc = pointEncoder(store, config);
  const x = enc.input({ count: 1, points, pointCount: count }, [0]);
  const out = take(enc.apply(store.weights, x));
  x.dispose();
  store.dispose();
  return out;
}

test('invariant to point order and to repeated points, any number of points', () => {
  const cloud = new Rng(3).fillNormal(new Float32Array(8 * 3));
  const base = encode(cloud, 8);
  const reversed = new Float32Array(8 * 3);
  for (let i = 0; i < 8; i++) reversed.set(cloud.subarray(i * 3, i * 3 + 3), (7 - i) * 3);
  assert.ok(maxAbsDiff(encode(reversed, 8), base) < 1e-6, 'order');
  const doubled = new Float32Array(16 * 3);
  doubled.set(cloud);
  doubled.set(cloud, 24);
  assert.ok(maxAbsDiff(encode(doubled, 16), base) < 1e-6, 'duplicates, 16 points into a model of 8');
  const moved = cloud.map((v, i) => (i % 3 === 0 ? v + 0.5 : v));
  assert.ok(maxAbsDiff(encode(moved, 8), base) > 1e-4, 'moving the cloud changes the embedding');
});

test('input statistics follow the observed frames only', () => {
  const store = new ParamStore(new Rng(1));
  const enc = pointEncoder(store, config);
  const points = Float32Array.from({ length: 2 * 8 * 3 }, (_, i) => (i < 24 ? 1 : 100));
  enc.observe?.({ count: 2, points, pointCount: 8, present: { points: Uint8Array.of(1, 0) } }, [0, 1]);
  assert.deepEqual(Array.from(store.get('norm.points.mean').dataSync()), [1, 1, 1]);
  const grads = tf.variableGrads(() => tf.sum(enc.apply(store.weights, enc.input({ count: 1, points }, [0]))), store.trainable());
  assert.ok(Object.keys(grads.grads).length > 0);
  tf.dispose([grads.value, grads.grads]);
  store.dispose();
});

test('object view with objectView.place: the place joins the embedding (and its statistics), the centred shape alone does not say where', () => {
  const before = tf.memory().numTensors;
  const object = new Rng(4).fillNormal(new Float32Array(8 * 3)).map((v) => 0.02 * v);
  const [a, b] = [[0.3, 0.1, 0.02], [0.4, -0.1, 0.02]];
  const embeddings = (place: boolean): [Float32Array, Float32Array] => {
    const cfg = modelConfigSchema.parse({ latentDim: 6, objectView: { count: 8, hidden: [8, 16], place } });
    const store = new ParamStore(new Rng(1));
    const enc = pointEncoder(store, cfg, 'object');
    const frames = { count: 3, object: Float32Array.from([...object, ...object, ...object]), objectPlace: Float32Array.from([...a, ...b, Number.NaN, Number.NaN, Number.NaN]) };
    enc.observe?.(frames, [0, 1, 2]);
    if (place) {
      const mean = Array.from(store.get('norm.objectView.place.mean').dataSync());
      assert.ok(maxAbsDiff(Float32Array.from(mean), Float32Array.from([0.35, 0, 0.02])) < 1e-6, `a row without a place is skipped: mean ${mean}`);
    } else {
      assert.equal(store.has('norm.objectView.place.mean'), false);
    }
    const x = enc.input(frames, [0, 1]);
    const out = take(enc.apply(store.weights, x));
    x.dispose();
    store.dispose();
    return [out.slice(0, 6), out.slice(6)];
  };
  const [placedA, placedB] = embeddings(true);
  assert.ok(maxAbsDiff(placedA, placedB) > 1e-3, 'another place, another embedding');
  const [blindA, blindB] = embeddings(false);
  assert.ok(maxAbsDiff(blindA, blindB) < 1e-7, 'without place the view is where-blind');
  assert.equal(tf.memory().numTensors, before);
});

test('object view with objectView.motion: how far the place moved joins the embedding; frames without a motion read as at rest', () => {
  const before = tf.memory().numTensors;
  const object = new Rng(4).fillNormal(new Float32Array(8 * 3)).map((v) => 0.02 * v);
  const place = [0.3, 0.1, 0.02];
  const cfg = modelConfigSchema.parse({ latentDim: 6, objectView: { count: 8, hidden: [8, 16], motion: true } });
  const store = new ParamStore(new Rng(1));
  const enc = pointEncoder(store, cfg, 'object');
  const views = Float32Array.from([...object, ...object, ...object]);
  const places = Float32Array.from([...place, ...place, ...place]);
  const frames = { count: 3, object: views, objectPlace: places, objectMotion: Float32Array.from([0, 0, 0, 0.03, -0.01, 0, 0.01, 0.01, 0]) };
  enc.observe?.(frames, [0, 1, 2]);
  const mean = Array.from(store.get('norm.objectView.motion.mean').dataSync());
  assert.ok(maxAbsDiff(Float32Array.from(mean), Float32Array.from([4 / 300, 0, 0])) < 1e-6, `the motion's statistics: mean ${mean}`);
  const embed = (f: Parameters<typeof enc.input>[0]): Float32Array => {
    const x = enc.input(f, [0, 1]);
    const out = take(enc.apply(store.weights, x));
    x.dispose();
    return out;
  };
  const moving = embed(frames);
  assert.ok(maxAbsDiff(moving.slice(0, 6), moving.slice(6)) > 1e-3, 'the same object at the same place, moving: another embedding');
  const unknown = embed({ count: 3, object: views, objectPlace: places });
  assert.ok(maxAbsDiff(unknown.slice(6), moving.slice(0, 6)) < 1e-7, 'no motion given reads as a motion of 0');
  store.dispose();
  assert.throws(() => modelConfigSchema.parse({ objectView: { place: false, motion: true } }), /objectView.motion needs objectView.place/);
  assert.equal(tf.memory().numTensors, before);
});
