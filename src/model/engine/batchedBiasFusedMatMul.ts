import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { asWasmBackend, callKernel, kernelInput, requireKernel } from './wasmBackend.js';

/** The wasm kernel that applies each fusable activation after the fact, with its attrs. */
const ACTIVATIONS: Record<string, string | undefined> = {
  linear: undefined,
  relu: 'Relu',
  relu6: 'Relu6',
  elu: 'Elu',
  sigmoid: 'Sigmoid',
  leakyrelu: 'LeakyRelu',
  prelu: 'Prelu',
};

/**
 * Wraps the wasm `_FusedMatMul` kernel, whose bias is wrong when the product has a batch
 * (seen in 4.22: [2,4,3] x [3,5] + bias[5] differs from cpu by bias[j] - bias[0] in some
 * entries). That is exactly PointNet's shared MLP, [B,N,C] x [C,D] + bias. When b is shared
 * (batch 1), a is seen as one [1, B*M, K] matrix, which the kernel gets right, at full
 * speed; otherwise the product runs without bias and the bias and activation run as their
 * own kernels. Expects untransposed operands (`transposeFirstMatMul` wraps it).
 */
export function batchedBiasFusedMatMul(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const bias = inputs.bias;
    const a = kernelInput(inputs, 'a', original.kernelName);
    const b = kernelInput(inputs, 'b', original.kernelName);
    const transposed = attrs?.transposeA === true || attrs?.transposeB === true;
    const batch = Math.max(a.shape[0], b.shape[0]);
    if (bias === undefined || batch === 1 || transposed || a.shape.length !== 3 || b.shape.length !== 3) {
      return original.kernelFunc({ inputs, backend, attrs });
    }
    const [, m, k] = a.shape;
    const n = b.shape[2];
    const prelu = inputs.preluActivationWeights;
    if (b.shape[0] === 1 && (prelu === undefined || prelu.shape.length <= 1)) {
      const flat: TensorInfo = { dataId: a.dataId, shape: [1, a.shape[0] * m, k], dtype: a.dtype };
      const out = original.kernelFunc({ inputs: { ...inputs, a: flat }, backend, attrs }) as TensorInfo;
      return { ...out, shape: [a.shape[0], m, n] };
    }
    return unfused(original, inputs, backend, attrs ?? {}, bias);
  };
  return { ...original, kernelFunc };
}

/** act(a b + bias) as three kernel calls, freeing the intermediates. */
function unfused(
  original: KernelConfig,
  inputs: Parameters<KernelFunc>[0]['inputs'],
  rawBackend: unknown,
  attrs: NonNullable<Parameters<KernelFunc>[0]['attrs']>,
  bias: TensorInfo,
): TensorInfo {
  const backend = asWasmBackend(rawBackend);
  const activation = String(attrs.activation ?? 'linear');
  if (!(activation in ACTIVATIONS)) throw new Error(`_FusedMatMul on wasm: unknown activation '${activation}'`);
  const product = callKernel(
    original.kernelFunc,
    backend,
    { a: kernelInput(inputs, 'a', original.kernelName), b: kernelInput(inputs, 'b', original.kernelName) },
    { ...attrs, activation: 'linear' },
  );
  let sum: TensorInfo;
  try {
    sum = callKernel(requireKernel('Add', 'wasm').kernelFunc, backend, { a: product, b: bias });
  } finally {
    backend.disposeData(product.dataId);
  }
  const kernel = ACTIVATIONS[activation];
  if (kernel === undefined) return sum;
  try {
    if (kernel === 'Prelu') {
      const alpha = kernelInput(inputs, 'preluActivationWeights', original.kernelName);
      return callKernel(requireKernel(kernel, 'wasm').kernelFunc, backend, { x: sum, alpha });
    }
    return callKernel(requireKernel(kernel, 'wasm').kernelFunc, backend, { x: sum }, { alpha: attrs.leakyreluAlpha ?? 0.2 });
  } finally {
    backend.disposeData(sum.dataId);
  }
}
