import type { Activation } from '../nn.js';
import type { ParamStore } from '../paramStore.js';
import type { OnnxGraphBuilder } from './OnnxGraphBuilder.js';

/**
 * The layers of nn.ts and normalizer.ts as ONNX ops, reading the same named weights. Every
 * weight is a graph input named as in the ParamStore ('pred.mlp.0.w'), fed from the tfjs
 * variables at run time, so a graph built once follows the learner's updates.
 */
export type OnnxWeights = (name: string) => string;

/** Declares each weight the graph reads as an input of its ParamStore shape. */
export function onnxWeights(g: OnnxGraphBuilder, params: ParamStore): OnnxWeights {
  return (name) => g.input(name, params.get(name).shape);
}

/** nn.ts `dense` on a 2-D x: act(x W + b), one Gemm. */
export function onnxDense(g: OnnxGraphBuilder, w: OnnxWeights, name: string, x: string, act: Activation = 'none'): string {
  return activate(g, g.op('Gemm', [x, w(`${name}.w`), w(`${name}.b`)]), act);
}

/**
 * nn.ts `dense` on x of any rank >= 2 (the last axis is the features): act(x W + b), as nn.ts
 * computes it: the leading axes flattened into rows for one Gemm (which onnxruntime fuses with
 * the activation: one pass over the output, where MatMul, Add and the activation take three),
 * then the leading shape restored.
 */
export function onnxDenseNd(g: OnnxGraphBuilder, w: OnnxWeights, name: string, x: string, act: Activation = 'none'): string {
  const weight = w(`${name}.w`);
  const rows = activate(g, g.op('Gemm', [g.op('Flatten', [x], { axis: { int: -1 } }), weight, w(`${name}.b`)]), act);
  const leading = g.op('Slice', [g.op('Shape', [x]), g.ints([0]), g.ints([-1])]);
  const features = g.op('Slice', [g.op('Shape', [weight]), g.ints([1]), g.ints([2])]);
  return g.op('Reshape', [rows, g.op('Concat', [leading, features], { axis: { int: 0 } })]);
}

/** nn.ts `mlp` on x of any rank >= 2. */
export function onnxMlpNd(g: OnnxGraphBuilder, w: OnnxWeights, name: string, layers: number, x: string, act: Activation): string {
  let h = x;
  for (let i = 0; i < layers; i++) h = onnxDenseNd(g, w, `${name}.${i}`, h, i + 1 < layers ? act : 'none');
  return h;
}

/** nn.ts `layerNorm`: over the last axis, epsilon 1e-5, gain `.g` and bias `.b`. */
export function onnxLayerNorm(g: OnnxGraphBuilder, w: OnnxWeights, name: string, x: string): string {
  return g.op('LayerNormalization', [x, w(`${name}.g`), w(`${name}.b`)], { axis: { int: -1 }, epsilon: { float: 1e-5 } });
}

/** nn.ts `mlp`: `layers` dense layers, `act` between them, none after the last. */
export function onnxMlp(g: OnnxGraphBuilder, w: OnnxWeights, name: string, layers: number, x: string, act: Activation): string {
  let h = x;
  for (let i = 0; i < layers; i++) h = onnxDense(g, w, `${name}.${i}`, h, i + 1 < layers ? act : 'none');
  return h;
}

/** RunningNormalizer.apply: (x - mean) / std over the last axis, clipped to ±clip when given. */
export function onnxNormalize(g: OnnxGraphBuilder, w: OnnxWeights, norm: string, x: string, clip?: number): string {
  const y = g.op('Div', [g.op('Sub', [x, w(`${norm}.mean`)]), w(`${norm}.std`)]);
  return clip === undefined ? y : g.op('Clip', [y, g.constant([-clip], []), g.constant([clip], [])]);
}

/** RunningNormalizer.invert: y std + mean. */
export function onnxDenormalize(g: OnnxGraphBuilder, w: OnnxWeights, norm: string, y: string): string {
  return g.op('Add', [g.op('Mul', [y, w(`${norm}.std`)]), w(`${norm}.mean`)]);
}

function activate(g: OnnxGraphBuilder, x: string, act: Activation): string {
  switch (act) {
    case 'relu':
      return g.op('Relu', [x]);
    case 'elu':
      return g.op('Elu', [x], { alpha: { float: 1 } });
    case 'none':
      return x;
  }
}
