import type { KernelFunc } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { encodeOnnxModel } from '../onnx/onnxProto.js';
import { OnnxGraphBuilder } from '../onnx/OnnxGraphBuilder.js';
import type { OrtFeed } from '../onnx/onnxRuntime.js';
import { globalMaxPool, maxPoolWithArgmax } from './globalMaxPool.js';
import { JS_KERNEL_BACKENDS, kernelMemory } from './jsKernelMemory.js';
import type { KernelMemory } from './jsKernelMemory.js';
import { nativeInput, nativeSession, runByRows } from './nativeKernels.js';
import { kernelInput } from './wasmBackend.js';

const ROWS = 'JepaArgmaxRows';

/** Clouds per onnxruntime run of the forward pass: each run's activations stay in cache (runByRows). */
const NATIVE_CLOUDS_PER_RUN = 4;
const SCATTER = 'JepaScatterRows';

/** One layer of the shared per-point MLP: y = relu(x w + b). */
export interface PointLayer {
  readonly w: tf.Tensor2D;
  readonly b: tf.Tensor1D;
}

/**
 * PointNet's shared MLP and symmetric pooling as one taped op: every point of x [B, N, C0]
 * through relu(x W_i + b_i) layer after layer, then the max over the points, [B, C_L] out.
 * The values are those of `dense(..., 'relu')` per layer and `globalMaxPool` (the same kernels).
 *
 * The gradient is the same too (to float rounding), at a fraction of the cost. Why: the max
 * passes its gradient to one point per (frame, channel), so only the argmax points (at most
 * B C_L of the B N, typically a few per channel) carry any gradient through the MLP; the
 * plain backward pass multiplies [B N, C] matrices that are all zeros elsewhere, twice per
 * layer, plus their masks and transposes (a sixth of a default training step on wasm). Here
 * the backward pass gathers those rows, recomputes their activations (cheaper than keeping
 * every layer's [B N, C] output), and runs the layers' backward on them alone; the input's
 * gradient is scattered back to its rows (zeros elsewhere). Ties give the gradient to the
 * first maximal point, as globalMaxPool does.
 *
 * With native kernels (nativeKernels.ts) the forward pass runs on onnxruntime as one graph,
 * whose outputs are only the [B, C_L] maxima and argmax points: the [B N, C] activations never
 * leave it. Outside a gradient tape only the maxima are computed.
 *
 * On wasm and cpu (JS kernels pick the rows); on other backends the plain ops.
 */
export function pointMlpMaxPool(x: tf.Tensor3D, layers: readonly PointLayer[]): tf.Tensor2D {
  if (x.rank !== 3) throw new Error(`pointMlpMaxPool: expected points [batch, points, channels], got shape [${x.shape.join(', ')}]`);
  if (x.dtype !== 'float32') throw new Error(`pointMlpMaxPool: expected float32 points, got ${x.dtype}`);
  if (x.shape[1] < 1) throw new Error(`pointMlpMaxPool: expected at least one point, got shape [${x.shape.join(', ')}]`);
  if (layers.length === 0) throw new Error('pointMlpMaxPool: expected at least one layer');
  let width = x.shape[2];
  layers.forEach(({ w, b }, i) => {
    if (w.rank !== 2 || w.shape[0] !== width || b.rank !== 1 || b.shape[0] !== w.shape[1]) {
      throw new Error(
        `pointMlpMaxPool: layer ${i} has weights [${w.shape.join(', ')}] and bias [${b.shape.join(', ')}], expected [${width}, m] and [m]`,
      );
    }
    width = w.shape[1];
  });
  if (!(JS_KERNEL_BACKENDS as readonly string[]).includes(tf.getBackend())) {
    return tf.tidy(() => {
      const [batch, points, channels] = x.shape;
      let h: tf.Tensor2D = tf.reshape(x, [batch * points, channels]);
      for (const { w, b } of layers) h = tf.relu(tf.add(tf.matMul(h, w), b)) as tf.Tensor2D;
      return globalMaxPool(tf.reshape(h, [batch, points, h.shape[1]]));
    });
  }
  const params = layers.flatMap(({ w, b }) => [w, b]);
  if (tf.engine().state.gradientDepth === 0) return tf.tidy(() => forward(x, params, false)[0]);
  registerPointMlpMaxPoolKernels();
  return pointOp(x, ...params);
}

/**
 * [maxima [B, C_L], argmax points [B, C_L] int32 (when `withIndices`)] of the layers
 * params = [w0, b0, w1, b1, ...] applied to x: on onnxruntime when native kernels are on,
 * else the kernels `dense` runs and the JS max pool.
 */
