// Planning latency of CEM, MPPI and the gradient planner through a small MLP predictor on the
// wasm backend with the model layer's kernel fixes, as the product runs it (--no-fixes: the
// shipped kernels). Run: node dist/bench/planners.js [--no-fixes] ; prints one JSON object.
// BENCH_PLANS (default 20) plans are timed per planner after 3 warm-up plans, each
// warm-started from the previous one as in the control loop.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Rng, planConfigSchema } from '../src/core/index.js';
import type { PlanConfig } from '../src/core/index.js';
import { installWasmKernelFixes } from '../src/model/engine/index.js';
import type { LatentDynamics, Planner } from '../src/plan/index.js';
import { getPlanner, plannerConfig } from '../src/plan/index.js';

const LATENT = 128;
const HIDDEN = 256;
const ACTION = 4;

/** s' = s + W2 relu(W1 [s, a] + b1) + b2: a residual one-hidden-layer MLP with seeded weights. */
class MlpPredictor implements LatentDynamics {
  readonly latentDim = LATENT;
  readonly actionDim = ACTION;
  readonly #params: tf.Tensor[];

  constructor(rng: Rng) {
    const dense = (fanIn: number, fanOut: number): tf.Tensor2D =>
      tf.tensor2d(rng.fillNormal(new Float32Array(fanIn * fanOut), 0, 1 / Math.sqrt(fanIn)), [fanIn, fanOut]);
    this.#params = [dense(LATENT + ACTION, HIDDEN), tf.zeros([HIDDEN]), dense(HIDDEN, LATENT), tf.zeros([LATENT])];
  }

  predict(states: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor2D {
    const [w1, b1, w2, b2] = this.#params;
    return tf.tidy(() => {
      const h = tf.relu(tf.add(tf.matMul(tf.concat([states, actions], 1), w1 as tf.Tensor2D), b1));
      return tf.add(states, tf.add(tf.matMul(h, w2 as tf.Tensor2D), b2));
    });
  }

  dispose(): void {
    tf.dispose(this.#params);
  }
}

interface Timing {
  samples: number;
  horizon: number;
  iterations: number;
  predictions: number;
  plan_ms_median: number;
  plan_ms_p90: number;
  plan_ms_min: number;
}

function timePlanner(planner: Planner, model: LatentDynamics, plan: PlanConfig, plans: number): Timing {
  const rng = new Rng(1);
  const stateRng = new Rng(2);
  const cfg = plannerConfig(plan, { low: new Float32Array(ACTION).fill(-1), high: new Float32Array(ACTION).fill(1) });
  const goal = stateRng.fillNormal(new Float32Array(LATENT));
  let warm: Float32Array | undefined;
  const times: number[] = [];
  let predictions = 0;
  for (let i = 0; i < plans + 3; i++) {
    const start = stateRng.fillNormal(new Float32Array(LATENT));
    const result = planner(model, start, goal, cfg, rng, warm);
    warm = result.actions;
    predictions = result.predictions;
    if (i >= 3) times.push(result.planningMs);
  }
  times.sort((a, b) => a - b);
  const at = (q: number): number => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] * 10) / 10;
  const gradient = plan.planner === 'gradient';
  return {
    samples: gradient ? plan.gradientSamples : plan.samples,
    horizon: plan.horizon,
    iterations: gradient ? plan.gradientSteps : plan.iterations,
    predictions,
    plan_ms_median: at(0.5),
    plan_ms_p90: at(0.9),
    plan_ms_min: at(0),
  };
}

/** The predictor alone for the same rows as one CEM plan: the floor under the planner's time (median, min). */
function timeModelOnly(model: LatentDynamics, plan: PlanConfig, repeats: number): { median: number; min: number } {
  const rng = new Rng(3);
  const s = tf.tensor2d(rng.fillNormal(new Float32Array(plan.samples * LATENT)), [plan.samples, LATENT]);
  const a = tf.tensor2d(rng.fillNormal(new Float32Array(plan.samples * ACTION)), [plan.samples, ACTION]);
  const times: number[] = [];
  for (let r = 0; r < repeats + 2; r++) {
    const t0 = performance.now();
    tf.tidy(() => {
      let x = s;
      for (let k = 0; k < plan.horizon * plan.iterations; k++) x = model.predict(x, a);
      x.dataSync();
    });
    if (r >= 2) times.push(performance.now() - t0);
  }
  tf.dispose([s, a]);
  times.sort((p, q) => p - q);
  const round = (x: number): number => Math.round(x * 10) / 10;
  return { median: round(times[Math.floor(times.length / 2)]), min: round(times[0]) };
}

const fixes = !process.argv.includes('--no-fixes');
await tf.setBackend('wasm');
const kernelFixes = fixes ? installWasmKernelFixes() : [];
const plans = Number(process.env.BENCH_PLANS ?? 20);
const model = new MlpPredictor(new Rng(0));
const tensorsBefore = tf.memory().numTensors;
const base = planConfigSchema.parse({});
const result = {
  backend: tf.getBackend(),
  kernel_fixes: kernelFixes,
  predictor: `residual MLP [${LATENT}+${ACTION}] -> ${HIDDEN} relu -> ${LATENT}`,
  model_only_ms: timeModelOnly(model, base, plans),
  note: 'model_only_ms: the same 512 x 8 x 4 rows through predict alone, the floor under a CEM/MPPI plan',
  cem: timePlanner(getPlanner('cem'), model, { ...base, planner: 'cem' }, plans),
  mppi: timePlanner(getPlanner('mppi'), model, { ...base, planner: 'mppi' }, plans),
  gradient: timePlanner(getPlanner('gradient'), model, { ...base, planner: 'gradient' }, plans),
  leaked_tensors: tf.memory().numTensors - tensorsBefore,
};
model.dispose();
console.log(JSON.stringify(result));
