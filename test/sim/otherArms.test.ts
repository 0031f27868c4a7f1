import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { filterRobotPoints } from '../../src/perception/index.js';
import { proprioVector } from '../../src/model/proprioVector.js';
import { parseConfig } from '../../src/core/config/Config.js';
import { scriptedPolicy } from '../../src/sim/scriptedPolicy.js';
import { subtreeGeomIds } from '../../src/sim/robotShapes.js';
import { requireId } from '../../src/sim/mujoco.js';
import { SimEnv } from '../../src/sim/SimEnv.js';
import { ARM6_JOINTS, ARM7_JOINTS, testArmSimConfig, writeTestArm } from './testArm.js';

/** Scripted reach on the true state: the success test works whatever the arm. */
function reachSuccesses(env: SimEnv, seeds: number): number {
  let successes = 0;
  for (let seed = 0; seed < seeds; seed++) {
    env.reset(seed, { task: 'reach' });
    const policy = scriptedPolicy('reach', env.actionSpace);
    for (let i = 0; i < env.config.episodeSteps; i++) {
      if (env.step(policy.act(env.trueState())).success) {
        successes++;
        break;
      }
    }
  }
  return successes;
}

describe('a 7-joint arm with other names, a mesh, mounted site and camera, and a 0..255 gripper', () => {
  const path = writeTestArm('arm7');
  let env: SimEnv;
  before(async () => {
    env = await SimEnv.create(testArmSimConfig('arm7', path, { wristCamera: { enabled: true, width: 32, height: 32 } }));
  });
  after(() => env.close());

  test('loads and resets: proprioception, action space and the tool pose follow the description', () => {
    const obs = env.reset(1, { task: 'reach' });
    const p = obs.proprio!;
    assert.deepEqual(p.jointNames, ARM7_JOINTS);
    assert.equal(p.positions.length, 7);
    assert.equal(p.velocities.length, 7);
    const home = env.config.robot.home;
    p.positions.forEach((q, i) => assert.ok(Math.abs(q - home[i]) < 0.05, `${ARM7_JOINTS[i]} settles near home: ${q} vs ${home[i]}`));
    assert.ok(p.gripper > 0.9, `the gripper starts open (${p.gripper})`);
    // The default model's 18-value proprio vector has 7 joint slots: this arm fills them all.
    assert.equal(proprioVector(p, parseConfig({}).model.proprio.dim).length, 18);
    assert.deepEqual(env.actionSpace.names, ['dx', 'dy', 'dz', 'gripper']);
    // The tool site was mounted with its z axis along the fingers: at home it points down.
    const { mj, model, data } = env.mujoco;
    const site = requireId(mj, model, 'site', 'tcp');
    const zAxisZ = (data.site_xmat as Float64Array)[9 * site + 8];
    assert.ok(zAxisZ < -0.9, `tool z axis points down (z component ${zAxisZ})`);
    const t = env.trueState().toolPosition;
    p.endEffector.position.forEach((v, i) => assert.ok(Math.abs(v - t[i]) < 1e-9));
  });

  test('renders the scene and the mounted wrist camera, with a point cloud and the arm shapes', () => {
    const obs = env.reset(2, { task: 'push' });
    const cfg = env.config;
    assert.equal(obs.rgb!.data.length, cfg.camera.width * cfg.camera.height * 3);
    assert.equal(obs.points!.count, cfg.pointCount);
    const wrist = obs.views!.wrist!;
    assert.equal(wrist.rgb.width, 32);
    const seen = Array.from(wrist.depth.data).filter(Number.isFinite).length;
    assert.ok(seen > 0.5 * wrist.depth.data.length, `the wrist camera sees the table (${seen} depth pixels)`);
    const { mj, model } = env.mujoco;
    const arm = subtreeGeomIds(model, requireId(mj, model, 'body', 'pedestal'));
    assert.equal(obs.robotShapes!.shapes.length, arm.length, 'one shape per arm geom, mesh palm included');
    // The arm's own points lie in its shapes (the mesh palm as its bounding sphere).
    const cloud = obs.points!;
    const armGeoms = new Set(arm);
    const kept = new Set(filterRobotPoints(cloud.positions.subarray(0, 3 * cloud.count), obs.robotShapes!, 0.01));
    let armPoints = 0, armKept = 0;
    for (let i = 0; i < cloud.count; i++) {
      if (!armGeoms.has(cloud.segments![i])) continue;
      armPoints++;
      if (kept.has(i)) armKept++;
    }
    assert.ok(armPoints > 20, `the arm is in view (${armPoints} points)`);
    assert.ok(armKept <= 0.05 * armPoints, `${armKept} of ${armPoints} arm points escape the self-filter`);
    assert.ok(env.goalObservation().rgb, 'goal image rendered');
  });

  test('end-effector actions move the tool by about the commanded delta; the gripper closes and opens', () => {
    env.reset(3, { task: 'reach' });
    const before = env.trueState().toolPosition;
    for (let i = 0; i < 3; i++) env.step([0.02, 0, 0, 1]);
    const moved = env.trueState().toolPosition;
    assert.ok(Math.abs(moved[0] - before[0] - 0.06) < 0.015, `moved ${moved[0] - before[0]} in x`);
    assert.ok(Math.abs(moved[1] - before[1]) < 0.01);
    // Up: the servos lag more here (about 1.3 of each 2 cm per tick, as on our arm of the same links).
    for (let i = 0; i < 4; i++) env.step([0, 0, 0.02, 1]);
    const raised = env.trueState().toolPosition;
    assert.ok(raised[2] - moved[2] > 0.04 && raised[2] - moved[2] < 0.09, `moved ${raised[2] - moved[2]} in z`);
    assert.ok(Math.abs(raised[1] - moved[1]) < 0.01);
    for (let i = 0; i < 10; i++) env.step([0, 0, 0, -1]);
    assert.ok(env.trueState().gripper < 0.1, `closed: ${env.trueState().gripper}`);
    for (let i = 0; i < 10; i++) env.step([0, 0, 0, 1]);
    assert.ok(env.trueState().gripper > 0.9, `open again: ${env.trueState().gripper}`);
  });

  test('joint_delta: one delta per arm joint, then the gripper; the joints move', async () => {
    const jenv = await SimEnv.create(testArmSimConfig('arm7', path, { actionSpace: 'joint_delta' }));
    try {
      assert.deepEqual(jenv.actionSpace.names, [...ARM7_JOINTS, 'gripper']);
      jenv.reset(1);
      const q0 = jenv.observe().proprio!.positions;
      for (let i = 0; i < 4; i++) jenv.step([0, 0, 0.05, 0, 0, 0, 0, 1]);
      const q1 = jenv.observe().proprio!.positions;
      assert.ok(q1[2] - q0[2] > 0.12, `the upper roll turned ${q1[2] - q0[2]}`);
      assert.ok(Math.abs(q1[0] - q0[0]) < 0.02, 'the others held');
      assert.throws(() => jenv.step([0, 0, 0, 0, 0, 1]), /expected 8 values for space joint_delta \(a1_yaw, .*, gripper\), got 6/);
    } finally {
      jenv.close();
    }
  });

  test('reach: a scripted controller on the true state succeeds', () => {
    const successes = reachSuccesses(env, 5);
    assert.ok(successes >= 4, `${successes} of 5 reach episodes succeeded`);
  });

  test('the same seed gives the same episode bit for bit', () => {
    const run = (): Float64Array[] => {
      env.reset(4, { task: 'push' });
      const out: Float64Array[] = [];
      for (let i = 0; i < 5; i++) {
        env.step([0.01, -0.01, -0.01, i % 2 === 0 ? 1 : -1]);
        out.push(Float64Array.from(env.mujoco.data.qpos as Float64Array));
      }
      return out;
    };
    assert.deepEqual(run(), run());
  });
});

