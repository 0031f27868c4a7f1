import * as tf from '@tensorflow/tfjs';
import { clipToBounds } from './clipToBounds.js';
import { NON_FINITE_COST, rankableCosts, rolloutCost } from './cost.js';
import { fillGaussian } from './fillGaussian.js';
import type { Planner } from './Planner.js';
import { validatePlanInputs } from './validatePlanInputs.js';

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPS = 1e-8;

// A type alias rather than an interface: tf.tidy accepts it as a tensor container.
type Best = {
  cost: tf.Scalar;
  seq: tf.Tensor2D;
};

type Step = Best & {
  u: tf.Tensor3D;
  m: tf.Tensor3D;
  v: tf.Tensor3D;
};

/**
 * Gradient-based MPC: descend the cost through the predictor w.r.t. the action sequences,
 * projected back into the bounds after every step. `gradientSamples` sequences run in
 * parallel (sample 0 is the warm start, the others perturbations of it drawn from `rng`),
 * which guards against poor local minima at the price of a wider batch.
 *
 * Actions are optimised in half-range units around the centre of the bounds, so the learning
 * rate means the same for joint and end-effector spaces, and projection is a clip to [-1, 1].
 * Adam is written out here rather than taken from `tf.train`, whose optimisers hold named
 * variables: a pure function must leave nothing behind. Budget: gradientSamples x horizon x
 * (gradientSteps + 1) predictions, each step with its backward pass.
 */
export const gradientPlanner: Planner = (model, start, goal, config, rng, warmStart) => {
  const t0 = performance.now();
  const p = validatePlanInputs('gradient', model, start, goal, config, warmStart);
  const { plan, horizon: H, actionDim: A, latentDim: D } = p;
  const S = plan.gradientSamples;
  const lr = plan.gradientLr;

  const center = Float32Array.from(p.low, (lo, i) => (lo + p.high[i]) / 2);
  const u0 = new Float32Array(S * H * A);
  for (let i = 0; i < S * H * A; i++) {
    const c = i % A;
    u0[i] = (p.initial[i % (H * A)] - center[c]) / p.half[c];
  }
  // Perturb every sample but the first, in the same half-range units as the sampling planners.
  const noise = fillGaussian(rng, new Float32Array((S - 1) * H * A), plan.initStd);
  for (let i = 0; i < noise.length; i++) u0[H * A + i] = Math.min(1, Math.max(-1, u0[H * A + i] + noise[i]));

  const consts = tf.tidy(() => ({
    start: tf.tensor2d(p.start, [1, D]),
    goal: tf.tensor2d(p.goal, [1, D]),
    center: tf.tensor1d(center),
    half: tf.tensor1d(p.half),
  }));
  const toActions = (u: tf.Tensor): tf.Tensor3D => tf.add(consts.center, tf.mul(consts.half, u)) as tf.Tensor3D;
  const costOf = (u: tf.Tensor): tf.Tensor1D => rolloutCost(model, consts.start, consts.goal, toActions(u), p.costSpec);

  let u: tf.Tensor3D = tf.tensor3d(u0, [S, H, A]);
  let m: tf.Tensor3D = tf.zeros([S, H, A]);
  let v: tf.Tensor3D = tf.zeros([S, H, A]);
  let best: Best | undefined;
  try {
    // A forward pass of the warm start alone, off the gradient tape: a model that fails fails
    // here, where tf.tidy frees everything (tensors kept for a backward pass would leak).
    tf.tidy(() => {
      costOf(tf.slice(u, [0, 0, 0], [1, H, A]));
    });
    for (let step = 1; step <= plan.gradientSteps; step++) {
      const [uu, mm, vv, prev] = [u, m, v, best];
      const next = tf.tidy((): Step => {
        // The value is [S]; its implicit upstream gradient of ones differentiates the sum,
        // whose gradient w.r.t. each sequence is that sequence's own gradient.
        const { value, grad } = tf.valueAndGrad(costOf)(uu);
        const kept = keepCheapest(rankableCosts(value), uu, prev);
        let delta: tf.Tensor;
        let m2: tf.Tensor3D = mm;
        let v2: tf.Tensor3D = vv;
        if (plan.gradientOptimizer === 'adam') {
          m2 = tf.add(tf.mul(mm, ADAM_BETA1), tf.mul(grad, 1 - ADAM_BETA1)) as tf.Tensor3D;
          v2 = tf.add(tf.mul(vv, ADAM_BETA2), tf.mul(tf.square(grad), 1 - ADAM_BETA2)) as tf.Tensor3D;
          const mHat = tf.div(m2, 1 - ADAM_BETA1 ** step);
          const vHat = tf.div(v2, 1 - ADAM_BETA2 ** step);
          delta = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), ADAM_EPS)), lr);
        } else {
          delta = tf.mul(grad, lr);
        }
        const u2 = tf.clipByValue(tf.sub(uu, delta), -1, 1) as tf.Tensor3D;
        return { u: u2, m: tf.clone(m2), v: tf.clone(v2), ...kept };
      });
      tf.dispose([uu, mm, vv]);
      if (prev !== undefined) tf.dispose([prev.cost, prev.seq]);
      u = next.u;
      m = next.m;
      v = next.v;
      best = { cost: next.cost, seq: next.seq };
    }
    const [uu, prev] = [u, best];
    const final = tf.tidy(() => {
      const kept = keepCheapest(rankableCosts(costOf(uu)), uu, prev);
      return {
        cost: kept.cost.dataSync()[0],
        actions: Float32Array.from(toActions(kept.seq).dataSync()),
      };
    });
    if (!(final.cost < NON_FINITE_COST)) {
      throw new RangeError('gradient: the predicted cost of every sequence is NaN or infinite; the model produced non-finite latents or gradients');
    }
    // Half-range arithmetic can land a hair outside a bound in float32.
    clipToBounds(final.actions, p.low, p.high);
    return {
      planner: 'gradient',
      actions: final.actions,
      firstAction: final.actions.slice(0, A),
      cost: final.cost,
      planningMs: performance.now() - t0,
      iterations: plan.gradientSteps,
      horizon: H,
      actionDim: A,
      predictions: (S * (plan.gradientSteps + 1) + 1) * H * plan.actionRepeat,
    };
  } finally {
    tf.dispose([u, m, v]);
    if (best !== undefined) tf.dispose([best.cost, best.seq]);
    tf.dispose(consts);
  }
};

/** The cheapest of `costs` [S] with its sequence (in half-range units), or `prev` if cheaper. */
function keepCheapest(costs: tf.Tensor1D, u: tf.Tensor3D, prev: Best | undefined): Best {
  const [, H, A] = u.shape;
  const i = tf.argMin(costs);
  const cost = tf.reshape(tf.gather(costs, i), []) as tf.Scalar;
  const seq = tf.reshape(tf.gather(u, i), [H, A]) as tf.Tensor2D;
  if (prev === undefined) return { cost, seq };
  const better = tf.cast(tf.less(cost, prev.cost), 'float32');
  const worse = tf.sub(1, better);
  return {
    cost: tf.add(tf.mul(better, cost), tf.mul(worse, prev.cost)) as tf.Scalar,
    seq: tf.add(tf.mul(better, seq), tf.mul(worse, prev.seq)) as tf.Tensor2D,
  };
}
