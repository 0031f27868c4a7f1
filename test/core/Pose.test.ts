import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  composePoses,
  inversePose,
  matrixToQuat,
  quatFromAxisAngle,
  quatMultiply,
  quatRotate,
  quatToMatrix,
  quatYaw,
  transformPoint,
} from '../../src/core/Pose.js';
import type { Pose, Vec3 } from '../../src/core/Pose.js';

const close = (a: readonly number[], b: readonly number[], tol = 1e-9): void => {
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < tol, `${a} vs ${b}`));
};

test('rotating x by 90 degrees about z gives y', () => {
  close(quatRotate(quatFromAxisAngle([0, 0, 1], Math.PI / 2), [1, 0, 0]), [0, 1, 0]);
});

test('matrix and quaternion convert both ways', () => {
  for (const [axis, angle] of [[[1, 2, 3], 0.7], [[0, 1, 0], 3.0], [[1, 0, 0], -2.5]] as Array<[Vec3, number]>) {
    const q = quatFromAxisAngle(axis, angle);
    const back = matrixToQuat(quatToMatrix(q));
    const sign = Math.sign(back[0] * q[0] + back[1] * q[1] + back[2] * q[2] + back[3] * q[3]);
    close(back.map((v) => v * sign), q);
  }
});

test('a pose composed with its inverse is the identity', () => {
  const pose: Pose = { position: [0.3, -0.2, 1], quaternion: quatFromAxisAngle([1, 1, 0], 0.9) };
  const id = composePoses(pose, inversePose(pose));
  close(id.position, [0, 0, 0]);
  close(transformPoint(inversePose(pose), transformPoint(pose, [0.1, 0.2, 0.3])), [0.1, 0.2, 0.3]);
});

test('yaw reads the heading about z, also under a tilt about x', () => {
  for (const yaw of [0, 0.4, -1.2, 3]) {
    assert.ok(Math.abs(quatYaw(quatFromAxisAngle([0, 0, 1], yaw)) - yaw) < 1e-12, `yaw ${yaw}`);
    const tilted = quatMultiply(quatFromAxisAngle([0, 0, 1], yaw), quatFromAxisAngle([1, 0, 0], 0.7));
    assert.ok(Math.abs(quatYaw(tilted) - yaw) < 1e-12, `tilted yaw ${yaw}`);
  }
});