describe('a 6-joint arm without a gripper or a camera', () => {
  const path = writeTestArm('arm6');
  let env: SimEnv;
  before(async () => {
    env = await SimEnv.create(testArmSimConfig('arm6', path, { actionSpace: 'joint_delta' }));
  });
  after(() => env.close());

  test('resets and steps: 6 joints, the gripper component is kept and ignored, the gripper reads open', () => {
    assert.deepEqual(env.actionSpace.names, [...ARM6_JOINTS, 'gripper']);
    const obs = env.reset(1, { task: 'reach' });
    assert.deepEqual(obs.proprio!.jointNames, ARM6_JOINTS);
    assert.equal(obs.views, undefined);
    const q0 = obs.proprio!.positions;
    const step = env.step([0.05, 0, 0, 0, 0, 0, -1]);
    assert.equal(step.action.values.length, 7);
    assert.ok(step.observation.proprio!.positions[0] > q0[0]);
    assert.equal(env.trueState().gripper, 1);
    assert.equal(env.trueState().grasped, false);
    assert.throws(() => env.render('wrist'), /sim\.robot\.wristCamera is null/);
  });

  test('reach: a scripted controller on the true state succeeds with end-effector actions', async () => {
    const eenv = await SimEnv.create(testArmSimConfig('arm6', path));
    try {
      const successes = reachSuccesses(eenv, 5);
      assert.ok(successes >= 4, `${successes} of 5 reach episodes succeeded`);
    } finally {
      eenv.close();
    }
  });
});

