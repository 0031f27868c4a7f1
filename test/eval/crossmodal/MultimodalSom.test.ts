import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/core/Rng.js';
import { MultimodalSom } from '../../../src/eval/crossmodal/MultimodalSom.js';

/** Two modalities of one hidden 1-d variable t: m0 = (t, 1 - t), m1 = (t^2). */
function data(n: number, seed: number): { m0: Float32Array; m1: Float32Array } {
  const rng = new Rng(seed);
  const t = Array.from({ length: n }, () => rng.next());
  return { m0: Float32Array.from(t.flatMap((v) => [v, 1 - v])), m1: Float32Array.from(t.map((v) => v * v)) };
}

test('the multi-modal SOM learns to map each modality to the other', () => {
  const train = data(300, 1);
  const test = data(100, 2);
  const som = new MultimodalSom(8, 1, [2, 1]);
  const rng = new Rng(3);
  som.initFromSamples([train.m0, train.m1], 300, rng);
  const qe = som.train([train.m0, train.m1], 300, { epochs: 10, batchSize: 10, learningRate: [0.5, 0.05], sigma: [3, 0.5], rng });
  assert.ok(qe.at(-1)! < qe[0], `quantisation error falls: ${qe[0]} -> ${qe.at(-1)}`);
  const mapped = som.map(test.m0, 100, 0, 1);
  const mean = train.m1.reduce((s, v) => s + v, 0) / 300;
  const err = mapped.reduce((s, v, i) => s + Math.abs(v - test.m1[i]), 0) / 100;
  const base = test.m1.reduce((s, v) => s + Math.abs(mean - v), 0) / 100;
  assert.ok(err < base / 3, `m0 -> m1 error ${err} vs mean predictor ${base}`);
  const back = som.map(test.m1, 100, 1, 0);
  const err0 = back.reduce((s, v, i) => s + Math.abs(v - test.m0[i]), 0) / 200;
  assert.ok(err0 < 0.1, `m1 -> m0 error ${err0}`);
  assert.equal(som.bytes, 8 * 3 * 4);
});

test('a mini-batch update is the average of the single-item updates (eq. 5)', () => {
  const x = [Float32Array.from([0, 1]), Float32Array.from([1, 0])];
  const one = (rows: number[]): Float32Array[] => {
    const som = new MultimodalSom(1, 1, [1, 1]);
    som.weights[0][0] = 0.5;
    som.weights[1][0] = 0.5;
    const data = [Float32Array.from(rows.map((r) => x[0][r])), Float32Array.from(rows.map((r) => x[1][r]))];
    som.train(data, rows.length, { epochs: 1, batchSize: rows.length, learningRate: [0.2, 0.2], sigma: [1, 1], rng: new Rng(0) });
    return som.weights;
  };
  // Samples (0, 1) and (1, 0) pull a lone neuron by equal and opposite amounts: it stays put.
  const both = one([0, 1]);
  assert.ok(Math.abs(both[0][0] - 0.5) < 1e-7 && Math.abs(both[1][0] - 0.5) < 1e-7);
  const single = one([0]);
  assert.ok(Math.abs(single[0][0] - 0.4) < 1e-7 && Math.abs(single[1][0] - 0.6) < 1e-7, 'one sample moves it 20% of the way');
});

test('the SOM names bad shapes', () => {
  assert.throws(() => new MultimodalSom(0, 2, [1]), /grid must be positive integers/);
  assert.throws(() => new MultimodalSom(2, 2, [1, 2], [1]), /one positive influence factor per modality/);
  const som = new MultimodalSom(2, 2, [2, 1]);
  assert.throws(() => som.map(new Float32Array(3), 2, 0, 1), /3 values, expected 2 x 2 for modality 0/);
  assert.throws(() => som.initFromSamples([new Float32Array(4)], 2, new Rng(1)), /1 modalities given, the map has 2/);
});
