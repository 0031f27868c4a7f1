// The onnxruntime planning path against the tfjs one on a real world model (the default config:
// four modalities, gated fusion, MLP predictor, proprio and object heads) with non-trivial
// weights and normaliser statistics: every cost term, the learner's weight updates applied
// without a new graph, and whole CEM plans. Skips where onnxruntime-node is not installed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { planConfigSchema, Rng } from '../../src/core/index.js';
import { WorldModel } from '../../src/model/index.js';
import { loadOnnxRuntime, selectPlanningEngine } from '../../src/model/onnx/index.js';
import { cem, mppi, rolloutCost, rolloutCostTerms } from '../../src/plan/index.js';
import type { CostSpec, PlannerConfig } from '../../src/plan/index.js';
import { costEngineFor } from '../../src/plan/costEngineFor.js';
import { OnnxRolloutCost } from '../../src/plan/onnxRolloutCost.js';
import { useBackend } from './fixtures.js';

const runtime = loadOnnxRuntime();
const skip = runtime.available ? false : `onnxruntime-node unavailable: ${runtime.reason}`;
const S = 24;
const H = 5;
let model: WorldModel;
let engine: OnnxRolloutCost;
const rng = new Rng(7);

before(async () => {
  await useBackend();
  // The predictor reads the hand-object relation and has the object's interaction module, and the
  // proprio head reads its part of the state: every equality below covers all three in the graph.
  model = new WorldModel({ predictor: { objectRelation: true, objectInteraction: true }, proprioHeadReads: 'proprioPart' }, { seed: 3 });
  assert.ok(model.proprioHeadPart !== undefined);
  assert.ok(model.readsObjectRelation && model.hasObjectInteraction);
  // Statistics a trained model would have, so that normalising and decoding matter.
  const set = (name: string, values: Float32Array): void => tf.tidy(() => model.params.get(name).assign(tf.tensor(values, model.params.get(name).shape)));
  const P = model.config.proprio.dim;
  set('norm.action.mean', Float32Array.of(0.01, -0.02, 0.005, 0.1));
  set('norm.action.std', Float32Array.of(0.02, 0.03, 0.01, 0.8));
  set('norm.proprio.mean', rng.fillUniform(new Float32Array(P), -0.5, 0.5));
  set('norm.proprio.std', rng.fillUniform(new Float32Array(P), 0.1, 1));
  set('norm.object.mean', Float32Array.of(0.4, 0, 0.05));
  set('norm.object.std', Float32Array.of(0.1, 0.2, 0.02));
  // A predictor that moves the state (fresh ones barely do: their last layer starts small).
  const last = `pred.mlp.${model.config.predictor.depth}.w`;
  set(last, rng.fillNormal(new Float32Array(model.params.get(last).size)).map((v) => v * 0.05));
  set('pred.interact.2.w', rng.fillNormal(new Float32Array(model.params.get('pred.interact.2.w').size)).map((v) => v * 0.5));
  if (runtime.available) engine = new OnnxRolloutCost(model, { createSession: runtime.createSession, threads: 1 });
});

after(() => {
  engine?.dispose();
  model.dispose();
  selectPlanningEngine('tfjs');
});

/** Every term on (the object goal's and smoothness's default weights are 0), at the config's weights otherwise. */
function spec(extra: Partial<CostSpec> = {}, cost: Record<string, unknown> = {}): CostSpec {
  const e = 0.05;
  return { cost: planConfigSchema.parse({ cost: { objectGoalWeight: 300, smoothWeight: 0.5, ...cost } }).cost, low: [-e, -e, -e, -1], high: [e, e, e, 1], ...extra };
}

function latent(): Float32Array {
  return rng.fillNormal(new Float32Array(model.latentDim));
}

/** Sequences partly outside the bounds, so the bounds term is not zero. */
function actions(): Float32Array {
  const a = rng.fillUniform(new Float32Array(S * H * 4), -0.07, 0.07);
  for (let i = 3; i < a.length; i += 4) a[i] = rng.uniform(-1.2, 1.2);
  return a;
}

function tfjsCosts(start: Float32Array, goal: Float32Array, acts: Float32Array, s: CostSpec): Float32Array {
  return tf.tidy(() => rolloutCost(model, tf.tensor1d(start), tf.tensor1d(goal), tf.tensor3d(acts, [S, H, 4]), s).dataSync() as Float32Array).slice();
}

function assertClose(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    const tol = 1e-4 * Math.max(1, Math.abs(want[i]));
    assert.ok(Math.abs(got[i] - want[i]) <= tol, `${what}: cost[${i}] onnxruntime ${got[i]} vs tfjs ${want[i]}`);
  }
}

