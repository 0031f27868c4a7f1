import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/core/Rng.js';
import { installWasmKernelFixes } from '../../../src/model/engine/installWasmKernelFixes.js';
import { assertClose, liveCounts, normalData, onBoth, take } from './backendFixtures.js';

const rng = new Rng('conv2DBackpropFilterWasm');

interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid' | number;
}

const CASES: Case[] = [
  { x: [1, 5, 5, 1], filter: [3, 3, 1, 1], strides: 1, pad: 'valid' },
  { x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 5], strides: 2, pad: 'same' },
  { x: [2, 9, 7, 2], filter: [4, 2, 2, 3], strides: [2, 3], pad: 'same' },
  { x: [3, 9, 9, 4], filter: [5, 5, 4, 2], strides: 2, pad: 'valid' },
  { x: [1, 6, 6, 20], filter: [2, 2, 20, 3], strides: 2, pad: 'valid' }, // many channels: block copies
  { x: [2, 6, 5, 3], filter: [3, 3, 3, 2], strides: 1, pad: 1 },
  { x: [1, 4, 4, 2], filter: [1, 1, 2, 6], strides: 1, pad: 'valid' },
];

describe('Conv2DBackpropFilter on wasm', () => {
  before(async () => {
    await tf.setBackend('wasm');
    installWasmKernelFixes();
  });

  test('is registered for wasm after the fixes', () => {
    assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined);
  });

  for (const c of CASES) {
    test(`dL/dfilter x=[${c.x}] filter=[${c.filter}] strides=${String(c.strides)} pad=${c.pad} agrees with cpu, no leak`, async () => {
      const xData = normalData(rng, c.x);
      const fData = normalData(rng, c.filter, 0.5);
      const results = await onBoth(() => {
        const x = tf.tensor4d(xData, c.x);
        const filter = tf.tensor4d(fData, c.filter);
        const counts = liveCounts();
        // A loss that weighs outputs unevenly, so a mixed-up position shows.
        const loss = (f: tf.Tensor): tf.Scalar =>
          tf.tidy(() => {
            const y = tf.conv2d(x, f as tf.Tensor4D, c.strides, c.pad);
            return tf.sum(tf.mul(tf.square(y), tf.linspace(0.5, 1.5, y.size).reshape(y.shape)));
          });
        const out = take(tf.grad(loss)(filter));
        assert.deepEqual(liveCounts(), counts, 'tensors or buffers leaked');
        tf.dispose([x, filter]);
        return [out];
      });
      assertClose(results.wasm[0], results.cpu[0], `dfilter ${JSON.stringify(c)}`, 1e-3, 1e-4);
    });
  }

  test('a small conv net trains on wasm like on cpu', async () => {
    const xData = normalData(rng, [4, 8, 8, 3]);
    const init = normalData(rng, [3, 3, 3, 4], 0.3);
    const results = await onBoth(() => {
      const x = tf.tensor4d(xData, [4, 8, 8, 3]);
      const w = tf.variable(tf.tensor4d(init, [3, 3, 3, 4]));
      const optimizer = tf.train.sgd(0.01);
      for (let step = 0; step < 3; step++) {
        optimizer.minimize(() => tf.mean(tf.square(tf.sub(tf.relu(tf.conv2d(x, w, 2, 'same')), 0.5))));
      }
      const out = [Float32Array.from(w.dataSync())];
      tf.dispose([x, w]);
      optimizer.dispose();
      return out;
    });
    assertClose(results.wasm[0], results.cpu[0], 'trained filter', 1e-4);
  });

  test('NCHW is refused with a message naming the format', () => {
    const x = tf.zeros([1, 2, 4, 4]);
    const dy = tf.zeros([1, 3, 4, 4]);
    assert.throws(
      () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [1, 1, 2, 3] }),
      /dataFormat 'NCHW' is not supported, expected 'NHWC'/,
    );
    tf.dispose([x, dy]);
  });
});
