import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { filterRobotPoints } from '../../src/perception/index.js';
import { robotShapesOf, subtreeGeomIds } from '../../src/sim/robotShapes.js';
import { requireId } from '../../src/sim/mujoco.js';
import { makeEnv } from './fixtures.js';

describe('robotShapes', async () => {
  const env = await makeEnv('task=push');
  after(() => env.close());

  test('subtreeGeomIds: every arm geom under base, fingers included, nothing else', () => {
    env.reset(1);
    const { mj, model } = env.mujoco;
    const ids = Array.from(subtreeGeomIds(model, requireId(mj, model, 'body', 'base')));
    const names = ids.map((g) => mj.mj_id2name(model, mj.mjtObj.mjOBJ_GEOM.value as unknown as number, g));
    assert.deepEqual(names, ['base_plinth', 'pan_housing', 'upper_arm', 'forearm', 'wrist', 'palm', 'finger_left', 'finger_right']);
  });

  test('shapes follow the geoms: kinds, sizes, poses in the base frame and in a moved frame', () => {
    env.reset(1);
    const { mj, model, data } = env.mujoco;
    const ids = subtreeGeomIds(model, requireId(mj, model, 'body', 'base'));
    const header = { frameId: 'base_link', stamp: { sec: 0, nanosec: 0 } };
    const world = robotShapesOf(mj, model, data, ids, { position: [0, 0, 0], quaternion: [1, 0, 0, 0] }, header);
    assert.deepEqual(world.shapes.map((s) => s.kind), ['box', 'box', 'capsule', 'capsule', 'capsule', 'box', 'box', 'box']);
    assert.deepEqual(world.shapes[0].size, [0.07, 0.07, 0.03], 'a cylinder becomes its bounding box');
    assert.deepEqual(world.shapes[2].size.map((v) => Math.round(v * 1000) / 1000), [0.035, 0.14]);
    const xpos = data.geom_xpos as Float64Array;
    const finger = ids[6];
    assert.deepEqual(world.shapes[6].position, [xpos[3 * finger], xpos[3 * finger + 1], xpos[3 * finger + 2]]);
    // A frame 1 m along +x and turned 90 degrees about z: p' = R^T (p - t).
    const s = Math.SQRT1_2;
    const moved = robotShapesOf(mj, model, data, ids, { position: [1, 0, 0], quaternion: [s, 0, 0, s] }, header);
    const [px, py, pz] = world.shapes[6].position;
    const [qx, qy, qz] = moved.shapes[6].position;
    assert.ok(Math.abs(qx - py) < 1e-9 && Math.abs(qy - (1 - px)) < 1e-9 && Math.abs(qz - pz) < 1e-9, `got ${moved.shapes[6].position.join(', ')}`);
  });

  test("the shapes contain the arm's own points in a real frame: the self-filter removes most of them", () => {
    for (const seed of [1, 2, 3]) {
      const obs = env.reset(seed);
      const cloud = obs.points!;
      const { mj, model } = env.mujoco;
      const arm = new Set(subtreeGeomIds(model, requireId(mj, model, 'body', 'base')));
      const fingers = new Set([requireId(mj, model, 'geom', 'finger_left'), requireId(mj, model, 'geom', 'finger_right')]);
      const kept = filterRobotPoints(cloud.positions.subarray(0, 3 * cloud.count), obs.robotShapes!, 0.01);
      const keptSet = new Set(kept);
      let armBefore = 0, armAfter = 0, fingerAfter = 0, otherBefore = 0, otherAfter = 0;
      for (let i = 0; i < cloud.count; i++) {
        const g = cloud.segments![i];
        if (arm.has(g)) {
          armBefore++;
          if (keptSet.has(i)) armAfter++;
          if (fingers.has(g) && keptSet.has(i)) fingerAfter++;
        } else {
          otherBefore++;
          if (keptSet.has(i)) otherAfter++;
        }
      }
      assert.ok(armBefore > 50, `seed ${seed}: the arm is in view (${armBefore} points)`);
      assert.ok(armAfter <= 0.05 * armBefore, `seed ${seed}: ${armAfter} of ${armBefore} arm points left`);
      assert.equal(fingerAfter, 0, `seed ${seed}: no gripper point left`);
      assert.ok(otherAfter >= 0.97 * otherBefore, `seed ${seed}: ${otherAfter} of ${otherBefore} other points kept`);
    }
  });
});