const P_EE = [14, 15, 16];
type Term = 'goal' | 'action' | 'smooth' | 'bounds' | 'jointLimit' | 'proprioGoal' | 'objectGoal';
const cases: Array<[string, () => CostSpec, Term[]]> = [
  ['goal + action + bounds + smoothness within the sequence (the bench plan)', () => spec(), ['goal', 'action', 'bounds', 'smooth']],
  ['l1 distance, goal weights on one part, actions held 2 steps', () => spec({ goalWeights: Float32Array.from({ length: model.latentDim }, (_, i) => (i >= 64 && i < 128 ? 1 : 0.1)), actionRepeat: 2 }, { distance: 'l1' }), ['goal']],
  ['joint limits, the end effector decoded from the goal, the object goal', () => spec({ jointLimits: { indices: [0, 1, 2], lower: [-0.3, -0.2, -0.1], upper: [0.2, 0.3, 0.4] }, proprioGoal: { indices: P_EE }, objectGoal: { target: [0.5, 0.1, 0.02] } }), ['jointLimit', 'proprioGoal', 'objectGoal']],
  ['an explicit hand target with a radius, latent weight turned down', () => spec({ proprioGoal: { indices: P_EE, target: [0.4, -0.1, 0.2], radius: 0.05 } }, { latentWeight: 0.2 }), ['proprioGoal']],
  ['smoothness from the previous action, actions held 2 steps', () => spec({ previousAction: [0.01, -0.02, 0.03, 0.5], actionRepeat: 2 }), ['smooth']],
  ['a hand target whose radius counts horizontally only', () => spec({ proprioGoal: { indices: P_EE, target: [0.4, -0.1, 0.2], radius: 0.05, radiusComponents: 2 } }), ['proprioGoal']],
];

for (const [name, make, terms] of cases) {
  test(`onnxruntime costs equal tfjs's: ${name}`, { skip }, () => {
    const s = make();
    const start = latent();
    const goal = latent();
    const acts = actions();
    const before = tf.memory().numTensors;
    const got = engine.rolloutCosts(start, goal, acts, S, H, s);
    assert.ok(got !== undefined);
    assertClose(got, tfjsCosts(start, goal, acts, s), name);
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    // The terms the case is about do contribute (the comparison is not of zeros).
    const parts = tf.tidy(() => {
      const all = rolloutCostTerms(model, tf.tensor1d(start), tf.tensor1d(goal), tf.tensor3d(acts, [S, H, 4]), s);
      return Object.fromEntries(terms.map((t) => [t, Array.from(all[t].dataSync())]));
    });
    for (const t of terms) assert.ok(parts[t].some((v) => v > 1e-6), `${t} term is not zero`);
  });
}

test('the learner\'s new weights apply with the same graph: costs move, and still equal tfjs\'s', { skip }, () => {
  const s = spec({ objectGoal: { target: [0.5, 0.1, 0.02] } });
  const start = latent();
  const goal = latent();
  const acts = actions();
  const first = engine.rolloutCosts(start, goal, acts, S, H, s)!;
  const w = model.params.get('pred.mlp.1.w');
  const original = Float32Array.from(w.dataSync());
  tf.tidy(() => w.assign(tf.mul(w, 1.5)));
  try {
    const second = engine.rolloutCosts(start, goal, acts, S, H, s)!;
    assert.ok(second.some((v, i) => Math.abs(v - first[i]) > 1e-3 * Math.max(1, Math.abs(first[i]))), 'costs follow the new weights');
    assertClose(second, tfjsCosts(start, goal, acts, s), 'after the update');
  } finally {
    tf.tidy(() => w.assign(tf.tensor(original, w.shape)));
  }
});

test('cosine distance is left to tfjs (undefined), and bad specs fail as on tfjs', { skip }, () => {
  assert.equal(engine.rolloutCosts(latent(), latent(), actions(), S, H, spec({}, { distance: 'cosine' })), undefined);
  assert.throws(() => engine.rolloutCosts(latent(), latent(), actions(), S, H, spec({ objectGoal: { target: [0, 0] } })), /objectGoal.target must be 3 finite metres/);
  assert.throws(() => engine.rolloutCosts(latent(), latent(), actions(), S, H, { ...spec(), low: [1, 0, 0, 0] }), /bounds of action component 0/);
});

test('CEM and MPPI plan the same on onnxruntime as on tfjs (same seed), and leak no tensor', { skip }, () => {
  const plan = planConfigSchema.parse({ samples: 64, elites: 8, horizon: H, iterations: 3, cost: { objectGoalWeight: 300 } });
  const config: PlannerConfig = { ...plan, low: [-0.05, -0.05, -0.05, -1], high: [0.05, 0.05, 0.05, 1], objectGoal: { target: [0.5, 0.1, 0.02] }, previousAction: [0.01, 0, -0.01, 1] };
  const start = latent();
  const goal = latent();
  for (const planner of [cem, mppi]) {
    selectPlanningEngine('tfjs');
    assert.equal(costEngineFor(model), undefined);
    const viaTfjs = planner(model, start, goal, config, new Rng(11));
    selectPlanningEngine('auto', 1);
    assert.equal(costEngineFor(model)?.name, 'onnxruntime');
    const before = tf.memory().numTensors;
    const viaOrt = planner(model, start, goal, config, new Rng(11));
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    assert.ok(Math.abs(viaOrt.cost - viaTfjs.cost) <= 1e-4 * Math.max(1, Math.abs(viaTfjs.cost)), `plan cost ${viaOrt.cost} vs ${viaTfjs.cost}`);
    // Float rounding differs between the engines; three refits of the elites' mean carry it to ~2e-5.
    viaTfjs.actions.forEach((v, i) => assert.ok(Math.abs(viaOrt.actions[i] - v) <= 1e-4, `action ${i}: ${viaOrt.actions[i]} vs ${v}`));
  }
});

test('costEngineFor: none under tfjs, none for a transformer predictor', { skip }, () => {
  selectPlanningEngine('auto', 1);
  const transformer = new WorldModel({ predictor: { kind: 'transformer', history: 2, width: 32 } }, { seed: 1 });
  try {
    assert.equal(costEngineFor(transformer), undefined);
    selectPlanningEngine('tfjs');
    assert.equal(costEngineFor(model), undefined);
  } finally {
    transformer.dispose();
  }
});