function forward(x: tf.Tensor3D, params: readonly tf.Tensor[], withIndices: boolean): [tf.Tensor2D, tf.Tensor2D | undefined] {
  const [batch, points, channels] = x.shape;
  const widths = [channels, ...params.filter((_, i) => i % 2 === 0).map((w) => w.shape[1] as number)];
  const out = widths[widths.length - 1];
  const session = nativeSession(`pointMlpMaxPool:${withIndices ? 'argmax:' : ''}${points}:${widths.join('-')}`, () => pointGraph(points, widths, withIndices));
  if (session !== undefined) {
    const feeds: Record<string, OrtFeed> = { x: { data: nativeInput(x), dims: x.shape } };
    params.forEach((p, i) => {
      feeds[`p${i}`] = { data: nativeInput(p), dims: p.shape };
    });
    const result = runByRows(session, feeds, ['x'], batch, NATIVE_CLOUDS_PER_RUN);
    const value = tf.tensor2d(result.value, [batch, out]);
    return [value, withIndices ? tf.tensor2d(Int32Array.from(result.indices), [batch, out], 'int32') : undefined];
  }
  let h: tf.Tensor2D = tf.reshape(x, [batch * points, channels]);
  for (let i = 0; i < params.length; i += 2) h = reluDense(h, params[i], params[i + 1]);
  const [value, indices] = maxPoolWithArgmax(tf.reshape(h, [batch, points, out]));
  if (withIndices) return [value, indices];
  indices.dispose();
  return [value, undefined];
}

/** The forward pass as an ONNX graph: input 'x' [B, points, C0], weights 'p0', 'p1', ...; outputs 'value' and (as floats) 'indices'. */
function pointGraph(points: number, widths: readonly number[], withIndices: boolean): Uint8Array {
  const g = new OnnxGraphBuilder();
  // Rows of points: each layer is one Gemm, which onnxruntime fuses with its relu (one pass over the output).
  let h = g.op('Reshape', [g.input('x', ['b', points, widths[0]]), g.ints([-1, widths[0]])]);
  for (let i = 0; i + 1 < widths.length; i++) {
    const w = g.input(`p${2 * i}`, [widths[i], widths[i + 1]]);
    const b = g.input(`p${2 * i + 1}`, [widths[i + 1]]);
    h = g.op('Relu', [g.op('Gemm', [h, w, b])]);
  }
  const out = widths[widths.length - 1];
  const features = g.op('Reshape', [h, g.ints([-1, points, out])]);
  g.output(g.name(g.op('ReduceMax', [features], { axes: { ints: [1] }, keepdims: { int: 0 } }), 'value'), ['b', out]);
  if (withIndices) {
    // The first maximal point, as the JS max pool; float32 holds point indices exactly.
    const argmax = g.op('ArgMax', [features], { axis: { int: 1 }, keepdims: { int: 0 }, select_last_index: { int: 0 } });
    g.output(g.name(g.op('Cast', [argmax], { to: { int: 1 } }), 'indices'), ['b', out]);
  }
  return encodeOnnxModel(g.build(`point_mlp_max_pool_${points}_${widths.join('_')}`));
}

/** relu(a w + b) as the one `_FusedMatMul` kernel that `dense` runs; a [n, k], w [k, m]. */
function reluDense(a: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  const [n, k] = a.shape;
  const m = w.shape[1] as number;
  const y = tf.engine().runKernel(
    '_FusedMatMul',
    { a: tf.reshape(a, [1, n, k]), b: tf.reshape(w, [1, k, m]), bias: b },
    { transposeA: false, transposeB: false, activation: 'relu', leakyreluAlpha: 0.2 },
  ) as tf.Tensor3D;
  return tf.reshape(y, [n, m]);
}

