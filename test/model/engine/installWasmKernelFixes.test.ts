import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installWasmKernelFixes, uninstallWasmKernelFixes } from '../../../src/model/engine/installWasmKernelFixes.js';
import { nativeMatMulFallback } from '../../../src/model/engine/nativeMatMul.js';
import { isTransposeFirstMatMul } from '../../../src/model/engine/transposeFirstMatMul.js';

/** What a matMul kernel falls back to under its nativeMatMul wrapper (itself when not wrapped). */
function underNative(config: tf.KernelConfig): tf.KernelConfig {
  return nativeMatMulFallback(config) ?? config;
}

const shippedIdentity = tf.getKernel('Identity', 'wasm');

function state(): { batchMatMul: boolean; fused: boolean; conv: boolean; maxPool: boolean; identity: boolean } {
  return {
    batchMatMul: isTransposeFirstMatMul(underNative(tf.getKernel('BatchMatMul', 'wasm')!)),
    fused: isTransposeFirstMatMul(underNative(tf.getKernel('_FusedMatMul', 'wasm')!)),
    conv: tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined,
    maxPool: tf.getKernel('JepaGlobalMaxPool', 'wasm') !== undefined,
    identity: tf.getKernel('Identity', 'wasm') !== shippedIdentity,
  };
}

describe('installWasmKernelFixes', () => {
  after(() => installWasmKernelFixes());

  test('works before the wasm backend starts, and the kernels run once it does', async () => {
    const original = tf.getKernel('BatchMatMul', 'wasm');
    assert.deepEqual(installWasmKernelFixes().sort(), ['BatchMatMul', 'Conv2DBackpropFilter', 'Identity', 'Mean', 'Sum', '_FusedMatMul']);
    assert.deepEqual(state(), { batchMatMul: true, fused: true, conv: true, maxPool: true, identity: true });
    assert.notEqual(tf.getKernel('BatchMatMul', 'wasm'), original);
    await tf.setBackend('wasm');
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    assert.deepEqual(tf.matMul(a, a, true, false).arraySync(), [[10, 14], [14, 20]]);
    a.dispose();
  });

  test('is idempotent: a second call changes nothing and wraps no wrapper', () => {
    const kernels = ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropFilter', 'Identity', 'Sum', 'Mean'];
    const before = kernels.map((k) => tf.getKernel(k, 'wasm'));
    assert.deepEqual(installWasmKernelFixes().sort(), ['BatchMatMul', 'Conv2DBackpropFilter', 'Identity', 'Mean', 'Sum', '_FusedMatMul']);
    assert.deepEqual(kernels.map((k) => tf.getKernel(k, 'wasm')), before);
  });

  test('uninstall restores the shipped kernels, and installing again works', async () => {
    uninstallWasmKernelFixes();
    assert.deepEqual(state(), { batchMatMul: false, fused: false, conv: false, maxPool: true, identity: false });
    // The shipped kernels still run (their setup survived the swap).
    await tf.setBackend('wasm');
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    assert.deepEqual(tf.matMul(a, a, false, true).arraySync(), [[5, 11], [11, 25]]);
    assert.deepEqual(installWasmKernelFixes().sort(), ['BatchMatMul', 'Conv2DBackpropFilter', 'Identity', 'Mean', 'Sum', '_FusedMatMul']);
    assert.deepEqual(tf.matMul(a, a, false, true).arraySync(), [[5, 11], [11, 25]]);
    a.dispose();
  });
});
