import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timestampFromSeconds } from '../../src/core/index.js';
import type { Proprioception } from '../../src/core/index.js';
import { proprioLayout, proprioVector } from '../../src/model/index.js';

const proprio = (joints: number): Proprioception => ({
  stamp: timestampFromSeconds(0),
  frameId: 'base_link',
  jointNames: Array.from({ length: joints }, (_, i) => `j${i}`),
  positions: Float64Array.from({ length: joints }, (_, i) => i + 1),
  velocities: Float64Array.from({ length: joints }, (_, i) => -(i + 1)),
  endEffector: { position: [0.1, 0.2, 0.3], quaternion: [1, 0, 0, 0] },
  gripper: 0.75,
});

test('layout: positions, velocities, end-effector xyz, gripper', () => {
  assert.deepEqual(proprioLayout(18), { dim: 18, jointSlots: 7, positions: [0, 7], velocities: [7, 14], endEffector: [14, 17], gripper: 17 });
  assert.throws(() => proprioLayout(5), /proprio dim 5: expected 2 x joints \+ 4/);
});

test('an arm with fewer joints than slots is zero-padded', () => {
  const v = proprioVector(proprio(3), 12);
  assert.deepEqual(Array.from(v), [1, 2, 3, 0, -1, -2, -3, 0, 0.1, 0.2, 0.3, 0.75].map((x) => Math.fround(x)));
});

test('writes at an offset into a shared buffer', () => {
  const out = new Float32Array(25).fill(9);
  proprioVector(proprio(2), 10, out, 10);
  assert.equal(out[9], 9);
  assert.deepEqual(Array.from(out.subarray(10, 20)), [1, 2, 0, -1, -2, 0, 0.1, 0.2, 0.3, 0.75].map((x) => Math.fround(x)));
  assert.equal(out[20], 9);
});

test('too many joints or inconsistent arrays are clear errors', () => {
  assert.throws(() => proprioVector(proprio(8), 18), /8 joints do not fit model proprio\.dim 18 \(7 joint slots\); set proprio\.dim to 20/);
  const bad = { ...proprio(3), velocities: new Float64Array(2) };
  assert.throws(() => proprioVector(bad, 10), /3 joint names but 3 positions and 2 velocities/);
});
