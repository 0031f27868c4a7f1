import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/core/Rng.js';
import { cholesky, choleskySolve, fitRidge } from '../../../src/eval/common/ridge.js';

function linearData(n: number, d: number, noise: number, seed: number): { x: Float64Array; y: Float64Array; w: number[] } {
  const rng = new Rng(seed);
  const w = Array.from({ length: d }, () => rng.normal());
  const x = rng.fillNormal(new Float64Array(n * d));
  const y = new Float64Array(n).map((_, i) => 2 + w.reduce((s, wj, j) => s + wj * x[i * d + j], 0) + noise * rng.normal());
  return { x, y, w };
}

test('ridge recovers a linear map with its intercept (primal, d <= n)', () => {
  const { x, y, w } = linearData(200, 5, 0.01, 1);
  const m = fitRidge(x, 200, 5, y, 1);
  w.forEach((wj, j) => assert.ok(Math.abs(m.weights[j] - wj) < 0.02, `w${j} ${m.weights[j]} vs ${wj}`));
  assert.ok(Math.abs(m.bias[0] - 2) < 0.02);
  assert.ok(m.lambda <= 1e-2 * 5 * 1.5, `little noise: a small penalty is chosen (${m.lambda})`);
  assert.ok(Math.abs(m.predict([1, 0, 0, 0, 0], 1)[0] - (2 + w[0])) < 0.03);
});

test('ridge in the dual (d > n) fits its few rows and generalises along the data', () => {
  const { x, y } = linearData(8, 20, 0, 2);
  const dual = fitRidge(x, 8, 20, y, 1, { alphas: [1e-3] });
  assert.equal(dual.weights.length, 20);
  const res = dual.predict(x, 8).reduce((s, p, i) => s + (p - y[i]) ** 2, 0) / 8;
  assert.ok(res < 1e-3, `fits its rows (${res})`);
  // A strong penalty shrinks toward the mean of y.
  const flat = fitRidge(x, 8, 20, y, 1, { alphas: [1e6] });
  const mean = y.reduce((s, v) => s + v, 0) / 8;
  assert.ok(Math.abs(flat.predict(x, 8)[0] - mean) < 1e-3);
});

test('noisy targets get a larger penalty than clean ones (leave-one-out and grouped CV)', () => {
  const clean = linearData(60, 10, 0.01, 3);
  const noisy = linearData(60, 10, 5, 3);
  assert.ok(fitRidge(noisy.x, 60, 10, noisy.y, 1).lambda > fitRidge(clean.x, 60, 10, clean.y, 1).lambda);
  const groups = Int32Array.from({ length: 60 }, (_, i) => Math.floor(i / 6));
  assert.ok(fitRidge(noisy.x, 60, 10, noisy.y, 1, { groups }).lambda > fitRidge(clean.x, 60, 10, clean.y, 1, { groups }).lambda);
});

test('ridge and cholesky name bad inputs', () => {
  assert.throws(() => fitRidge([1, 2, 3], 2, 2, [1, 2], 1), /x has 3 values, expected 2 x 2/);
  assert.throws(() => fitRidge([1, 2, 3, 4], 2, 2, [1], 1), /y has 1 values, expected 2 x 1/);
  assert.throws(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2), /not positive definite at row 1/);
  const l = cholesky(Float64Array.from([4, 2, 2, 3]), 2);
  assert.deepEqual(Array.from(choleskySolve(l, 2, Float64Array.from([6, 5]), 1)).map((v) => +v.toFixed(9)), [1, 1]);
});
