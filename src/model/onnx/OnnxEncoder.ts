import * as tf from '@tensorflow/tfjs';
import { nativeInput, nativeKernels, runByRows } from '../engine/nativeKernels.js';
import type { ModelFrames } from '../frames.js';
import { isPresent } from '../frames.js';
import type { Weights } from '../paramStore.js';
import type { WorldModel } from '../worldModel.js';
import { encodeOnnxModel } from './onnxProto.js';
import { OnnxGraphBuilder } from './OnnxGraphBuilder.js';
import { onnxDenseNd, onnxLayerNorm, onnxMlpNd, onnxNormalize, onnxWeights } from './onnxLayers.js';
import type { OnnxWeights } from './onnxLayers.js';
import type { OrtFeed, OrtSession } from './onnxRuntime.js';
import type { OrtSessionFactory } from './planningEngine.js';
import { loadPlanningRuntime } from './planningEngine.js';

/**
 * Frames per onnxruntime run of `embed` (runByRows: a chunk's activations stay in cache).
 * Measured on the trainer's 96 target frames: 43 ms in one run, 34 in runs of 8 or 16, 39 of 4.
 */
const FRAMES_PER_RUN = 8;

/** What `OnnxEncoder.embed` computes for some frames (values row-major, fusion order). */
export interface OnnxEmbedding {
  /** Each modality's embedding [n, latentDim] (computed for every row, as tfjs does, present or not). */
  readonly embeddings: readonly Float32Array[];
  /** Each modality's cross-modal estimate [n, latentDim]. */
  readonly estimates: readonly Float32Array[];
  /** The fused states [n, stateDim]. */
  readonly state: Float32Array;
}

/**
 * WorldModel.encodeFrames on onnxruntime: the four encoders (mixer image encoder with
 * keypoints, PointNet clouds and object views, proprio MLP) and the gated fusion as one graph
 * built from the model's layer definitions (onnxLayers.ts mirrors nn.ts; each encoder here
 * mirrors its file under encoders/). Weights, the presence mask and the gates are inputs, read
 * at every call. Covers the default model (mixer image encoder, 'gated' fusion); `supports`
 * says which models, and the others encode on tfjs.
 */
export class OnnxEncoder {
  readonly #model: WorldModel;
  readonly #runtime: OrtSessionFactory;
  #session: OrtSession | undefined;
  #embedSession: OrtSession | undefined;

  constructor(model: WorldModel, runtime: OrtSessionFactory) {
    if (!OnnxEncoder.supports(model)) throw new RangeError('onnx encoder: only the mixer image encoder with gated fusion is built in ONNX');
    this.#model = model;
    this.#runtime = runtime;
  }

  static supports(model: WorldModel): boolean {
    const cfg = model.config;
    return (!cfg.modalities.rgb || cfg.image.encoder === 'mixer') && model.fusion.kind === 'gated' && model.fusion.modalities.length > 1;
  }

