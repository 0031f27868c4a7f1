import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/index.js';
import { fillGaussian } from '../../src/plan/fillGaussian.js';

test('fillGaussian draws standard normals: mean, variance and tails', () => {
  const x = fillGaussian(new Rng(1), new Float32Array(200001));
  let sum = 0;
  let sq = 0;
  let beyond2 = 0;
  for (const v of x) {
    sum += v;
    sq += v * v;
    if (Math.abs(v) > 2) beyond2++;
  }
  const mean = sum / x.length;
  const variance = sq / x.length - mean * mean;
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.02, `variance ${variance}`);
  // P(|z| > 2) = 4.55%
  assert.ok(Math.abs(beyond2 / x.length - 0.0455) < 0.003, `tail ${beyond2 / x.length}`);
  assert.ok(x.every(Number.isFinite));
});

test('fillGaussian scales by std and is reproducible from the seed', () => {
  const a = fillGaussian(new Rng(7), new Float32Array(9), 0.5);
  const b = fillGaussian(new Rng(7), new Float32Array(9), 0.5);
  const c = fillGaussian(new Rng(8), new Float32Array(9), 0.5);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  const unit = fillGaussian(new Rng(7), new Float32Array(9));
  unit.forEach((v, i) => assert.ok(Math.abs(a[i] - 0.5 * v) < 1e-6));
});
