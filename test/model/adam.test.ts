import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Rng } from '../../src/core/index.js';
import { Adam } from '../../src/model/adam.js';
import { installWasmKernelFixes } from '../../src/model/engine/index.js';

const rng = new Rng('adam');
const SHAPES = [[3, 4], [7], [2, 3, 5]];
const STEPS = 4;

/** Seeded variables and, per step, gradients and a clip scale. */
function problem(): { init: Float32Array[]; grads: Float32Array[][]; scales: number[] } {
  const size = (s: number[]): number => s.reduce((p, d) => p * d, 1);
  return {
    init: SHAPES.map((s) => rng.fillNormal(new Float32Array(size(s)))),
    grads: Array.from({ length: STEPS }, (_, k) => SHAPES.map((s) => rng.fillNormal(new Float32Array(size(s)), 0, 10 ** (k - 2)))),
    scales: [1, 0.37, 1, 0.05],
  };
}

/** The values after each step, with tf.train.adam on pre-scaled gradients (the old trainer) or ours. */
function run(p: ReturnType<typeof problem>, which: 'tfjs' | 'ours'): Float32Array[][] {
  const vars = p.init.map((v, i) => tf.variable(tf.tensor(v, SHAPES[i])));
  const tfAdam = tf.train.adam(0.01);
  const ours = new Adam(0.01);
  const out: Float32Array[][] = [];
  for (let k = 0; k < STEPS; k++) {
    tf.tidy(() => {
      const grads = p.grads[k].map((g, i) => tf.tensor(g, SHAPES[i]));
      const scale = tf.scalar(p.scales[k]);
      if (which === 'tfjs') tfAdam.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: tf.mul(grads[i], scale) })));
      else ours.applyGradients(vars.map((variable, i) => ({ variable, gradient: grads[i] })), scale);
    });
    out.push(vars.map((v) => Float32Array.from(v.dataSync())));
  }
  tfAdam.dispose();
  ours.dispose();
  tf.dispose(vars);
  return out;
}

describe('Adam', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    test(`on ${backend}: the same values as tf.train.adam on clipped gradients, step after step`, async () => {
      await tf.setBackend(backend);
      if (backend === 'wasm') installWasmKernelFixes();
      const p = problem();
      const expected = run(p, 'tfjs');
      const actual = run(p, 'ours');
      for (let k = 0; k < STEPS; k++) {
        actual[k].forEach((values, i) => assert.deepEqual(values, expected[k][i], `step ${k + 1}, variable ${i}`));
      }
    });
  }

  test('moments are made once, freed by dispose, and a variable without a gradient stays put', async () => {
    await tf.setBackend('wasm');
    const a = tf.variable(tf.ones([4]));
    const b = tf.variable(tf.ones([2]));
    const adam = new Adam(0.1);
    const step = (): void =>
      tf.tidy(() => adam.applyGradients([{ variable: a, gradient: tf.fill([4], 2) }], tf.scalar(1)));
    const before = tf.memory().numTensors;
    step();
    const withMoments = tf.memory().numTensors;
    assert.equal(withMoments, before + 2, 'two moments for the one variable updated');
    step();
    assert.equal(tf.memory().numTensors, withMoments, 'a second step leaks nothing');
    assert.ok(a.dataSync().every((x) => x < 1));
    assert.deepEqual(Array.from(b.dataSync()), [1, 1]);
    adam.dispose();
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([a, b]);
  });
});
