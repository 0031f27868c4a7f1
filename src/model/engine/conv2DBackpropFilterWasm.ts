import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { asWasmBackend, callKernel, floatView, kernelInput } from './wasmBackend.js';

type Pad = Parameters<typeof tf.backend_util.computeConv2DInfo>[4];
type Rounding = Parameters<typeof tf.backend_util.computeConv2DInfo>[5];

/** The wasm kernels this one is built from (the untransposed, fast matMul). */
export interface Conv2DBackpropFilterParts {
  transpose: KernelFunc;
  batchMatMul: KernelFunc;
}

/**
 * `Conv2DBackpropFilter` for the wasm backend, which ships none (so conv nets cannot train
 * there as shipped). im2col: the input patches become rows of a [B*OH*OW, KH*KW*Cin]
 * matrix, and dW = cols^T dy is one matMul, run untransposed on whichever side needs the
 * smaller transpose. NHWC only (the wasm forward conv is NHWC only too); dilation 1, as the
 * kernel's contract says.
 */
export function conv2DBackpropFilterWasm(parts: Conv2DBackpropFilterParts): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend: rawBackend, attrs }) => {
    const backend = asWasmBackend(rawBackend);
    const x = kernelInput(inputs, 'x', 'Conv2DBackpropFilter');
    const dy = kernelInput(inputs, 'dy', 'Conv2DBackpropFilter');
    const a = attrs ?? {};
    if (a.dataFormat !== undefined && a.dataFormat !== 'NHWC') {
      throw new Error(`Conv2DBackpropFilter on wasm: dataFormat '${String(a.dataFormat)}' is not supported, expected 'NHWC'`);
    }
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
      throw new Error(`Conv2DBackpropFilter on wasm: expected float32 x and dy, got ${x.dtype} and ${dy.dtype}`);
    }
    const filterShape = a.filterShape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      a.strides as number | [number, number],
      1,
      a.pad as Pad,
      a.dimRoundingMode as Rounding,
      false,
      'channelsLast',
    );
    const rows = info.batchSize * info.outHeight * info.outWidth;
    const depth = info.filterHeight * info.filterWidth * info.inChannels;
    const cols = backend.makeOutput([rows, depth], 'float32');
    // Views after the allocation: a growing heap detaches earlier views.
    im2col(floatView(backend, x), floatView(backend, cols), info);

    const dy2: TensorInfo = { dataId: dy.dataId, shape: [rows, info.outChannels], dtype: 'float32' };
    const made: TensorInfo[] = [cols];
    const matMul = (p: TensorInfo, q: TensorInfo): TensorInfo => {
      const out = callKernel(parts.batchMatMul, backend, { a: p, b: q }, { transposeA: false, transposeB: false });
      made.push(out);
      return out;
    };
    const transpose = (p: TensorInfo): TensorInfo => {
      const out = callKernel(parts.transpose, backend, { x: p }, { perm: [1, 0] });
      made.push(out);
      return out;
    };
    try {
      let dW: TensorInfo;
      // Either (cols^T) dy, or (dy^T cols)^T: transpose the side with fewer elements.
      if (rows * depth <= rows * info.outChannels + depth * info.outChannels) {
        dW = matMul(transpose(cols), dy2);
      } else {
        dW = transpose(matMul(transpose(dy2), cols));
      }
      made.pop(); // the result is handed out, not freed
      return { dataId: dW.dataId, shape: [...filterShape], dtype: 'float32' };
    } finally {
      for (const t of made) backend.disposeData(t.dataId);
    }
  };
  return { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc };
}

/** Fills `out` [B*OH*OW, KH*KW*Cin] with the input patch of each output pixel (zeros in the padding). */
function im2col(x: Float32Array, out: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const rowLength = kh * kw * c;
  let dst = 0;
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inHeight * inWidth * c;
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        for (let fy = 0; fy < kh; fy++) {
          const iy = oy * strideHeight - top + fy;
          if (iy < 0 || iy >= inHeight) {
            out.fill(0, dst, dst + kw * c);
            dst += kw * c;
            continue;
          }
          const xRow = xBatch + iy * inWidth * c;
          for (let fx = 0; fx < kw; fx++) {
            const ix = ox * strideWidth - left + fx;
            if (ix < 0 || ix >= inWidth) {
              out.fill(0, dst, dst + c);
            } else if (c >= 16) {
              out.set(x.subarray(xRow + ix * c, xRow + ix * c + c), dst);
            } else {
              // Few channels (e.g. RGB): a plain loop beats creating a subarray.
              const src = xRow + ix * c;
              for (let k = 0; k < c; k++) out[dst + k] = x[src + k];
            }
            dst += c;
          }
        }
      }
    }
  }
  if (dst !== out.length || rowLength * outHeight * outWidth * batchSize !== out.length) {
    throw new Error(`im2col filled ${dst} of ${out.length} values`);
  }
}
