import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { modelConfigSchema, Rng } from '../../../src/core/index.js';
import { pointEncoder } from '../../../src/model/encoders/pointEncoder.js';
import { ParamStore } from '../../../src/model/index.js';
import { maxAbsDiff, take, useWasm } from '../fixtures.js';

before(useWasm);

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
