import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultRobotConfig } from '../../src/core/config/robotConfig.js';
import type { RobotConfig } from '../../src/core/config/robotConfig.js';
import { composeScene, loadRobotMjcf } from '../../src/sim/robotMjcf.js';
import { compileMjcf, findId, loadMujoco } from '../../src/sim/mujoco.js';
import { loadSceneData, SIM_DATA_DIR } from '../../src/sim/sceneData.js';
import { testArmRobot, writeTestArm } from './testArm.js';

const robotOf = (arm: 'arm7' | 'arm6', path: string, extra: Record<string, unknown> = {}): RobotConfig =>
  ({ ...defaultRobotConfig(), ...testArmRobot(arm, path), ...extra }) as RobotConfig;

test('the default robot is sim/robots/arm5.xml, inlined where the scene includes robot.xml', () => {
  const robot = loadRobotMjcf(defaultRobotConfig(), SIM_DATA_DIR);
  assert.equal(robot.path, join(SIM_DATA_DIR, 'robots', 'arm5.xml'));
  assert.deepEqual(robot.assets, {}, 'our arm needs no files');
  const scene = loadSceneData('tabletop');
  assert.ok(scene.robotIncluded);
  assert.ok(!scene.sceneXml.includes('robot.xml"/>'), 'the include is replaced');
  assert.ok(scene.sceneXml.includes('<body name="base" pos="0 0 0" childclass="arm5">'));
  assert.ok(scene.sceneXml.indexOf('name="base"') < scene.sceneXml.indexOf('<include file="objects.xml"/>'), 'the robot comes before the objects');
  assert.match(scene.sceneSource, /^robot .*arm5\.xml \+ .*tabletop\.xml$/);
});

test('mounts add the tool site and the camera to their bodies; the mesh comes along under its meshdir', async () => {
  const path = writeTestArm('arm7');
  const robot = loadRobotMjcf(robotOf('arm7', path), SIM_DATA_DIR);
  assert.match(robot.xml, /<body name="flange" pos="0\.06 0 0" gravcomp="1"><camera name="hand_cam" pos="0 0 0\.04" xyaxes="0 -1 0 0 0 1"\/><site name="tcp" pos="0\.1 0 0" xyaxes="0 1 0 0 0 1" size="0\.01" rgba="1 0 0 0" group="4"\/>/);
  assert.deepEqual(Object.keys(robot.assets), ['assets/arm7_palm.obj']);
  assert.ok(!robot.xml.includes('<!--') && !robot.xml.includes('<?xml'), 'comments and the declaration are dropped');
  // The robot compiles inside a minimal scene.
  const mj = await loadMujoco();
  const { xml, included } = composeScene('<mujoco><worldbody><geom type="plane" size="1 1 .1"/></worldbody><include file="robot.xml"/></mujoco>', robot);
  assert.ok(included);
  const model = compileMjcf(mj, xml, 'test', robot.assets);
  try {
    assert.ok(findId(mj, model, 'site', 'tcp') >= 0);
    assert.ok(findId(mj, model, 'camera', 'hand_cam') >= 0);
    assert.equal(model.nmesh, 1);
  } finally {
    model.delete();
  }
});

test('a mount on a self-closing body opens it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jepa-robot-'));
  const path = join(dir, 'tiny.xml');
  writeFileSync(path, '<mujoco><worldbody><body name="root"><joint name="j"/><geom size="0.1"/><body name="tip" pos="0.2 0 0"/></body></worldbody></mujoco>');
  const robot = loadRobotMjcf({ ...defaultRobotConfig(), mjcf: path, endEffector: { site: 's', downAxis: 'x', mount: { body: 'tip', pos: [0, 0, 0] } } }, SIM_DATA_DIR);
  assert.match(robot.xml, /<body name="tip" pos="0\.2 0 0"><site name="s" pos="0 0 0" size="0\.01" rgba="1 0 0 0" group="4"\/><\/body>/);
});

test('a scene without the robot include is returned as it is', () => {
  const robot = loadRobotMjcf(defaultRobotConfig(), SIM_DATA_DIR);
  const scene = '<mujoco><worldbody/></mujoco>';
  assert.deepEqual(composeScene(scene, robot), { xml: scene, included: false });
});

test('errors name the key and the file: missing robot file, missing mount body, missing mesh, no <mujoco>', () => {
  const path = writeTestArm('arm7');
  assert.throws(() => loadRobotMjcf({ ...defaultRobotConfig(), mjcf: 'no_such_arm' }, SIM_DATA_DIR), /sim\.robot\.mjcf: robot file .*robots\/no_such_arm\.xml cannot be read/);
  assert.throws(
    () => loadRobotMjcf(robotOf('arm7', path, { endEffector: { site: 'tcp', downAxis: 'z', mount: { body: 'wrist_3_link', pos: [0, 0, 0] } } }), SIM_DATA_DIR),
    /sim\.robot\.endEffector\.mount\.body: robot .*arm7\.xml has no body named 'wrist_3_link' \(its bodies: pedestal, yaw_link, upper_link/,
  );
  rmSync(join(dirname(path), 'assets', 'arm7_palm.obj'));
  assert.throws(() => loadRobotMjcf(robotOf('arm7', path), SIM_DATA_DIR), /sim\.robot\.mjcf: .*arm7\.xml names the file 'arm7_palm\.obj' \(<mesh>\), which is not under .* or .*assets/);
  const notMjcf = join(dirname(path), 'urdf.xml');
  writeFileSync(notMjcf, '<robot name="r"><link name="base"/></robot>');
  assert.throws(() => loadRobotMjcf({ ...defaultRobotConfig(), mjcf: notMjcf }, SIM_DATA_DIR), /sim\.robot\.mjcf: .*urdf\.xml is not an MJCF file/);
});
