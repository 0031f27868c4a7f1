import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../core/index.js';
import { clipToBounds } from './clipToBounds.js';
import { NON_FINITE_COST, rankableCosts, rolloutCost } from './cost.js';
import type { CostSpec } from './cost.js';
import { costEngineFor } from './costEngineFor.js';
import { fillGaussian } from './fillGaussian.js';
import type { LatentDynamics, RolloutCostEngine } from './LatentDynamics.js';
import type { LatentInput, PlannerConfig, PlanResult } from './Planner.js';
import { validatePlanInputs } from './validatePlanInputs.js';

/** How the elites are weighted when refitting the sampling distribution. */
export type EliteWeighting = 'cem' | 'mppi';

// Type aliases rather than interfaces: tf.tidy accepts them as tensor containers.
type Best = {
  bestCost: tf.Scalar;
  bestSeq: tf.Tensor2D;
};

type SearchState = Best & {
  mean: tf.Tensor2D;
  std: tf.Tensor2D;
  /** The last iteration's cheapest sequences and costs, when config.keepElites asks for them. */
  kept?: { seqs: tf.Tensor3D; costs: tf.Tensor1D };
};

/**
 * The sampling MPC loop shared by CEM and MPPI, after TD-MPC2's `_plan`: sample sequences
 * around a mean, score them through the model, keep the elites, refit mean and std (uniform
 * weights for CEM, exponential in cost for MPPI), clamp, repeat. Sample 0 of each iteration is
 * the current mean itself. The final mean is scored too; with plan.select `mean` it is the
 * plan, with `best` the cheapest sequence seen is (never worse than the warm start).
 *
 * Noise comes from `rng` on the JS side, so a seed fixes the plan on every backend. Everything
 * else stays in tensors; the result is read once at the end. Where the process chose
 * onnxruntime for planning (costEngineFor), the samples' rollouts and costs run there.
 */
export function samplingPlanner(
  weighting: EliteWeighting,
  model: LatentDynamics,
  start: LatentInput,
  goal: LatentInput,
  config: PlannerConfig,
  rng: Rng,
  warmStart?: ArrayLike<number>,
): PlanResult {
  const t0 = performance.now();
  const p = validatePlanInputs(weighting, model, start, goal, config, warmStart);
  const { plan, horizon: H, actionDim: A, latentDim: D } = p;
  const S = plan.samples;
  const K = plan.elites;
  const keep = Math.min(K, config.keepElites ?? 0);

  const consts = tf.tidy(() => ({
    start: tf.tensor2d(p.start, [1, D]),
    goal: tf.tensor2d(p.goal, [1, D]),
    low: tf.tensor1d(Float32Array.from(p.low)),
    high: tf.tensor1d(Float32Array.from(p.high)),
    minStd: tf.tensor1d(p.half.map((h) => h * plan.minStd)),
    maxStd: tf.tensor1d(p.half.map((h) => h * plan.initStd)),
  }));
  const clip = (x: tf.Tensor): tf.Tensor => tf.minimum(tf.maximum(x, consts.low), consts.high);

  let mean: tf.Tensor2D = tf.tensor2d(p.initial, [H, A]);
  let std: tf.Tensor2D = tf.tidy(() => tf.add(tf.zeros([H, A]), consts.maxStd) as tf.Tensor2D);
  let best: Best | undefined;
  let keptElites: { seqs: tf.Tensor3D; costs: tf.Tensor1D } | undefined;
  const noise = new Float32Array(S * H * A);
  const engine = costEngineFor(model);
  const score = (samples: tf.Tensor3D): tf.Tensor1D => scoreSamples(engine, model, consts.start, consts.goal, p.start, p.goal, samples, p.costSpec);
  try {
    for (let it = 0; it < plan.iterations; it++) {
      fillGaussian(rng, noise);
      noise.fill(0, 0, H * A);
      const m = mean;
      const s = std;
      const prev = best;
      const next = tf.tidy((): SearchState => {
        const samples = clip(tf.add(m, tf.mul(s, tf.tensor3d(noise, [S, H, A])))) as tf.Tensor3D;
        const costs = rankableCosts(score(samples));
        // topk of the negated costs: elites sorted from the cheapest.
        const top = tf.topk(tf.neg(costs), K);
        const eliteCosts = tf.neg(top.values) as tf.Tensor1D;
        const elites = tf.gather(samples, top.indices);
        const weights = weighting === 'cem' ? tf.fill([K], 1 / K) : mppiWeights(eliteCosts, plan.temperature);
        const w = tf.reshape(weights, [K, 1, 1]);
        const eliteMean = tf.sum(tf.mul(w, elites), 0);
        const eliteVar = tf.sum(tf.mul(w, tf.square(tf.sub(elites, eliteMean))), 0);
        const newMean = tf.add(tf.mul(m, plan.momentum), tf.mul(eliteMean, 1 - plan.momentum));
        const newStd = tf.minimum(tf.maximum(tf.sqrt(eliteVar), consts.minStd), consts.maxStd);
        const cost0 = tf.reshape(tf.slice(eliteCosts, [0], [1]), []) as tf.Scalar;
        const seq0 = tf.reshape(tf.slice(elites, [0, 0, 0], [1, H, A]), [H, A]) as tf.Tensor2D;
        const kept = prev === undefined ? { bestCost: cost0, bestSeq: seq0 } : keepBetter(prev, cost0, seq0);
        const last = it === plan.iterations - 1 && keep > 0;
        const elitesKept = last
          ? { kept: { seqs: tf.slice(elites, [0, 0, 0], [keep, H, A]) as tf.Tensor3D, costs: tf.slice(eliteCosts, [0], [keep]) as tf.Tensor1D } }
          : {};
        return { mean: newMean as tf.Tensor2D, std: newStd as tf.Tensor2D, ...kept, ...elitesKept };
      });
      if (next.kept !== undefined) keptElites = next.kept;
      tf.dispose([m, s]);
      if (prev !== undefined) tf.dispose([prev.bestCost, prev.bestSeq]);
      mean = next.mean;
      std = next.std;
      best = { bestCost: next.bestCost, bestSeq: next.bestSeq };
    }
    // Score the final mean as well: it is usually better than any single sample.
    const m = mean;
    const b = best;
    if (b === undefined) throw new Error(`${weighting}: no iteration ran`);
    const final = tf.tidy(() => {
      const seq = clip(m) as tf.Tensor2D;
      const cost = tf.reshape(score(tf.reshape(seq, [1, H, A]) as tf.Tensor3D), []) as tf.Scalar;
      if (plan.select === 'mean') return { cost: cost.dataSync()[0], actions: Float32Array.from(seq.dataSync()) };
      const better = keepBetter(b, cost, seq);
      return { cost: better.bestCost.dataSync()[0], actions: Float32Array.from(better.bestSeq.dataSync()) };
    });
    if (!(final.cost < NON_FINITE_COST)) {
      throw new RangeError(`${weighting}: the predicted cost of every sampled sequence is NaN or infinite; the model produced non-finite latents`);
    }
    clipToBounds(final.actions, p.low, p.high);
    const elites = keptElites === undefined ? {} : { elites: { actions: Float32Array.from(keptElites.seqs.dataSync()), costs: Float32Array.from(keptElites.costs.dataSync()) } };
    return {
      ...elites,
      planner: weighting,
      actions: final.actions,
      firstAction: final.actions.slice(0, A),
      cost: final.cost,
      planningMs: performance.now() - t0,
      iterations: plan.iterations,
      horizon: H,
      actionDim: A,
      predictions: (S * plan.iterations + 1) * H * plan.actionRepeat,
    };
  } finally {
    tf.dispose([mean, std]);
    if (best !== undefined) tf.dispose([best.bestCost, best.bestSeq]);
    if (keptElites !== undefined) tf.dispose([keptElites.seqs, keptElites.costs]);
    tf.dispose(consts);
  }
}

