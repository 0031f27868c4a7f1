import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { Rng } from '../../../src/core/Rng.js';

export type BackendName = 'wasm' | 'cpu';

/** Seeded normal data of a shape, as a plain array that either backend can turn into a tensor. */
export function normalData(rng: Rng, shape: readonly number[], std = 1): Float32Array {
  return rng.fillNormal(new Float32Array(shape.reduce((p, d) => p * d, 1)), 0, std);
}

/**
 * Runs `f` on each backend (switching with tf.setBackend) and returns the values it read
 * back. `f` must create its tensors itself, so each backend computes from scratch.
 */
export async function onBoth(f: () => Float32Array[] | Promise<Float32Array[]>): Promise<Record<BackendName, Float32Array[]>> {
  const out: Partial<Record<BackendName, Float32Array[]>> = {};
  for (const name of ['cpu', 'wasm'] as const) {
    assert.ok(await tf.setBackend(name), `backend ${name} did not start`);
    out[name] = await f();
  }
  return out as Record<BackendName, Float32Array[]>;
}

/** Reads a tensor as float32 values and disposes it. */
export function take(t: tf.Tensor): Float32Array {
  const values = Float32Array.from(t.dataSync());
  t.dispose();
  return values;
}

/** Asserts |a - b| <= atol + rtol * |b| everywhere, naming the first offending index. */
export function assertClose(actual: Float32Array, expected: Float32Array, label: string, atol = 1e-4, rtol = 1e-4): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < actual.length; i++) {
    const tol = atol + rtol * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      assert.fail(`${label}: index ${i}: got ${actual[i]}, expected ${expected[i]} (tolerance ${tol})`);
    }
  }
}

/** Tensors and backend buffers alive now; equal before and after a leak-free computation. */
export function liveCounts(): { tensors: number; buffers: number } {
  return { tensors: tf.memory().numTensors, buffers: tf.engine().backend.numDataIds() };
}
