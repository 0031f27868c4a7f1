import { OnnxGraphBuilder, encodeOnnxModel, onnxDenormalize, onnxMlp, onnxNormalize, onnxWeights } from '../model/onnx/index.js';
import type { OnnxWeights, OrtFeed, OrtSession, OrtSessionFactory } from '../model/onnx/index.js';
import type { WorldModel } from '../model/worldModel.js';
import { proprioLayout } from '../model/proprioVector.js';
import { checkBounds, checkGoalWeights, checkJointLimits, checkObjectGoal, checkPreviousAction, checkProprioGoal, halfRange } from './cost.js';
import type { CostSpec } from './cost.js';
import type { RolloutCostEngine } from './LatentDynamics.js';

/** Sessions kept per model: one per shape of cost (which terms, horizon, repeat, indices). */
const MAX_SESSIONS = 16;

/**
 * `rolloutCost` (cost.ts) of a WorldModel with an MLP predictor on onnxruntime: the whole
 * rollout of S sequences and every cost term in one graph, built from the model's own layer
 * definitions (src/model/onnx/onnxLayers.ts mirrors nn.ts). Weights are graph inputs read from
 * the model's variables at every call, so the learner's updates apply with no new graph.
 * What changes per tick (start, goal, targets, term weights, bounds, limits) is fed too; a
 * graph is built per shape of the cost (`#key`) and kept. Specs it does not cover (cosine
 * distance) return undefined and the caller scores them with tfjs.
 */
export class OnnxRolloutCost implements RolloutCostEngine {
  readonly name = 'onnxruntime';
  readonly #model: WorldModel;
  readonly #runtime: OrtSessionFactory;
  readonly #sessions = new Map<string, OrtSession>();

  constructor(model: WorldModel, runtime: OrtSessionFactory) {
    if (model.config.predictor.kind !== 'mlp') throw new RangeError(`onnx rollout cost: predictor kind '${model.config.predictor.kind}' is not built in ONNX (mlp only)`);
    this.#model = model;
    this.#runtime = runtime;
  }

