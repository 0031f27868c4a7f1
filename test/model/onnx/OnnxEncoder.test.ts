// WorldModel encodings on onnxruntime against tfjs, on the default model (mixer with keypoints,
// two PointNets, proprio MLP, gated fusion) with non-trivial normaliser statistics and gates,
// frames with a modality missing here and there. Skips where onnxruntime-node is not installed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { syntheticBatch } from '../../../bench/model.js';
import { modelConfigSchema, Rng } from '../../../src/core/index.js';
import { batchFrames, WorldModel } from '../../../src/model/index.js';
import type { ModelFrames } from '../../../src/model/index.js';
import { nativeKernels, useNativeKernels } from '../../../src/model/engine/index.js';
import { encodeFramesOnTfjs, loadOnnxRuntime, nativeEncoderFor, onnxEncoderFor, OnnxEncoder, selectPlanningEngine } from '../../../src/model/onnx/index.js';
import { useTestBackend } from '../fixtures.js';

const runtime = loadOnnxRuntime();
const skip = runtime.available ? false : `onnxruntime-node unavailable: ${runtime.reason}`;
let model: WorldModel;
let frames: ModelFrames;

before(async () => {
  await useTestBackend();
  const cfg = modelConfigSchema.parse({});
  model = new WorldModel(cfg, { seed: 5 });
  const batch = syntheticBatch(cfg, 3, new Rng(4));
  frames = batchFrames(batch, cfg);
  // Where the object views were taken (objectView.place): a place per frame, none in frame 5.
  const places = new Rng(6).fillNormal(new Float32Array(frames.count * 3)).map((v, i) => [0.35, 0, 0.03][i % 3] + 0.1 * v);
  places.fill(Number.NaN, 15, 18);
  frames = { ...frames, objectPlace: places };
  // Input statistics as training leaves them, and gates below 1 (reliability statistics seen).
  model.observe(frames, Array.from({ length: frames.count }, (_, i) => i), batch.actions);
  model.fusion.update({ prediction: { rgb: 0.5, points: 0.2, proprio: 0.1, object: 0.8 }, estimate: { rgb: 0.9, points: 0.6, proprio: 0.3, object: 1.2 }, crossing: { rgb: 0.7, points: 0.5, proprio: 0.25, object: 0.6 } });
  const n = frames.count;
  const present = { rgb: new Uint8Array(n).fill(1), points: new Uint8Array(n).fill(1), proprio: new Uint8Array(n).fill(1), object: new Uint8Array(n).fill(1) };
  present.proprio[1] = 0;
  present.rgb[2] = 0;
  present.object[3] = 0;
  present.points[4] = 0;
  present.proprio[4] = 0;
  frames = { ...frames, present };
});

after(() => {
  model.dispose();
  selectPlanningEngine('tfjs');
});

test('OnnxEncoder: the fused states equal tfjs\'s, with modalities missing in some frames, and no tensor is left', { skip }, () => {
  if (!runtime.available) return;
  const encoder = new OnnxEncoder(model, { createSession: runtime.createSession, threads: 1 });
  try {
    const want = encodeFramesOnTfjs(model, frames);
    const wanted = Float32Array.from(want.dataSync());
    want.dispose();
    const before = tf.memory().numTensors;
    const got = encoder.encode(frames);
    assert.equal(tf.memory().numTensors, before);
    assert.ok(got !== undefined);
    assert.equal(got.length, wanted.length);
    // Float32 sums in another order through ~10 layers: 1e-4 relative.
    wanted.forEach((v, i) => assert.ok(Math.abs(got[i] - v) <= 1e-4 * Math.max(1, Math.abs(v)), `state[${i}]: onnxruntime ${got[i]} vs tfjs ${v}`));
  } finally {
    encoder.dispose();
  }
});

test('WorldModel.encodeFrames runs on onnxruntime once chosen, on tfjs otherwise, with the same states', { skip }, () => {
  selectPlanningEngine('tfjs');
  assert.equal(onnxEncoderFor(model), undefined);
  const viaTfjs = model.encodeFrames(frames);
  selectPlanningEngine('auto', 1);
  assert.ok(onnxEncoderFor(model) !== undefined);
  const viaOrt = model.encodeFrames(frames);
  const a = viaTfjs.dataSync();
  const b = viaOrt.dataSync();
  a.forEach((v, i) => assert.ok(Math.abs(b[i] - v) <= 1e-4 * Math.max(1, Math.abs(v)), `state[${i}]`));
  tf.dispose([viaTfjs, viaOrt]);
  selectPlanningEngine('tfjs');
});