describe('bad robot descriptions are clear errors naming the key and the file', () => {
  const path = writeTestArm('arm7');
  const resetWith = async (robot: Record<string, unknown>): Promise<void> => {
    const env = await SimEnv.create(testArmSimConfig('arm7', path, { robot }));
    try {
      env.reset(0);
    } finally {
      env.close();
    }
  };

  test('an unknown joint, actuator, site or body', async () => {
    await assert.rejects(resetWith({ joints: [...ARM7_JOINTS.slice(0, 6), 'a7_flang'] }), /sim\.robot\.joints: robot .*arm7\.xml has no joint named 'a7_flang' \(the scene's joints: a1_yaw, .*a7_flange/);
    await assert.rejects(resetWith({ endEffector: { site: 'tool0', downAxis: 'z' } }), /sim\.robot\.endEffector\.site: robot .*arm7\.xml has no site named 'tool0'/);
    await assert.rejects(resetWith({ baseBody: 'base_link' }), /sim\.robot\.baseBody: robot .*arm7\.xml has no body named 'base_link'/);
    await assert.rejects(resetWith({ gripper: { joints: ['jaw_left'], closed: 0, open: 0.04, actuators: ['jaw'], fingerBodies: ['left_jaw'] } }), /sim\.robot\.gripper\.actuators: .*no actuator named 'jaw'/);
  });

  test('an actuator that drives another joint than its place says', async () => {
    const actuators = ARM7_JOINTS.map((n) => `servo_${n}`);
    [actuators[0], actuators[1]] = [actuators[1], actuators[0]];
    await assert.rejects(resetWith({ actuators }), /sim\.robot\.actuators: actuator 'servo_a2_shoulder' .* does not drive joint 'a1_yaw' \(actuators\[0\] must drive joints\[0\]\)/);
  });

  test('a mount on a body the robot does not have, a missing robot file', async () => {
    await assert.rejects(
      resetWith({ wristCamera: { name: 'hand_cam', mount: { body: 'hand' } } }),
      /sim\.robot\.wristCamera\.mount\.body: robot .*arm7\.xml has no body named 'hand' \(its bodies: pedestal, yaw_link/,
    );
    await assert.rejects(resetWith({ mjcf: `${path}.missing.xml` }), /sim\.robot\.mjcf: robot file .*arm7\.xml\.missing\.xml cannot be read/);
  });

  test('a scene without a place for the robot says where it goes', async () => {
    const env = await SimEnv.create(testArmSimConfig('arm7', path, { scene: path }));
    try {
      assert.throws(() => env.reset(0), /has no <include file="robot\.xml"\/>: the robot \(sim\.robot\.mjcf .*arm7\.xml\) goes where the scene includes it/);
    } finally {
      env.close();
    }
  });
});