  rolloutCosts(start: Float32Array, goal: Float32Array, actions: Float32Array, samples: number, horizon: number, spec: CostSpec): Float32Array | undefined {
    const c = spec.cost;
    if (c.distance === 'cosine') return undefined;
    const model = this.#model;
    const D = model.latentDim;
    const A = model.actionDim;
    if (actions.length !== samples * horizon * A) throw new RangeError(`onnx rollout cost: ${actions.length} action values for [${samples}, ${horizon}, ${A}]`);
    // The checks rolloutCostTerms makes, so that a bad spec fails the same way on either engine.
    checkBounds('cost', spec.low, spec.high, A);
    if (spec.jointLimits !== undefined && c.jointLimitWeight > 0) checkJointLimits('cost', spec.jointLimits, model);
    if (spec.proprioGoal !== undefined && c.proprioGoalWeight > 0) checkProprioGoal('cost', spec.proprioGoal, model);
    if (spec.objectGoal !== undefined && c.objectGoalWeight > 0) checkObjectGoal('cost', spec.objectGoal, model);
    if (spec.goalWeights !== undefined) checkGoalWeights('cost', spec.goalWeights, D);
    if (spec.previousAction !== undefined) checkPreviousAction('cost', spec.previousAction, A);
    const terms = activeTerms(model, spec);
    const key = JSON.stringify({ horizon, repeat: spec.actionRepeat ?? 1, distance: c.distance, weighted: spec.goalWeights !== undefined, ...terms });
    let session = this.#sessions.get(key);
    if (session === undefined) {
      if (this.#sessions.size >= MAX_SESSIONS) this.dispose();
      session = this.#runtime.createSession(encodeOnnxModel(costGraph(model, horizon, spec.actionRepeat ?? 1, c.distance, spec.goalWeights !== undefined, terms)), { threads: this.#runtime.threads });
      this.#sessions.set(key, session);
    }
    const half = halfRange(spec.low, spec.high);
    const stepWeights = new Float32Array(horizon).fill(c.stageWeight);
    stepWeights[horizon - 1] = c.terminalWeight;
    const feeds: Record<string, OrtFeed> = {
      start: { data: start, dims: [1, D] },
      goal: { data: goal, dims: [1, D] },
      actions: { data: actions, dims: [samples, horizon, A] },
      stepWeights: { data: stepWeights, dims: [horizon, 1] },
      termWeights: { data: Float32Array.of(c.latentWeight, c.actionWeight / A, c.boundsWeight, c.jointLimitWeight, c.proprioGoalWeight, c.objectGoalWeight, c.smoothWeight / A), dims: [7] },
      low: { data: Float32Array.from(spec.low), dims: [A] },
      high: { data: Float32Array.from(spec.high), dims: [A] },
      half: { data: half, dims: [A] },
    };
    if (spec.goalWeights !== undefined) {
      const total = Array.from(spec.goalWeights).reduce((a, b) => a + b, 0);
      feeds.goalWeights = { data: Float32Array.from(spec.goalWeights, (v) => v / total), dims: [D] };
    }
    if (terms.joints !== undefined && spec.jointLimits !== undefined) {
      const lower = Float32Array.from(spec.jointLimits.lower);
      const upper = Float32Array.from(spec.jointLimits.upper);
      const margin = lower.map((lo, j) => c.jointLimitMargin * (upper[j] - lo));
      const J = lower.length;
      feeds.jointLow = { data: lower.map((lo, j) => lo + margin[j]), dims: [J] };
      feeds.jointHigh = { data: upper.map((hi, j) => hi - margin[j]), dims: [J] };
      feeds.jointMargin = { data: margin, dims: [J] };
    }
    if (terms.proprio !== undefined && spec.proprioGoal !== undefined) {
      if (spec.proprioGoal.target !== undefined) feeds.proprioTarget = { data: Float32Array.from(spec.proprioGoal.target), dims: [1, spec.proprioGoal.indices.length] };
      if (terms.proprio.radius > 0) feeds.proprioRadius = { data: Float32Array.of(spec.proprioGoal.radius ?? 0), dims: [] };
    }
    if (terms.smooth === 'previous' && spec.previousAction !== undefined) feeds.previousAction = { data: Float32Array.from(spec.previousAction), dims: [1, 1, A] };
    if (terms.object && spec.objectGoal !== undefined) feeds.objectTarget = { data: Float32Array.from(spec.objectGoal.target), dims: [1, 3] };
    const params = model.params;
    for (const name of session.inputNames) {
      if (feeds[name] !== undefined) continue;
      const v = params.get(name);
      // dataSync hands out the backend's own storage on some backends: the session only reads it.
      feeds[name] = { data: v.dataSync() as Float32Array, dims: v.shape };
    }
    return Float32Array.from(session.run(feeds).costs);
  }

  dispose(): void {
    for (const s of this.#sessions.values()) s.dispose();
    this.#sessions.clear();
  }
}

/** Which optional terms a spec switches on, as rolloutCostTerms decides (with their index lists: part of the graph). */
interface ActiveTerms {
  readonly joints?: readonly number[];
  /** radius: the first this many indices have the radius (0: none). */
  readonly proprio?: { readonly indices: readonly number[]; readonly target: boolean; readonly radius: number };
  readonly object: boolean;
  /** Smoothness: over changes within the sequence, or from the previous action too. */
  readonly smooth?: 'within' | 'previous';
}

function activeTerms(model: WorldModel, spec: CostSpec): ActiveTerms {
  const c = spec.cost;
  const decodesProprio = model.decodeProprio !== undefined;
  const joints = spec.jointLimits !== undefined && c.jointLimitWeight > 0 && decodesProprio ? spec.jointLimits.indices : undefined;
  const proprio = spec.proprioGoal !== undefined && c.proprioGoalWeight > 0 && decodesProprio
    ? { indices: spec.proprioGoal.indices, target: spec.proprioGoal.target !== undefined, radius: (spec.proprioGoal.radius ?? 0) > 0 ? (spec.proprioGoal.radiusComponents ?? spec.proprioGoal.indices.length) : 0 }
    : undefined;
  const object = spec.objectGoal !== undefined && c.objectGoalWeight > 0 && model.decodeObject !== undefined;
  const smooth = c.smoothWeight > 0 ? (spec.previousAction === undefined ? 'within' : 'previous') : undefined;
  return { ...(joints === undefined ? {} : { joints }), ...(proprio === undefined ? {} : { proprio }), object, ...(smooth === undefined ? {} : { smooth }) };
}

/** The graph: inputs start, goal, actions [S, H, A], the feeds above and the weights; output costs [S]. */
function costGraph(model: WorldModel, H: number, repeat: number, distance: 'mse' | 'l1', weighted: boolean, terms: ActiveTerms) {
  const g = new OnnxGraphBuilder();
  const cfg = model.config;
  const D = model.latentDim;
  const A = model.actionDim;
  const w: OnnxWeights = onnxWeights(g, model.params);
  const start = g.input('start', [1, D]);
  const goal = g.input('goal', [1, D]);
  const actions = g.input('actions', ['S', H, A]);
  const stepWeights = g.input('stepWeights', [H, 1]);
  const termWeights = g.input('termWeights', [7]);
  const termWeight = (i: number): string => g.op('Gather', [termWeights, g.intScalar(i)], { axis: { int: 0 } });
  const low = g.input('low', [A]);
  const high = g.input('high', [A]);
  const half = g.input('half', [A]);

  // The rollout (cost.ts rollout, predictor.ts step with the MLP): step-major states [H][S, D].
  const shapeSD = g.op('Concat', [g.op('Slice', [g.op('Shape', [actions]), g.ints([0]), g.ints([1])]), g.ints([D])], { axis: { int: 0 } });
  let state = g.op('Expand', [start, shapeSD]);
  let normalized = onnxNormalize(g, w, 'norm.action', actions);
  if (!cfg.predictor.actionConditioned) normalized = g.op('Mul', [normalized, g.constant([0], [])]);
  const layers = cfg.predictor.depth + 1;
  // The heads, as WorldModel.proprioHeadOutput / objectHeadOutput, each on its part where proprioHeadReads / objectHeadReads says so.
  const readPart = (x: string, part: readonly [number, number] | undefined): string =>
    part === undefined ? x : g.op('Slice', [x, g.ints([part[0]]), g.ints([part[0] + part[1]]), g.ints([1])]);
  const proprioHead = (x: string): string => onnxMlp(g, w, 'head.proprio', 2, readPart(x, model.proprioHeadPart), 'relu');
  const objectHead = (x: string): string => onnxMlp(g, w, 'head.object', 2, readPart(x, model.objectHeadPart), 'relu');
  // WorldModel.objectRelation: object head minus the decoded end effector, in the object head's normalised units.
  const handFrom = proprioLayout(cfg.proprio.dim).endEffector[0];
  const relation = (x: string): string => {
    const hand = g.op('Gather', [onnxDenormalize(g, w, 'norm.proprio', proprioHead(x)), g.ints([handFrom, handFrom + 1, handFrom + 2])], { axis: { int: 1 } });
    return g.op('Sub', [objectHead(x), onnxNormalize(g, w, 'norm.object', hand)]);
  };
  // predictor.ts: the interaction module's output moves the object's part only, through a one-hot placement matrix [size, D].
  const interaction = model.hasObjectInteraction ? model.objectSlot : undefined;
  let placement: string | undefined;
  if (interaction !== undefined) {
    const [start, size] = interaction;
    const values = new Float32Array(size * D);
    for (let j = 0; j < size; j++) values[j * D + start + j] = 1;
    placement = g.constant(values, [size, D]);
  }
  const states: string[] = [];
  for (let t = 0; t < H; t++) {
    const a = g.op('Gather', [normalized, g.intScalar(t)], { axis: { int: 1 } });
    for (let r = 0; r < repeat; r++) {
      // One reading of the relation serves the MLP's input and the interaction module.
      const related = model.readsObjectRelation || placement !== undefined ? relation(state) : undefined;
      const input = model.readsObjectRelation && related !== undefined ? [state, a, related] : [state, a];
      let next = g.op('Add', [state, onnxMlp(g, w, 'pred.mlp', layers, g.op('Concat', input, { axis: { int: 1 } }), 'elu')]);
      if (placement !== undefined && related !== undefined) {
        const moved = onnxMlp(g, w, 'pred.interact', 3, g.op('Concat', [related, a], { axis: { int: 1 } }), 'elu');
        next = g.op('Add', [next, g.op('MatMul', [moved, placement])]);
      }
      state = next;
    }
    states.push(state);
  }
  const stacked = g.op('Concat', states, { axis: { int: 0 } }); // [H S, D]
  const byStep = (rows: string): string => g.op('Reshape', [rows, g.ints([H, -1])]); // [H S] -> [H, S]
  const overSteps = (perStep: string): string => g.op('ReduceSum', [g.op('Mul', [perStep, stepWeights]), g.ints([0])], { keepdims: { int: 0 } });

  // Goal term: latentWeight * sum_t w_t dist(s_t, goal).
  const diff = g.op('Sub', [stacked, goal]);
  const elementwise = distance === 'mse' ? g.op('Mul', [diff, diff]) : g.op('Abs', [diff]);
  const dist = weighted
    ? g.op('ReduceSum', [g.op('Mul', [elementwise, g.input('goalWeights', [D])]), g.ints([1])], { keepdims: { int: 0 } })
    : g.op('ReduceMean', [elementwise], { axes: { ints: [1] }, keepdims: { int: 0 } });
  const costs: string[] = [g.op('Mul', [overSteps(byStep(dist)), termWeight(0)])];

  // Action effort and bounds, in half-range units.
  const sumHA = (x: string): string => g.op('ReduceSum', [x, g.ints([1, 2])], { keepdims: { int: 0 } });
  const squared = (x: string): string => g.op('Mul', [x, x]);
  costs.push(g.op('Mul', [sumHA(squared(g.op('Div', [actions, half]))), termWeight(1)]));
  const over = g.op('Div', [g.op('Relu', [g.op('Sub', [actions, high])]), half]);
  const under = g.op('Div', [g.op('Relu', [g.op('Sub', [low, actions])]), half]);
  costs.push(g.op('Mul', [sumHA(g.op('Add', [squared(over), squared(under)])), termWeight(2)]));
  if (terms.smooth !== undefined) {
    // cost.ts actionChanges: consecutive differences along the horizon, the previous action first where given.
    const shapeS1A = g.op('Concat', [g.op('Slice', [g.op('Shape', [actions]), g.ints([0]), g.ints([1])]), g.ints([1, A])], { axis: { int: 0 } });
    const sequence = terms.smooth === 'previous' ? g.op('Concat', [g.op('Expand', [g.input('previousAction', [1, 1, A]), shapeS1A]), actions], { axis: { int: 1 } }) : actions;
    const steps = terms.smooth === 'previous' ? H + 1 : H;
    if (steps > 1) {
      const later = g.op('Slice', [sequence, g.ints([1]), g.ints([steps]), g.ints([1])]);
      const earlier = g.op('Slice', [sequence, g.ints([0]), g.ints([steps - 1]), g.ints([1])]);
      costs.push(g.op('Mul', [sumHA(squared(g.op('Div', [g.op('Sub', [later, earlier]), half]))), termWeight(6)]));
    }
  }

  // Heads read every predicted state at once, as cost.ts does.
  const decodeProprio = (x: string): string => onnxDenormalize(g, w, 'norm.proprio', proprioHead(x));
  const pick = (x: string, indices: readonly number[]): string => g.op('Gather', [x, g.ints(indices)], { axis: { int: 1 } });
  if (terms.joints !== undefined) {
    const q = pick(decodeProprio(stacked), terms.joints); // [H S, J]
    const margin = g.input('jointMargin', [terms.joints.length]);
    const below = g.op('Div', [g.op('Relu', [g.op('Sub', [g.input('jointLow', [terms.joints.length]), q])]), margin]);
    const above = g.op('Div', [g.op('Relu', [g.op('Sub', [q, g.input('jointHigh', [terms.joints.length])])]), margin]);
    const perRow = g.op('ReduceSum', [g.op('Add', [squared(below), squared(above)]), g.ints([1])], { keepdims: { int: 0 } });
    costs.push(g.op('Mul', [g.op('ReduceSum', [byStep(perRow), g.ints([0])], { keepdims: { int: 0 } }), termWeight(3)]));
  }
  if (terms.proprio !== undefined) {
    const { indices } = terms.proprio;
    const predicted = pick(decodeProprio(stacked), indices);
    const wanted = terms.proprio.target ? g.input('proprioTarget', [1, indices.length]) : pick(decodeProprio(goal), indices);
    const squaredDiff = squared(g.op('Sub', [predicted, wanted]));
    const K = indices.length;
    const R = terms.proprio.radius;
    const sumColumns = (from: number, to: number): string =>
      g.op('ReduceSum', [from === 0 && to === K ? squaredDiff : g.op('Slice', [squaredDiff, g.ints([from]), g.ints([to]), g.ints([1])]), g.ints([1])], { keepdims: { int: 0 } });
    let rows = sumColumns(0, R === 0 ? K : R);
    if (R > 0) {
      rows = squared(g.op('Relu', [g.op('Sub', [g.op('Sqrt', [g.op('Add', [rows, g.constant([1e-12], [])])]), g.input('proprioRadius', [])])]));
      if (R < K) rows = g.op('Add', [rows, sumColumns(R, K)]);
    }
    costs.push(g.op('Mul', [overSteps(byStep(rows)), termWeight(4)]));
  }
  if (terms.object) {
    const place = onnxDenormalize(g, w, 'norm.object', objectHead(stacked));
    const d = g.op('Sub', [place, g.input('objectTarget', [1, 3])]);
    const rows = g.op('ReduceSum', [squared(d), g.ints([1])], { keepdims: { int: 0 } });
    costs.push(g.op('Mul', [overSteps(byStep(rows)), termWeight(5)]));
  }
  g.output(g.name(g.op('Sum', costs), 'costs'), ['S']);
  return g.build('rollout_cost');
}
