import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { quatRotate } from '../../../src/core/index.js';
import type { Vec3 } from '../../../src/core/index.js';
import { opticalPoseOfMujocoCamera } from '../../../src/sim/camera/index.js';
import { loadFixture } from './sceneFixture.js';
import type { Fixture } from './sceneFixture.js';

let fx: Fixture;
before(async () => {
  fx = await loadFixture();
});
after(() => fx.dispose());

function assertVec(actual: Vec3, expected: Vec3, what: string): void {
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(actual[k] - expected[k]) < 1e-9, `${what}: got [${actual}], expected [${expected}]`);
}

describe('opticalPoseOfMujocoCamera', () => {
  test('turns MuJoCo camera axes (looking along -z, y up) into optical axes (z forward, y down)', () => {
    // 'top' is at (0, 0, 2) with xyaxes "1 0 0 0 1 0": it looks down, image up is world +y.
    const pose = opticalPoseOfMujocoCamera(fx.data, fx.topCamera);
    assertVec(pose.position, [0, 0, 2], 'position');
    assertVec(quatRotate(pose.quaternion, [1, 0, 0]), [1, 0, 0], 'optical x');
    assertVec(quatRotate(pose.quaternion, [0, 1, 0]), [0, -1, 0], 'optical y');
    assertVec(quatRotate(pose.quaternion, [0, 0, 1]), [0, 0, -1], 'optical z');
  });

  test('follows the body the camera is mounted on', () => {
    // 'side' hangs from a body on a slide joint along x, 1.5 m behind it, looking along +y.
    const qpos = fx.data.qpos as Float64Array;
    const saved = qpos[0];
    try {
      qpos[0] = 0.25;
      fx.mj.mj_forward(fx.model, fx.data);
      const pose = opticalPoseOfMujocoCamera(fx.data, fx.sideCamera);
      assertVec(pose.position, [0.25, -1.5, 1], 'position');
      assertVec(quatRotate(pose.quaternion, [0, 0, 1]), [0, 1, 0], 'optical z');
      assertVec(quatRotate(pose.quaternion, [0, 1, 0]), [0, 0, -1], 'optical y');
    } finally {
      qpos[0] = saved;
      fx.mj.mj_forward(fx.model, fx.data);
    }
  });

  test('applies jitter in the optical frame', () => {
    const jitter = { position: [0, 0, 0.1] as Vec3, quaternion: [Math.cos(0.05), 0, Math.sin(0.05), 0] as const };
    const pose = opticalPoseOfMujocoCamera(fx.data, fx.topCamera, jitter);
    // 10 cm forward along the optical z axis is 10 cm down for the top camera.
    assertVec(pose.position, [0, 0, 1.9], 'position');
    // A rotation of 0.1 rad about optical y tilts the view direction toward optical x (world x).
    assertVec(quatRotate(pose.quaternion, [0, 0, 1]), [Math.sin(0.1), 0, -Math.cos(0.1)], 'optical z');
  });

  test('rejects a camera id that does not exist', () => {
    assert.throws(() => opticalPoseOfMujocoCamera(fx.data, 7), /camera id 7 out of range \[0, 2\)/);
  });
});