/** Costs [S] of samples [S, H, A]: on the cost engine when there is one that covers the spec, else rolloutCost on tfjs. */
function scoreSamples(
  engine: RolloutCostEngine | undefined,
  model: LatentDynamics,
  start: tf.Tensor,
  goal: tf.Tensor,
  startValues: Float32Array,
  goalValues: Float32Array,
  samples: tf.Tensor3D,
  spec: CostSpec,
): tf.Tensor1D {
  if (engine !== undefined) {
    const [S, H] = samples.shape;
    const fast = engine.rolloutCosts(startValues, goalValues, samples.dataSync() as Float32Array, S, H, spec);
    if (fast !== undefined) return tf.tensor1d(fast);
  }
  return rolloutCost(model, start, goal, samples, spec);
}

/**
 * exp(-(c - c_min) / (temperature * spread)), normalised; the spread of the elite costs sets
 * the scale, so the temperature does not need retuning as the latent scale drifts.
 */
function mppiWeights(eliteCosts: tf.Tensor1D, temperature: number): tf.Tensor1D {
  const K = eliteCosts.shape[0];
  const cMin = tf.slice(eliteCosts, [0], [1]);
  const spread = tf.sub(tf.slice(eliteCosts, [K - 1], [1]), cMin);
  const scores = tf.exp(tf.neg(tf.div(tf.sub(eliteCosts, cMin), tf.add(tf.mul(spread, temperature), 1e-12))));
  return tf.div(scores, tf.sum(scores)) as tf.Tensor1D;
}

/** The cheaper of the best so far and a candidate, without reading anything back. */
function keepBetter(prev: Best, cost: tf.Scalar, seq: tf.Tensor2D): Best {
  const better = tf.cast(tf.less(cost, prev.bestCost), 'float32');
  const worse = tf.sub(1, better);
  return {
    bestCost: tf.add(tf.mul(better, cost), tf.mul(worse, prev.bestCost)) as tf.Scalar,
    bestSeq: tf.add(tf.mul(better, seq), tf.mul(worse, prev.bestSeq)) as tf.Tensor2D,
  };
}
