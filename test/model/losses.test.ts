import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { covarianceLoss, meanStd, rowSquaredError, varianceLoss, weightedMean } from '../../src/model/index.js';
import { assertNoLeak, useTestBackend } from './fixtures.js';

before(useTestBackend);

const scalar = (t: tf.Scalar): number => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

test('VICReg variance: zero when every std >= 1, the hinge gamma - std below it', () => {
  // Column 0 has std 2 (unbiased), column 1 has std 0.5: only column 1 is below the hinge.
  const x = tf.tensor2d([[-2, -0.5], [2, 0.5], [0, 0]]);
  const expected = (0 + (1 - Math.sqrt(0.25 + 1e-4))) / 2;
  assert.ok(Math.abs(scalar(varianceLoss(x)) - expected) < 1e-5);
  const collapsed = tf.ones([5, 4]) as tf.Tensor2D;
  assert.ok(Math.abs(scalar(varianceLoss(collapsed)) - (1 - 0.01)) < 1e-5, 'constant embeddings: 1 - sqrt(eps)');
  tf.dispose([x, collapsed]);
});

test('VICReg covariance: zero for uncorrelated columns, sum of squared off-diagonals / D otherwise', () => {
  const uncorrelated = tf.tensor2d([[1, 1], [1, -1], [-1, 1], [-1, -1]]);
  assert.ok(Math.abs(scalar(covarianceLoss(uncorrelated))) < 1e-6);
  const same = tf.tensor2d([[1, 1], [-1, -1], [1, 1], [-1, -1]]);
  // cov(x, x) = 4/3 off the diagonal twice, / D = 2.
  assert.ok(Math.abs(scalar(covarianceLoss(same)) - (2 * (4 / 3) ** 2) / 2) < 1e-5);
  tf.dispose([uncorrelated, same]);
});

test('rows of weight 0 do not count in either statistic', () => {
  const x = tf.tensor2d([[1, 1], [1, -1], [-1, 1], [-1, -1], [100, 100]]);
  const w = tf.tensor2d([1, 1, 1, 1, 0], [5, 1]);
  const head = tf.slice(x, [0, 0], [4, -1]) as tf.Tensor2D;
  assertNoLeak('masked losses', () => {
    assert.ok(Math.abs(scalar(varianceLoss(x, w)) - scalar(varianceLoss(head))) < 1e-6);
    assert.ok(Math.abs(scalar(covarianceLoss(x, w)) - scalar(covarianceLoss(head))) < 1e-6);
  });
  tf.dispose([x, w, head]);
});

test('row errors, weighted means and the std monitor', () => {
  const a = tf.tensor2d([[0, 0], [1, 1]]);
  const b = tf.tensor2d([[2, 0], [1, 4]]);
  const rows = rowSquaredError(a, b);
  assert.deepEqual(Array.from(rows.dataSync()), [2, 4.5]);
  assert.equal(scalar(weightedMean(rows, tf.tensor1d([1, 0]))), 2);
  assert.equal(scalar(weightedMean(rows, tf.tensor1d([0, 0]))), 0, 'no weight: 0, not NaN');
  assert.ok(Math.abs(scalar(meanStd(b)) - (0.5 + 2) / 2) < 1e-6);
  tf.dispose([a, b, rows]);
});
