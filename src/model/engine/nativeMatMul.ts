import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { encodeOnnxModel } from '../onnx/onnxProto.js';
import { OnnxGraphBuilder } from '../onnx/OnnxGraphBuilder.js';
import type { OrtFeed } from '../onnx/onnxRuntime.js';
import { nativeSession } from './nativeKernels.js';
import { asWasmBackend, floatView, kernelInput } from './wasmBackend.js';
import type { WasmBackend } from './wasmBackend.js';

/**
 * Products of at least this many multiply-adds go to onnxruntime; smaller ones stay on wasm,
 * where a call costs less than onnxruntime's per-run overhead (tens of microseconds).
 */
export const NATIVE_MATMUL_MIN_MACS = 1 << 16;

/** Shallower products (e.g. xyz points times a first layer) are memory-bound: wasm does them as fast. */
const MIN_DEPTH = 8;

/** The activations of `_FusedMatMul` that the ONNX graph applies (others stay on wasm). */
const ACTIVATIONS = ['linear', 'relu', 'elu'] as const;
type NativeActivation = (typeof ACTIVATIONS)[number];

/**
 * Wraps a wasm matMul kernel (`BatchMatMul` or `_FusedMatMul`) so that large single products
 * (every leading dimension 1: the dense layers' [1, n, k] x [1, k, m] and the backward pass's
 * transposed products) run on onnxruntime's CPU kernels, with bias and activation (linear,
 * relu, elu) in the same call. Why: XNNPACK in wasm reaches ~15 GFLOP/s on one core here
 * (128-bit SIMD, no FMA); onnxruntime's MLAS uses the CPU's native vector units (AVX2,
 * AVX-512 with FMA) and reads transposed operands in place. The operands and the output stay
 * in the wasm heap: onnxruntime reads and writes views of it, no copies (copies only where
 * the heap is shared memory, the threaded build). Everything else (batched products, other
 * activations, prelu, small products) goes to `original`.
 *
 * One tiny graph per variant (transposes, bias, activation), with symbolic sizes, created on
 * first use: Gemm, then the activation (onnxruntime fuses them).
 */
export function nativeMatMul(original: KernelConfig, minMacs = NATIVE_MATMUL_MIN_MACS): KernelConfig {
  const config = { ...original, kernelFunc: nativeKernelFunc(original, minMacs) };
  wrapped.set(config.kernelFunc, original);
  return config;
}

/** The kernel each nativeMatMul wrapper falls back to. */
const wrapped = new WeakMap<KernelFunc, KernelConfig>();

/** The kernel a nativeMatMul wrapper falls back to; undefined when `config` is no such wrapper. */
export function nativeMatMulFallback(config: KernelConfig): KernelConfig | undefined {
  return wrapped.get(config.kernelFunc);
}

function nativeKernelFunc(original: KernelConfig, minMacs: number): KernelFunc {
  const name = original.kernelName;
  return ({ inputs, backend, attrs }) => {
    const a = kernelInput(inputs, 'a', name);
    const b = kernelInput(inputs, 'b', name);
    const bias = inputs.bias;
    const activation = String(attrs?.activation ?? 'linear');
    const transposeA = attrs?.transposeA === true;
    const transposeB = attrs?.transposeB === true;
    const rank = a.shape.length;
    const single = (x: TensorInfo): boolean => x.shape.slice(0, -2).every((d) => d === 1);
    if (
      rank < 2 ||
      b.shape.length !== rank ||
      !single(a) ||
      !single(b) ||
      a.dtype !== 'float32' ||
      b.dtype !== 'float32' ||
      !(ACTIVATIONS as readonly string[]).includes(activation) ||
      inputs.preluActivationWeights !== undefined
    ) {
      return original.kernelFunc({ inputs, backend, attrs });
    }
    const [a0, a1] = a.shape.slice(-2);
    const [b0, b1] = b.shape.slice(-2);
    const m = transposeA ? a1 : a0;
    const k = transposeA ? a0 : a1;
    const n = transposeB ? b0 : b1;
    const biasSize = bias?.shape.reduce((p, d) => p * d, 1);
    if (m * k * n < minMacs || k < MIN_DEPTH || (transposeB ? b1 : b0) !== k || (bias !== undefined && (bias.dtype !== 'float32' || biasSize !== n))) {
      return original.kernelFunc({ inputs, backend, attrs });
    }
    const key = `matMul:${transposeA ? 'T' : 'N'}${transposeB ? 'T' : 'N'}${bias === undefined ? '' : '+bias'}:${activation}`;
    const session = nativeSession(key, () => gemmModel(transposeA, transposeB, bias !== undefined, activation as NativeActivation));
    if (session === undefined) return original.kernelFunc({ inputs, backend, attrs });
    const wasm = asWasmBackend(backend);
    const out = wasm.makeOutput([...a.shape.slice(0, -2), m, n], 'float32');
    // Views after the allocation: a growing heap detaches earlier views.
    const feeds: Record<string, OrtFeed> = { a: operand(wasm, a, [a0, a1]), b: operand(wasm, b, [b0, b1]) };
    if (bias !== undefined) feeds.bias = operand(wasm, bias, [n]);
    const y = floatView(wasm, out);
    if (isShared(y)) {
      // The threaded build's heap is shared memory, which onnxruntime's binding cannot address: copy.
      const result = new Float32Array(m * n);
      session.runInto(feeds, { y: { data: result, dims: [m, n] } });
      floatView(wasm, out).set(result);
    } else {
      session.runInto(feeds, { y: { data: y, dims: [m, n] } });
    }
    return out;
  };
}

function operand(backend: WasmBackend, info: TensorInfo, dims: number[]): OrtFeed {
  const view = floatView(backend, info);
  return { data: isShared(view) ? view.slice() : view, dims };
}

function isShared(view: Float32Array): boolean {
  return !(view.buffer instanceof ArrayBuffer);
}

/** act(op(a) op(b) + bias) with op a transpose or not; inputs 'a', 'b' (and 'bias'), output 'y'. */
function gemmModel(transposeA: boolean, transposeB: boolean, hasBias: boolean, activation: NativeActivation): Uint8Array {
  const g = new OnnxGraphBuilder();
  const inputs = [g.input('a', transposeA ? ['k', 'm'] : ['m', 'k']), g.input('b', transposeB ? ['n', 'k'] : ['k', 'n'])];
  if (hasBias) inputs.push(g.input('bias', ['n']));
  let y = g.op('Gemm', inputs, { transA: { int: transposeA ? 1 : 0 }, transB: { int: transposeB ? 1 : 0 } });
  if (activation === 'relu') y = g.op('Relu', [y]);
  if (activation === 'elu') y = g.op('Elu', [y], { alpha: { float: 1 } });
  g.output(g.name(y, 'y'), ['m', 'n']);
  return encodeOnnxModel(g.build(`matmul_${transposeA ? 't' : 'n'}${transposeB ? 't' : 'n'}${hasBias ? '_bias' : ''}_${activation}`));
}
