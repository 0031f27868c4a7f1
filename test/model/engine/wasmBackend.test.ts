import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { asWasmBackend, callKernel, floatView, intView, kernelInput, requireKernel } from '../../../src/model/engine/wasmBackend.js';

describe('wasmBackend', () => {
  test('reads and writes heap memory through typed views, and frees it', async () => {
    await tf.setBackend('wasm');
    const backend = asWasmBackend(tf.backend());
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    assert.deepEqual(Array.from(floatView(backend, x)), [1, 2, 3, 4, 5, 6]);
    const transposed = callKernel(requireKernel('Transpose', 'wasm').kernelFunc, backend, { x }, { perm: [1, 0] });
    assert.deepEqual(transposed.shape, [3, 2]);
    assert.deepEqual(Array.from(floatView(backend, transposed)), [1, 4, 2, 5, 3, 6]);
    const buffers = tf.engine().backend.numDataIds();
    backend.disposeData(transposed.dataId);
    assert.equal(tf.engine().backend.numDataIds(), buffers - 1);
    const ints = tf.tensor1d([7, 8], 'int32');
    assert.deepEqual(Array.from(intView(backend, ints)), [7, 8]);
    assert.throws(() => floatView(backend, ints), /expected a float32 tensor, got int32/);
    tf.dispose([x, ints]);
  });

  test('refuses another backend and names missing kernels and inputs', async () => {
    await tf.setBackend('cpu');
    assert.throws(() => asWasmBackend(tf.backend()), /expected the tfjs wasm backend/);
    assert.throws(() => requireKernel('NoSuchKernel', 'wasm'), /kernel 'NoSuchKernel' is not registered for backend 'wasm'/);
    assert.throws(() => kernelInput({}, 'dy', 'Conv2DBackpropFilter'), /Conv2DBackpropFilter: missing input 'dy'/);
  });
});