  /** Fused states [count * D] of all frames, or undefined when none of them has any modality (tfjs then throws NoModalityError). */
  encode(frames: ModelFrames): Float32Array | undefined {
    const model = this.#model;
    const modalities = model.fusion.modalities;
    const n = frames.count;
    const rows = Array.from({ length: n }, (_, i) => i);
    const mask = new Float32Array(n * modalities.length);
    rows.forEach((r) => modalities.forEach((m, j) => (mask[r * modalities.length + j] = isPresent(frames, m, r) ? 1 : 0)));
    if (mask.every((v) => v === 0)) return undefined;
    this.#session ??= this.#runtime.createSession(encodeOnnxModel(encoderGraph(model, false)), { threads: this.#runtime.threads });
    const { feeds, inputs } = this.#feeds(this.#session, model.params.weights, frames, rows, mask);
    try {
      return Float32Array.from(this.#session.run(feeds).state);
    } finally {
      tf.dispose(inputs);
    }
  }

  /**
   * WorldModel.embed's values for frames `rows` under weights `w`, given their presence mask
   * [rows, M] (1 where present): every modality's embedding and cross-modal estimate, and the
   * fused states. The caller decides which embeddings count (those present in some row).
   */
  embed(w: Weights, frames: ModelFrames, rows: readonly number[], mask: Float32Array): OnnxEmbedding {
    this.#embedSession ??= this.#runtime.createSession(encodeOnnxModel(encoderGraph(this.#model, true)), { threads: this.#runtime.threads });
    const { feeds, inputs } = this.#feeds(this.#embedSession, w, frames, rows, mask);
    let out: Record<string, Float32Array>;
    try {
      const perRow = ['mask', ...this.#model.encoders.map((enc) => `in.${enc.modality}`)];
      out = runByRows(this.#embedSession, feeds, perRow, rows.length, FRAMES_PER_RUN);
    } finally {
      tf.dispose(inputs);
    }
    const modalities = this.#model.fusion.modalities;
    return { embeddings: modalities.map((m) => out[`emb.${m}`]), estimates: modalities.map((m) => out[`est.${m}`]), state: out.state };
  }

  /**
   * Every input of `session`: the frames' encoder inputs, mask, gates, and the weights `w`
   * reads; `inputs` are the encoder input tensors, to dispose once the session has run.
   */
  #feeds(session: OrtSession, w: Weights, frames: ModelFrames, rows: readonly number[], mask: Float32Array): { feeds: Record<string, OrtFeed>; inputs: tf.Tensor[] } {
    const model = this.#model;
    const modalities = model.fusion.modalities;
    const gates = model.fusionWeights();
    const feeds: Record<string, OrtFeed> = {
      mask: { data: mask, dims: [rows.length, modalities.length] },
      gates: { data: Float32Array.from(modalities, (m) => gates[m]), dims: [modalities.length] },
    };
    // Every tensor first, then the views (nativeInput): an allocation would detach earlier views.
    const inputs = model.encoders.map((enc) => [`in.${enc.modality}`, enc.input(frames, rows)] as const);
    for (const [name, input] of inputs) feeds[name] = { data: nativeInput(input), dims: input.shape };
    for (const name of session.inputNames) {
      if (feeds[name] !== undefined) continue;
      const v = w(name);
      feeds[name] = { data: nativeInput(v), dims: v.shape };
    }
    return { feeds, inputs: inputs.map(([, input]) => input) };
  }

  dispose(): void {
    this.#session?.dispose();
    this.#session = undefined;
    this.#embedSession?.dispose();
    this.#embedSession = undefined;
  }
}

/** The encoders and the fusion as one graph: output 'state', and with `all` every 'emb.<m>' and 'est.<m>' too. */
function encoderGraph(model: WorldModel, all: boolean) {
  const g = new OnnxGraphBuilder();
  const w = onnxWeights(g, model.params);
  const cfg = model.config;
  const modalities = model.fusion.modalities;
  const M = modalities.length;
  const d = model.fusion.partDim;
  const mask = g.input('mask', ['N', M]);
  const gates = g.input('gates', [M]);
  const embeddings = model.encoders.map((enc) => {
    switch (enc.modality) {
      case 'rgb':
        return mixer(g, w, model, g.input('in.rgb', ['N', (cfg.image.size / cfg.image.patchSize) ** 2, cfg.image.patchSize ** 2 * 3]));
      case 'points':
        return pointNet(g, w, 'points', cfg.points.hidden.length, g.input('in.points', ['N', 'P', 3]));
      case 'object':
        return objectView(g, w, model, g.input('in.object', ['N', cfg.objectView.count + (cfg.objectView.place ? 1 : 0) + (cfg.objectView.place && cfg.objectView.motion ? 1 : 0), 3]));
      case 'proprio': {
        let x = onnxNormalize(g, w, 'norm.proprio', g.input('in.proprio', ['N', cfg.proprio.dim]), 10);
        x = onnxDenseNd(g, w, 'enc.proprio.0', x, 'relu');
        x = onnxDenseNd(g, w, 'enc.proprio.1', x, 'relu');
        return onnxDenseNd(g, w, 'enc.proprio.head', x);
      }
    }
  });
  // fusion.ts, 'gated': part m = e_m min(g_m, 1) + est_m (1 - g_m), g = mask x gate.
  const column = (x: string, j: number): string => g.op('Slice', [x, g.ints([j]), g.ints([j + 1]), g.ints([1])]);
  const mixing = g.op('Mul', [mask, gates]);
  const inputs = embeddings.map((e, j) => ({ present: column(mask, j), value: g.op('Mul', [e, column(mask, j)]) }));
  const parts = modalities.map((m, j) => {
    const others = inputs.filter((_, k) => k !== j).flatMap((x) => [x.value, x.present]);
    const estimate = onnxMlpNd(g, w, `fusion.impute.${m}`, 2, g.op('Concat', others, { axis: { int: 1 } }), 'elu');
    const gj = column(mixing, j);
    const own = g.op('Mul', [embeddings[j], g.op('Min', [gj, g.constant([1], [])])]);
    if (all) {
      g.output(g.name(embeddings[j], `emb.${m}`), ['N', d]);
      g.output(g.name(estimate, `est.${m}`), ['N', d]);
    }
    return g.op('Add', [own, g.op('Mul', [estimate, g.op('Sub', [g.constant([1], []), gj])])]);
  });
  g.output(g.name(g.op('Concat', parts, { axis: { int: 1 } }), 'state'), ['N', M * d]);
  return g.build(all ? 'embed' : 'encode');
}

/** encoders/imageEncoder.ts mixerEncoder.apply: patches [N, T, p p 3] -> [N, latentDim]. */
function mixer(g: OnnxGraphBuilder, w: OnnxWeights, model: WorldModel, patches: string): string {
  const cfg = model.config.image;
  const P = 'enc.rgb';
  let x = onnxDenseNd(g, w, `${P}.embed`, patches);
  for (let i = 0; i < cfg.mixerDepth; i++) {
    const t = g.op('Transpose', [onnxLayerNorm(g, w, `${P}.b${i}.ln1`, x)], { perm: { ints: [0, 2, 1] } });
    x = g.op('Add', [x, g.op('Transpose', [onnxMlpNd(g, w, `${P}.b${i}.tok`, 2, t, 'relu')], { perm: { ints: [0, 2, 1] } })]);
    x = g.op('Add', [x, onnxMlpNd(g, w, `${P}.b${i}.ch`, 2, onnxLayerNorm(g, w, `${P}.b${i}.ln2`, x), 'relu')]);
  }
  let pooled = g.op('ReduceMean', [x], { axes: { ints: [1] }, keepdims: { int: 0 } });
  if (cfg.keypoints) {
    // Spatial soft-argmax: each channel's softmax over the tokens, and the expected grid x and y under it.
    const grid = cfg.size / cfg.patchSize;
    const coords = new Float32Array(grid * grid * 2);
    for (let gy = 0; gy < grid; gy++) {
      for (let gx = 0; gx < grid; gx++) {
        coords[2 * (gy * grid + gx)] = grid === 1 ? 0 : (2 * gx) / (grid - 1) - 1;
        coords[2 * (gy * grid + gx) + 1] = grid === 1 ? 0 : (2 * gy) / (grid - 1) - 1;
      }
    }
    const attention = g.op('Softmax', [g.op('Transpose', [x], { perm: { ints: [0, 2, 1] } })], { axis: { int: -1 } });
    const expected = g.op('MatMul', [attention, g.constant(coords, [grid * grid, 2])]); // [N, C, 2]
    const keypoints = g.op('Reshape', [g.op('Transpose', [expected], { perm: { ints: [0, 2, 1] } }), g.ints([0, 2 * cfg.width])]);
    pooled = g.op('Concat', [pooled, keypoints], { axis: { int: 1 } });
  }
  return onnxDenseNd(g, w, `${P}.head`, onnxLayerNorm(g, w, `${P}.ln`, pooled));
}

/** encoders/pointEncoder.ts apply: points [N, P, 3] -> [N, latentDim] (shared MLP, max over points). */
function pointNet(g: OnnxGraphBuilder, w: OnnxWeights, name: string, layers: number, points: string, extras: readonly string[] = []): string {
  let x = onnxNormalize(g, w, `norm.${name}`, points, 10);
  for (let i = 0; i < layers; i++) x = onnxDenseNd(g, w, `enc.${name}.mlp${i}`, x, 'relu');
  const pooled = onnxLayerNorm(g, w, `enc.${name}.ln`, g.op('ReduceMax', [x], { axes: { ints: [1] }, keepdims: { int: 0 } }));
  const features = extras.length === 0 ? pooled : g.op('Concat', [pooled, ...extras], { axis: { int: 1 } });
  return onnxDenseNd(g, w, `enc.${name}.head`, features);
}

/**
 * The object view's PointNet; with objectView.place its input carries the place as one more row
 * after the points, and with objectView.motion the motion after it, as pointEncoder's does.
 */
function objectView(g: OnnxGraphBuilder, w: OnnxWeights, model: WorldModel, input: string): string {
  const { count, hidden, place, motion } = model.config.objectView;
  if (!place) return pointNet(g, w, 'objectView', hidden.length, input);
  const rows = (from: number, to: number): string => g.op('Slice', [input, g.ints([from]), g.ints([to]), g.ints([1])]);
  const row = (at: number, norm: string): string => onnxNormalize(g, w, norm, g.op('Reshape', [rows(at, at + 1), g.ints([0, 3])]), 10);
  const extras = [row(count, 'norm.objectView.place'), ...(motion ? [row(count + 1, 'norm.objectView.motion')] : [])];
  return pointNet(g, w, 'objectView', hidden.length, rows(0, count), extras);
}

const encoders = new WeakMap<WorldModel, OnnxEncoder>();

/** The onnxruntime encoder of `model` when the process chose onnxruntime and the model is covered; undefined means tfjs. */
export function onnxEncoderFor(model: WorldModel): OnnxEncoder | undefined {
  const runtime = loadPlanningRuntime();
  if (runtime === undefined || !OnnxEncoder.supports(model)) return undefined;
  let encoder = encoders.get(model);
  if (encoder === undefined) {
    encoder = new OnnxEncoder(model, runtime);
    encoders.set(model, encoder);
  }
  return encoder;
}

const nativeEncoders = new WeakMap<WorldModel, { runtime: OrtSessionFactory; encoder: OnnxEncoder }>();

/**
 * The encoder on the engine's native kernels (engine/nativeKernels.ts) for `model`, with which
 * WorldModel.embed encodes outside gradient tapes (the trainer's targets); undefined when the
 * native kernels are off or the model is not covered.
 */
export function nativeEncoderFor(model: WorldModel): OnnxEncoder | undefined {
  const runtime = nativeKernels();
  if (runtime === undefined || !OnnxEncoder.supports(model)) return undefined;
  let entry = nativeEncoders.get(model);
  if (entry === undefined || entry.runtime !== runtime) {
    entry?.encoder.dispose();
    entry = { runtime, encoder: new OnnxEncoder(model, runtime) };
    nativeEncoders.set(model, entry);
  }
  return entry.encoder;
}

/** For tests: frames' fused states on tfjs, bypassing any onnxruntime encoder. */
export function encodeFramesOnTfjs(model: WorldModel, frames: ModelFrames): tf.Tensor2D {
  const rows = Array.from({ length: frames.count }, (_, i) => i);
  return tf.tidy(() => model.embed(model.params.weights, frames, rows, { native: false }).state);
}
