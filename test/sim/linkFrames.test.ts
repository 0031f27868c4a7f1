import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { composePoses, inversePose } from '../../src/core/Pose.js';
import type { Pose } from '../../src/core/Pose.js';
import { bodyPose } from '../../src/sim/linkFrames.js';
import { requireId } from '../../src/sim/mujoco.js';
import { makeEnv } from './fixtures.js';

const close = (a: Pose, b: Pose, what: string): void => {
  const d = Math.max(...a.position.map((v, i) => Math.abs(v - b.position[i])));
  // q and -q are one rotation.
  const dot = Math.abs(a.quaternion.reduce((s, v, i) => s + v * b.quaternion[i], 0));
  assert.ok(d < 1e-9 && Math.abs(dot - 1) < 1e-9, `${what}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
};

describe('linkFrames', async () => {
  const env = await makeEnv('task=push', 'wristCamera.enabled=true');
  after(() => env.close());

  test('the arm links and cameras form one tree under base_link whose chains give each body\'s and camera\'s pose in the base frame', () => {
    env.reset(2);
    env.step([0.02, -0.01, 0.01, 0]);
    const frames = env.linkFrames();
    const byChild = new Map(frames.map((f) => [f.child, f]));
    assert.equal(byChild.size, frames.length, 'each frame once');
    const inBase = (child: string): Pose => {
      const f = byChild.get(child);
      assert.ok(f !== undefined, `${child} in ${[...byChild.keys()].join(', ')}`);
      return f.parent === 'base_link' ? f.pose : composePoses(inBase(f.parent), f.pose);
    };
    const { mj, model, data } = env.mujoco;
    const fromBase = inversePose(env.basePose());
    for (const body of ['link_pan', 'link_upper', 'link_fore', 'hand', 'finger_left']) {
      const id = requireId(mj, model, 'body', body);
      close(inBase(body), composePoses(fromBase, bodyPose(data, id)), body);
    }
    close(inBase('scene_camera_optical'), composePoses(fromBase, env.render('scene').pose), 'scene camera');
    close(inBase('wrist_camera_optical'), composePoses(fromBase, env.render('wrist').pose), 'wrist camera');
  });
});