const pointOp = tf.customGrad((...args) => {
  const save = args[args.length - 1] as tf.GradSaveFunc;
  const x = args[0] as tf.Tensor3D;
  const params = args.slice(1, -1) as tf.Tensor[];
  const [batch, points, channels] = x.shape;
  const [value, indices] = tf.tidy(() => forward(x, params, true)) as [tf.Tensor2D, tf.Tensor2D];
  save([x, indices, value, ...params]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, idx, pooled, ...ps] = saved;
      // The argmax points (ascending flat row b N + n) and dy placed on them where the max was > 0 (relu's gradient).
      const [rows, dLast] = tf.engine().runKernel(ROWS, { indices: idx, dy, value: pooled }, { numPoints: points }) as [tf.Tensor1D, tf.Tensor2D];
      const activations: tf.Tensor2D[] = [tf.gather(tf.reshape(xs, [batch * points, channels]), rows) as tf.Tensor2D];
      for (let i = 0; i + 2 < ps.length; i += 2) activations.push(reluDense(activations[i / 2], ps[i], ps[i + 1]));
      const grads: tf.Tensor[] = new Array<tf.Tensor>(ps.length + 1);
      let dz: tf.Tensor2D = dLast;
      for (let i = ps.length / 2 - 1; i >= 0; i--) {
        const input = activations[i];
        grads[1 + 2 * i] = tf.matMul(input, dz, true, false);
        grads[2 + 2 * i] = tf.sum(dz, 0);
        const dInput = tf.matMul(dz, ps[2 * i] as tf.Tensor2D, false, true);
        if (i > 0) dz = tf.mul(dInput, tf.step(input));
        else grads[0] = tf.reshape(tf.engine().runKernel(SCATTER, { values: dInput, rows }, { numRows: batch * points }) as tf.Tensor2D, x.shape);
      }
      return grads;
    },
  };
});

let registered = false;

/** Registers the JS kernels of the backward pass for wasm and cpu (idempotent; pointMlpMaxPool calls it). */
export function registerPointMlpMaxPoolKernels(): void {
  if (registered) return;
  for (const backendName of JS_KERNEL_BACKENDS) {
    const memory = kernelMemory(backendName);
    if (tf.getKernel(ROWS, backendName) === undefined) tf.registerKernel({ kernelName: ROWS, backendName, kernelFunc: rowsKernel(memory) });
    if (tf.getKernel(SCATTER, backendName) === undefined) tf.registerKernel({ kernelName: SCATTER, backendName, kernelFunc: scatterKernel(memory) });
  }
  registered = true;
}

/**
 * indices [B, C] (argmax point of each frame and channel), dy and value [B, C], attr
 * numPoints N -> rows int32 [R] (the distinct flat rows b N + indices[b, c], ascending) and
 * g [R, C]: g[r, c] = dy[b, c] on the argmax row of (b, c) when value[b, c] > 0, else 0.
 */
function rowsKernel(memory: KernelMemory): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const indicesInfo = kernelInput(inputs, 'indices', ROWS);
    const dyInfo = kernelInput(inputs, 'dy', ROWS);
    const valueInfo = kernelInput(inputs, 'value', ROWS);
    const [b, c] = indicesInfo.shape;
    const n = attrs?.numPoints as number;
    // Slot of each flat row in the output, -1 for rows no channel chose. JS arrays: no wasm allocation until the outputs.
    const slot = new Int32Array(b * n).fill(-1);
    const idx = Int32Array.from(memory.ints(backend, indicesInfo));
    for (let bi = 0; bi < b; bi++) {
      for (let ci = 0; ci < c; ci++) slot[bi * n + idx[bi * c + ci]] = 0;
    }
    let count = 0;
    for (let r = 0; r < slot.length; r++) if (slot[r] === 0) slot[r] = ++count;
    const rowsInfo = memory.output(backend, [count], 'int32');
    const gInfo = memory.output(backend, [count, c], 'float32');
    // Views after the last allocation: a growing wasm heap detaches earlier ones.
    const rows = memory.ints(backend, rowsInfo);
    const g = memory.floats(backend, gInfo);
    const dy = memory.floats(backend, dyInfo);
    const value = memory.floats(backend, valueInfo);
    for (let r = 0; r < slot.length; r++) if (slot[r] > 0) rows[slot[r] - 1] = r;
    g.fill(0);
    for (let bi = 0; bi < b; bi++) {
      for (let ci = 0; ci < c; ci++) {
        const k = bi * c + ci;
        if (value[k] > 0) g[(slot[bi * n + idx[k]] - 1) * c + ci] = dy[k];
      }
    }
    return [rowsInfo, gInfo];
  };
}

/** values [R, C], rows int32 [R] (distinct), attr numRows -> [numRows, C], values on their rows, zeros elsewhere. */
function scatterKernel(memory: KernelMemory): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const valuesInfo = kernelInput(inputs, 'values', SCATTER);
    const rowsInfo = kernelInput(inputs, 'rows', SCATTER);
    const c = valuesInfo.shape[1];
    const outInfo = memory.output(backend, [attrs?.numRows as number, c], 'float32');
    const out = memory.floats(backend, outInfo);
    const values = memory.floats(backend, valuesInfo);
    const rows = memory.ints(backend, rowsInfo);
    out.fill(0);
    for (let r = 0; r < rows.length; r++) {
      const src = r * c;
      const dst = rows[r] * c;
      for (let k = 0; k < c; k++) out[dst + k] = values[src + k];
    }
    return outInfo;
  };
}
