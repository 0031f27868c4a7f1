import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/Rng.js';
import type { Observation } from '../../src/core/Observation.js';
import { SimEnv } from '../../src/sim/SimEnv.js';
import { filterRobotPoints } from '../../src/perception/index.js';
import { scriptedPolicy } from '../../src/sim/scriptedPolicy.js';
import { makeEnv, simConfig } from './fixtures.js';

function runRandom(env: SimEnv, seed: number, steps: number): { obs: Observation[]; qpos: Float64Array[] } {
  const rng = new Rng(seed + 1000);
  const obs: Observation[] = [env.reset(seed, { task: 'push' })];
  const qpos: Float64Array[] = [];
  for (let i = 0; i < steps; i++) {
    const a = Array.from(env.actionSpace.low, (lo, k) => rng.uniform(lo, env.actionSpace.high[k]));
    obs.push(env.step(a).observation);
    qpos.push(Float64Array.from(env.mujoco.data.qpos as Float64Array));
  }
  return { obs, qpos };
}

describe('SimEnv', async () => {
  const env = await makeEnv('noise.depthStd=0.01', 'noise.dropout=0.05', 'noise.colorJitter=0.05');
  after(() => env.close());

  test('same seed, same trajectory and observations, bit for bit (noise on)', () => {
    const a = runRandom(env, 3, 15);
    const b = runRandom(env, 3, 15);
    assert.deepEqual(a.qpos, b.qpos);
    for (let i = 0; i < a.obs.length; i++) {
      assert.deepEqual(a.obs[i].rgb?.data, b.obs[i].rgb?.data);
      assert.deepEqual(Buffer.from(a.obs[i].depth!.data.buffer), Buffer.from(b.obs[i].depth!.data.buffer));
      assert.deepEqual(a.obs[i].points?.positions, b.obs[i].points?.positions);
      assert.deepEqual(a.obs[i].proprio?.positions, b.obs[i].proprio?.positions);
    }
    const c = runRandom(env, 4, 15);
    assert.notDeepEqual(a.qpos, c.qpos);
  });

  test('observations carry every modality with consistent sizes and increasing stamps', () => {
    const first = env.reset(1, { task: 'reach' });
    const next = env.step([0.01, 0, 0, 1]).observation;
    const cfg = env.config;
    assert.equal(first.rgb!.data.length, cfg.camera.width * cfg.camera.height * 3);
    assert.equal(first.depth!.data.length, cfg.camera.width * cfg.camera.height);
    assert.equal(first.points!.count, cfg.pointCount);
    assert.equal(first.points!.positions.length, cfg.pointCount * 3);
    assert.equal(first.points!.frameId, 'base_link');
    assert.deepEqual(first.proprio!.jointNames, ['shoulder_pan', 'shoulder_lift', 'elbow', 'wrist_pitch', 'wrist_roll']);
    assert.ok(first.proprio!.gripper > 0.9, 'gripper starts open');
    const dt = next.stamp.sec + next.stamp.nanosec / 1e9 - (first.stamp.sec + first.stamp.nanosec / 1e9);
    assert.ok(Math.abs(dt - 1 / cfg.controlHz) < 0.005, `control period ${dt}`);
    // Stamps keep increasing across resets (bags need monotonic time).
    const afterReset = env.reset(2);
    assert.ok(afterReset.stamp.sec + afterReset.stamp.nanosec / 1e9 >= next.stamp.sec + next.stamp.nanosec / 1e9);
  });

  test('the goal observation shows the scene, never proprioception', () => {
    env.reset(5, { task: 'push' });
    const goal = env.goalObservation();
    assert.equal(goal.proprio, undefined);
    assert.equal(goal.robotShapes, undefined, 'no arm shapes: they would give away the goal arm pose');
    assert.ok(goal.rgb && goal.depth && goal.points);
    assert.notDeepEqual(goal.rgb.data, env.observe().rgb!.data, 'the goal image differs from the start image');
  });

  test("observations carry the arm's shapes in the cloud's frame, containing the gripper's points, in base and camera frames", async () => {
    const cameraEnv = await makeEnv('pointFrame="camera"');
    try {
      for (const e of [env, cameraEnv]) {
        const obs = e.reset(2, { task: 'push' });
        const step = e.step([0, 0, -0.02, 1]).observation;
        for (const o of [obs, step]) {
          const shapes = o.robotShapes!;
          assert.equal(shapes.frameId, o.points!.frameId);
          assert.deepEqual(shapes.stamp, o.points!.stamp);
          assert.equal(shapes.shapes.length, 8);
          const { mj, model } = e.mujoco;
          const fingers = new Set(['finger_left', 'finger_right'].map((n) => mj.mj_name2id(model, mj.mjtObj.mjOBJ_GEOM.value as unknown as number, n)));
          const cloud = o.points!;
          const kept = new Set(filterRobotPoints(cloud.positions, shapes, 0.01));
          let fingerPoints = 0, fingerKept = 0;
          for (let i = 0; i < cloud.count; i++) {
            if (!fingers.has(cloud.segments![i])) continue;
            fingerPoints++;
            if (kept.has(i)) fingerKept++;
          }
          assert.ok(fingerPoints > 5, `${cloud.frameId}: the gripper is in view (${fingerPoints} points)`);
          assert.equal(fingerKept, 0, `${cloud.frameId}: every gripper point lies in its shapes`);
        }
      }
    } finally {
      cameraEnv.close();
    }
  });

  test('the end-effector pose in proprioception is the tool position in the base frame', () => {
    env.reset(6, { task: 'reach' });
    const p = env.observe().proprio!.endEffector.position;
    const t = env.trueState().toolPosition;
    p.forEach((v, i) => assert.ok(Math.abs(v - t[i]) < 1e-9));
  });

  test('ee_delta actions move the tool by about the commanded delta', () => {
    env.reset(7, { task: 'reach' });
    const before = env.trueState().toolPosition;
    for (let i = 0; i < 3; i++) env.step([0.02, 0, 0, 1]);
    const after = env.trueState().toolPosition;
    assert.ok(Math.abs(after[0] - before[0] - 0.06) < 0.015, `moved ${after[0] - before[0]}`);
    assert.ok(Math.abs(after[1] - before[1]) < 0.01);
  });

  test('joint_delta actions move the joints', async () => {
    const jenv = await makeEnv('actionSpace=joint_delta');
    try {
      jenv.reset(1);
      assert.equal(jenv.actionSpace.names.length, 6);
      const q0 = jenv.observe().proprio!.positions[0];
      for (let i = 0; i < 4; i++) jenv.step([0.05, 0, 0, 0, 0, 1]);
      const q1 = jenv.observe().proprio!.positions[0];
      assert.ok(q1 - q0 > 0.12, `pan moved ${q1 - q0}`);
    } finally {
      jenv.close();
    }
  });

  test('the episode ends at the step limit', async () => {
    const short = await makeEnv('episodeSteps=3');
    try {
      short.reset(0);
      assert.equal(short.step([0, 0, 0, 0]).done, false);
      short.step([0, 0, 0, 0]);
      assert.equal(short.step([0, 0, 0, 0]).done, true);
    } finally {
      short.close();
    }
  });

  test('bad input gives errors that name the problem', async () => {
    const fresh = await makeEnv();
    try {
      assert.throws(() => fresh.step([0, 0, 0, 0]), /sim\.step: no episode; call reset\(seed\) first/);
      assert.throws(() => fresh.observe(), /call reset/);
      fresh.reset(0);
      assert.throws(() => fresh.step([0, 0, 0]), /expected 4 values for space ee_delta/);
      assert.throws(() => fresh.step([0, Number.NaN, 0, 0]), /component 1 \(dy\) is NaN/);
      assert.throws(() => fresh.step([0, 0, Infinity, 0]), /component 2 \(dz\) is Infinity/);
      assert.throws(() => fresh.reset(-1), /seed must be a non-negative integer/);
    } finally {
      fresh.close();
    }
    await assert.rejects(SimEnv.create(simConfig('scene=/nonexistent/scene.xml')), /scene file \/nonexistent\/scene\.xml cannot be read/);
  });

  test('the true state says when the arm touches an object: a scripted push does, an idle arm does not', () => {
    env.reset(2, { task: 'push' });
    assert.equal(env.trueState().armTouchesObject, false, 'the arm starts clear of the object');
    const push = scriptedPolicy('push', env.actionSpace);
    let touching = 0;
    for (let t = 0; t < env.config.episodeSteps; t++) {
      env.step(push.act(env.trueState()));
      if (env.trueState().armTouchesObject) touching++;
    }
    assert.ok(touching > 0, 'the pusher touched the object');
    env.reset(2, { task: 'push' });
    for (let t = 0; t < 20; t++) {
      env.step([0, 0, 0, 0]);
      assert.equal(env.trueState().armTouchesObject, false, `idle step ${t}`);
    }
  });

  test('memory stays bounded over many resets', () => {
    env.reset(0);
    // A view's backing buffer is the whole wasm memory: its size is the module's heap size.
    const heap = (): number => {
      const probe = new env.mujoco.mj.DoubleBuffer(1);
      const size = (probe.GetView() as Float64Array).buffer.byteLength;
      probe.delete();
      return size;
    };
    for (let i = 0; i < 10; i++) env.reset(i);
    const before = heap();
    // Steps too: each one reads the contacts (grasp detection), which mujoco-js copies into wasm memory.
    const still = new Float32Array(env.actionSpace.names.length);
    for (let i = 0; i < 60; i++) {
      env.reset(100 + i, { task: (['reach', 'push', 'pick'] as const)[i % 3] });
      for (let t = 0; t < 5; t++) env.step(still);
    }
    assert.equal(heap(), before, 'wasm memory did not grow over 60 episodes');
  });
});
