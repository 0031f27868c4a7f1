import * as tf from '@tensorflow/tfjs';
import { encodeOnnxModel } from '../onnx/onnxProto.js';
import { OnnxGraphBuilder } from '../onnx/OnnxGraphBuilder.js';
import type { OrtFeed } from '../onnx/onnxRuntime.js';
import { JS_KERNEL_BACKENDS } from './jsKernelMemory.js';
import { nativeInput, nativeKernels, nativeSession } from './nativeKernels.js';

/** The activation after a dense layer (nn.ts `Activation`). */
export type MlpActivation = 'relu' | 'elu' | 'none';

/** One dense layer y = act(x w + b). */
export interface MlpLayer {
  readonly w: tf.Tensor2D;
  readonly b: tf.Tensor1D;
  readonly act: MlpActivation;
}

/** Whether `nativeMlp` runs here now: native kernels on, and a backend whose tensors JS can read. */
export function nativeMlpAvailable(): boolean {
  return nativeKernels() !== undefined && (JS_KERNEL_BACKENDS as readonly string[]).includes(tf.getBackend());
}

/**
 * A stack of dense layers on x [n, k] as one taped op whose forward and backward passes are
 * each one onnxruntime graph (native kernels): act_i(h W_i + b_i) layer after layer; the
 * backward graph recomputes the activations from x and gives dx and every dW_i, db_i, with
 * the gradients tfjs's ops give (relu: dy where the output is > 0; elu: dy (y + 1) where the
 * output is < 0). Why: under a gradient tape each tfjs dense layer costs about 15 kernel
 * calls (reshapes, the saved tensors' clones, activation gradient, two products, the bias sum,
 * casts), each with the engine's JavaScript overhead, which was most of a training step's
 * time at the learner's batch of 16; here a whole MLP is two calls.
 * Needs `nativeMlpAvailable()`.
 */
export function nativeMlp(x: tf.Tensor2D, layers: readonly MlpLayer[]): tf.Tensor2D {
  if (!nativeMlpAvailable()) throw new Error('nativeMlp: the native kernels are off or the backend is not wasm/cpu');
  if (x.rank !== 2 || x.dtype !== 'float32') throw new Error(`nativeMlp: expected float32 x [n, k], got ${x.dtype} [${x.shape.join(', ')}]`);
  if (layers.length === 0) throw new Error('nativeMlp: expected at least one layer');
  let width = x.shape[1];
  layers.forEach(({ w, b }, i) => {
    if (w.rank !== 2 || w.shape[0] !== width || b.rank !== 1 || b.shape[0] !== w.shape[1]) {
      throw new Error(`nativeMlp: layer ${i} has weights [${w.shape.join(', ')}] and bias [${b.shape.join(', ')}], expected [${width}, m] and [m]`);
    }
    width = w.shape[1];
  });
  const spec = { widths: [x.shape[1], ...layers.map((l) => l.w.shape[1])], acts: layers.map((l) => l.act) };
  return mlpOp(spec)(x, ...layers.flatMap(({ w, b }) => [w, b]));
}

interface MlpSpec {
  readonly widths: readonly number[];
  readonly acts: readonly MlpActivation[];
}

const ops = new Map<string, (...inputs: tf.Tensor[]) => tf.Tensor2D>();

/** The taped op of one layer layout (customGrad functions are made once per layout). */
function mlpOp(spec: MlpSpec): (...inputs: tf.Tensor[]) => tf.Tensor2D {
  const key = `${spec.widths.join('-')}:${spec.acts.join('-')}`;
  let op = ops.get(key);
  if (op !== undefined) return op;
  op = tf.customGrad((...args) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const inputs = args.slice(0, -1) as tf.Tensor[];
    const [x] = inputs as [tf.Tensor2D];
    const n = x.shape[0];
    const out = run(`mlp:${key}:forward`, () => mlpGraph(spec, false), inputs);
    save(inputs);
    return {
      value: tf.tensor2d(out.y, [n, spec.widths[spec.widths.length - 1]]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const grads = run(`mlp:${key}:backward`, () => mlpGraph(spec, true), [...saved, dy]);
        return saved.map((t, i) => tf.tensor(grads[`d${i}`], t.shape, 'float32'));
      },
    };
  }) as (...inputs: tf.Tensor[]) => tf.Tensor2D;
  ops.set(key, op);
  return op;
}

/** Runs the graph `key` (made by `graph` on first use) on the tensors' values: inputs 'i0', 'i1', ... */
function run(key: string, graph: () => Uint8Array, tensors: readonly tf.Tensor[]): Record<string, Float32Array> {
  const session = nativeSession(key, graph);
  if (session === undefined) throw new Error('nativeMlp: the native kernels were switched off');
  const feeds: Record<string, OrtFeed> = {};
  tensors.forEach((t, i) => {
    feeds[`i${i}`] = { data: nativeInput(t), dims: t.shape };
  });
  return session.run(feeds);
}

/**
 * The forward graph (inputs i0 = x, then w and b of each layer; output 'y'), or with
 * `backward` the gradient graph (one more input, dy, last; outputs 'd0' = dx, then dW and db
 * of each layer, in input order).
 */
function mlpGraph(spec: MlpSpec, backward: boolean): Uint8Array {
  const { widths, acts } = spec;
  const g = new OnnxGraphBuilder();
  const x = g.input('i0', ['n', widths[0]]);
  const w = acts.map((_, i) => g.input(`i${1 + 2 * i}`, [widths[i], widths[i + 1]]));
  const b = acts.map((_, i) => g.input(`i${2 + 2 * i}`, [widths[i + 1]]));
  // h[0] = x, h[i + 1] = act_i(h[i] W_i + b_i).
  const h = [x];
  acts.forEach((act, i) => {
    const z = g.op('Gemm', [h[i], w[i], b[i]]);
    h.push(act === 'relu' ? g.op('Relu', [z]) : act === 'elu' ? g.op('Elu', [z], { alpha: { float: 1 } }) : z);
  });
  const last = widths[widths.length - 1];
  if (!backward) {
    g.output(g.name(h[h.length - 1], 'y'), ['n', last]);
    return encodeOnnxModel(g.build(`mlp_${widths.join('_')}_forward`));
  }
  let dh = g.input(`i${1 + 2 * acts.length}`, ['n', last]);
  for (let i = acts.length - 1; i >= 0; i--) {
    // dz = dh act'(z), read off the layer's output y = h[i + 1], as tfjs's gradients do.
    const y = h[i + 1];
    const dz =
      acts[i] === 'relu'
        ? g.op('Mul', [dh, g.op('Sign', [y])]) // y >= 0: sign is 1 where y > 0, 0 where y = 0
        : acts[i] === 'elu'
          ? g.op('Mul', [dh, g.op('Add', [g.op('Min', [y, g.constant([0], [])]), g.constant([1], [])])]) // 1 where y >= 0, y + 1 below
          : dh;
    g.output(g.name(g.op('Gemm', [h[i], dz], { transA: { int: 1 } }), `d${1 + 2 * i}`), [widths[i], widths[i + 1]]);
    g.output(g.name(g.op('ReduceSum', [dz, g.ints([0])], { keepdims: { int: 0 } }), `d${2 + 2 * i}`), [widths[i + 1]]);
    dh = g.op('Gemm', [dz, w[i]], { transB: { int: 1 } });
  }
  g.output(g.name(dh, 'd0'), ['n', widths[0]]);
  return encodeOnnxModel(g.build(`mlp_${widths.join('_')}_backward`));
}
