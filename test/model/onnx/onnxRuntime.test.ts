// The ONNX pieces on their own: a graph built with OnnxGraphBuilder, serialised by
// encodeOnnxModel, run synchronously by onnxruntime-node (an optional dependency: the tests
// that need it skip, saying so, where it is not installed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeOnnxModel, loadOnnxRuntime, OnnxGraphBuilder, selectPlanningEngine, loadPlanningRuntime, PlanningEngineUnavailableError } from '../../../src/model/onnx/index.js';

const runtime = loadOnnxRuntime();
const skip = runtime.available ? false : `onnxruntime-node unavailable: ${runtime.reason}`;

test('encodeOnnxModel: refuses a graph that is not a valid ModelProto, naming the graph', () => {
  const g = new OnnxGraphBuilder();
  g.output('y', [1]);
  const graph = { ...g.build('broken'), nodes: [{ opType: 'Relu', input: ['x'], output: ['y'], attribute: [{ name: 'alpha', type: 1, f: Number.NaN as unknown as number, i: 'x' as unknown as number }] }] };
  assert.throws(() => encodeOnnxModel(graph), /graph 'broken'/);
});

test('a Gemm + Elu graph with weights as inputs runs synchronously and computes act(x W + b)', { skip }, () => {
  if (!runtime.available) return;
  const g = new OnnxGraphBuilder();
  const x = g.input('x', ['N', 2]);
  const y = g.op('Elu', [g.op('Gemm', [x, g.input('w', [2, 3]), g.input('b', [3])])], { alpha: { float: 1 } });
  g.output(g.name(y, 'y'), ['N', 3]);
  const session = runtime.createSession(encodeOnnxModel(g.build('dense')), { threads: 1 });
  try {
    assert.deepEqual(session.inputNames, ['x', 'w', 'b']);
    const w = Float32Array.of(1, 0, -1, 0, 1, -1);
    const b = Float32Array.of(0, 1, 0);
    const out = session.run({ x: { data: Float32Array.of(1, 2, -3, 0.5), dims: [2, 2] }, w: { data: w, dims: [2, 3] }, b: { data: b, dims: [3] } }).y;
    // Row 1: [1, 3, -3] -> [1, 3, e^-3 - 1]; row 2: [-3, 1.5, 2.5] -> [e^-3 - 1, 1.5, 2.5].
    const want = [1, 3, Math.exp(-3) - 1, Math.exp(-3) - 1, 1.5, 2.5];
    want.forEach((v, i) => assert.ok(Math.abs(out[i] - v) < 1e-6, `y[${i}] = ${out[i]}, expected ${v}`));
    assert.throws(() => session.run({ x: { data: Float32Array.of(1, 2), dims: [1, 2] }, w: { data: w, dims: [2, 3] } }), /no value fed for the graph input 'b'/);
  } finally {
    session.dispose();
  }
});

test('selectPlanningEngine: tfjs when asked; onnxruntime when it loads (auto); an explicit onnxruntime that cannot run is an error', () => {
  assert.equal(selectPlanningEngine('tfjs').engine, 'tfjs');
  assert.equal(loadPlanningRuntime(), undefined);
  const auto = selectPlanningEngine('auto', 1);
  assert.equal(auto.engine, runtime.available ? 'onnxruntime' : 'tfjs');
  assert.match(auto.reason, /^auto: /);
  if (!runtime.available) assert.throws(() => selectPlanningEngine('onnxruntime'), PlanningEngineUnavailableError);
  selectPlanningEngine('tfjs');
});
