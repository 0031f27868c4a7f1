import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng, timestampFromSeconds } from '../../src/core/index.js';
import type { ModelConfigInput, Observation } from '../../src/core/index.js';

/** The suite's backend (test/backend.ts): wasm with the engine's kernel fixes unless JEPA_TEST_BACKEND names another. */
export { useTestBackend } from '../backend.js';

/**
 * A small model of the three sensor modalities: 8x8 RGB in 4x4 patches, 16 points, 3 joints.
 * No object view: synthetic clouds hold no object for perception to find (tests that want
 * one turn it on).
 */
export function tinyConfig(overrides: ModelConfigInput = {}): ModelConfigInput {
  return {
    latentDim: 8,
    image: { size: 8, patchSize: 4, width: 8, mixerDepth: 1, tokenHidden: 8, channelHidden: 8 },
    points: { count: 16, hidden: [8, 16] },
    proprio: { dim: 10, hidden: 16 },
    actionDim: 3,
    predictor: { width: 16, depth: 1 },
    horizon: 2,
    // Synthetic clouds are random points, not a tabletop: no workspace crop or plane.
    perception: { enabled: false },
    ...overrides,
    modalities: { object: false, ...overrides.modalities },
  };
}

/** An observation with every modality (or those named), filled from `seed`. */
export function observation(seed: number, parts: readonly ('rgb' | 'points' | 'proprio')[] = ['rgb', 'points', 'proprio']): Observation {
  const rng = new Rng(seed);
  const stamp = timestampFromSeconds(seed);
  const header = { stamp, frameId: 'test' };
  const n = 20;
  return {
    stamp,
    ...(parts.includes('rgb') ? { rgb: { ...header, width: 12, height: 10, data: new Uint8Array(12 * 10 * 3).map(() => rng.int(0, 256)) } } : {}),
    ...(parts.includes('points') ? { points: { ...header, count: n, positions: rng.fillNormal(new Float32Array(n * 3)) } } : {}),
    ...(parts.includes('proprio')
      ? {
          proprio: {
            ...header,
            jointNames: ['a', 'b', 'c'],
            positions: rng.fillNormal(new Float64Array(3)),
            velocities: rng.fillNormal(new Float64Array(3)),
            endEffector: { position: [rng.normal(), rng.normal(), rng.normal()], quaternion: [1, 0, 0, 0] },
            gripper: rng.next(),
          },
        }
      : {}),
  };
}

/** Runs `f` and asserts it left no tensor behind. */
export function assertNoLeak(label: string, f: () => void): void {
  const before = tf.memory().numTensors;
  f();
  assert.equal(tf.memory().numTensors, before, `${label} leaked tensors`);
}

/** Reads a tensor's values and disposes it. */
export function take(t: tf.Tensor): Float32Array {
  const out = Float32Array.from(t.dataSync());
  t.dispose();
  return out;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