test('WorldModel.embed outside a tape runs on the native kernels with tfjs\'s values; inside a tape, and with native: false, on tfjs', { skip }, () => {
  if (!runtime.available) return;
  const saved = nativeKernels();
  useNativeKernels({ createSession: runtime.createSession, threads: 1 });
  try {
    assert.ok(nativeEncoderFor(model) !== undefined);
    // Rows 1..4 miss one modality each; rows [1, 2] have no object view missing, rows [4] no points and no proprio.
    // All 12 frames: more than one run of onnxruntime (runByRows), joined.
    for (const rows of [[0, 1, 2, 3, 4, 5, 6], [4], [5, 3, 1], Array.from({ length: frames.count }, (_, i) => i)]) {
      const before = tf.memory().numTensors;
      const read = (e: ReturnType<WorldModel['embed']>): (Float32Array | undefined)[] =>
        [...e.embeddings, ...e.estimates, e.mask, e.mixing, e.state].map((t) => (t === undefined ? undefined : Float32Array.from(t.dataSync())));
      const native = tf.tidy(() => read(model.embed(model.params.weights, frames, rows)));
      const tfjs = tf.tidy(() => read(model.embed(model.params.weights, frames, rows, { native: false })));
      assert.equal(tf.memory().numTensors, before, `rows [${rows}]: tensors leaked`);
      tfjs.forEach((want, k) => {
        const got = native[k];
        assert.equal(got === undefined, want === undefined, `rows [${rows}] output ${k}: defined on one path only`);
        want?.forEach((v, i) => assert.ok(Math.abs((got as Float32Array)[i] - v) <= 1e-4 * Math.max(1, Math.abs(v)), `rows [${rows}] output ${k}[${i}]: ${got?.[i]} vs ${v}`));
      });
    }
    // Under a tape the encoders run on tfjs: the gradient reaches the weights.
    const grads = tf.variableGrads(() => tf.sum(model.embed(model.params.weights, frames, [0, 1]).state) as tf.Scalar);
    assert.ok(Object.keys(grads.grads).some((name) => name.endsWith('/enc.rgb.embed.w')), `gradients of ${Object.keys(grads.grads).join(', ')}`);
    tf.dispose([grads.value, ...Object.values(grads.grads)]);
  } finally {
    useNativeKernels(saved);
  }
});

test('OnnxEncoder.supports: not the conv image encoder, not the precision fusion', () => {
  const conv = new WorldModel({ image: { encoder: 'conv' } }, { seed: 1 });
  const precision = new WorldModel({ fusion: { kind: 'precision' } }, { seed: 1 });
  try {
    assert.equal(OnnxEncoder.supports(conv), false);
    assert.equal(OnnxEncoder.supports(precision), false);
    assert.equal(OnnxEncoder.supports(model), true);
  } finally {
    conv.dispose();
    precision.dispose();
  }
});

test('OnnxEncoder with objectView.motion: the object\'s motion reaches the graph, and the states equal tfjs\'s', { skip }, () => {
  if (!runtime.available) return;
  const cfg = modelConfigSchema.parse({ objectView: { motion: true } });
  const moving = new WorldModel(cfg, { seed: 5 });
  const objectMotion = new Rng(7).fillNormal(new Float32Array(frames.count * 3)).map((v) => 0.01 * v);
  const withMotion = { ...frames, objectMotion };
  moving.observe(withMotion, Array.from({ length: frames.count }, (_, i) => i));
  const encoder = new OnnxEncoder(moving, { createSession: runtime.createSession, threads: 1 });
  try {
    const want = encodeFramesOnTfjs(moving, withMotion);
    const wanted = Float32Array.from(want.dataSync());
    want.dispose();
    const got = encoder.encode(withMotion);
    assert.ok(got !== undefined);
    wanted.forEach((v, i) => assert.ok(Math.abs(got[i] - v) <= 1e-4 * Math.max(1, Math.abs(v)), `state[${i}]: onnxruntime ${got[i]} vs tfjs ${v}`));
    const still = encoder.encode({ ...frames, objectMotion: new Float32Array(frames.count * 3) });
    assert.ok(still !== undefined);
    const [start, size] = moving.fusion.partOf('object');
    const differs = Array.from({ length: frames.count }, (_, r) => r).some((r) => Array.from({ length: size }, (_, j) => Math.abs(still[r * moving.latentDim + start + j] - got[r * moving.latentDim + start + j])).some((d) => d > 1e-4));
    assert.ok(differs, 'the object part follows the motion');
  } finally {
    encoder.dispose();
    moving.dispose();
  }
});
