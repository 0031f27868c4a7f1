import * as tf from '@tensorflow/tfjs';

/**
 * Loss terms of the JEPA world model, as functions of tensors. Row weights ([n, 1], 0 or 1
 * for "row present") let every statistic skip frames where a modality was missing.
 */

/** Weighted batch mean and centred rows of x [n, D]; rows of weight 0 are ignored. */
function weightedCentre(x: tf.Tensor2D, rowWeight?: tf.Tensor2D): { centred: tf.Tensor2D; n: tf.Scalar } {
  if (rowWeight === undefined) {
    return { centred: tf.sub(x, tf.mean(x, 0, true)), n: tf.scalar(x.shape[0]) };
  }
  const n = tf.sum(rowWeight) as tf.Scalar;
  const mean = tf.div(tf.sum(tf.mul(x, rowWeight), 0, true), tf.maximum(n, 1));
  return { centred: tf.mul(tf.sub(x, mean), rowWeight), n };
}

/**
 * VICReg variance term: mean over dimensions of relu(gamma - std_d), std over the batch
 * (unbiased, + eps inside the root so the gradient stays finite at zero spread).
 */
export function varianceLoss(x: tf.Tensor2D, rowWeight?: tf.Tensor2D, gamma = 1, eps = 1e-4): tf.Scalar {
  return tf.tidy(() => {
    const { centred, n } = weightedCentre(x, rowWeight);
    const variance = tf.div(tf.sum(tf.square(centred), 0), tf.maximum(tf.sub(n, 1), 1));
    return tf.mean(tf.relu(tf.sub(gamma, tf.sqrt(tf.add(variance, eps))))) as tf.Scalar;
  });
}

/** VICReg covariance term: sum of squared off-diagonal covariances, divided by D. */
export function covarianceLoss(x: tf.Tensor2D, rowWeight?: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const d = x.shape[1];
    const { centred, n } = weightedCentre(x, rowWeight);
    const cov = tf.div(tf.matMul(centred, centred, true, false), tf.maximum(tf.sub(n, 1), 1));
    const offDiagonal = tf.sub(tf.sum(tf.square(cov)), tf.sum(tf.square(tf.mul(cov, tf.eye(d)))));
    return tf.div(offDiagonal, d) as tf.Scalar;
  });
}

/** Per-row mean squared error over the last axis: [n, D] x [n, D] -> [n]. */
export function rowSquaredError(a: tf.Tensor, b: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(a, b)), -1) as tf.Tensor1D);
}

/** Per-row mean absolute error over the last axis: [n, D] x [n, D] -> [n]. */
export function rowAbsoluteError(a: tf.Tensor, b: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(a, b)), -1) as tf.Tensor1D);
}

/** Weighted mean of per-row values [n] with weights [n]; 0 when all weights are 0. */
export function weightedMean(values: tf.Tensor1D, weights: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.div(tf.sum(tf.mul(values, weights)), tf.maximum(tf.sum(weights), 1e-12)) as tf.Scalar);
}

/** Per-dimension std over the batch of x [n, D], averaged over dimensions: a collapse monitor. */
export function meanStd(x: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.sqrt(tf.moments(x, 0).variance)) as tf.Scalar);
}
