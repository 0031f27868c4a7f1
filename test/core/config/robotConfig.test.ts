import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultRobotConfig, parseConfig } from '../../../src/core/index.js';

test('robot defaults describe our 5-joint arm', () => {
  const robot = parseConfig({}).sim.robot;
  assert.deepEqual(robot, defaultRobotConfig());
  assert.equal(robot.mjcf, 'arm5');
  assert.deepEqual(robot.joints, ['shoulder_pan', 'shoulder_lift', 'elbow', 'wrist_pitch', 'wrist_roll']);
  assert.deepEqual(robot.actuators, robot.joints);
  assert.deepEqual(robot.ikJoints, robot.joints.slice(0, 4));
  assert.equal(robot.endEffector.site, 'ee');
  assert.equal(robot.gripper?.fingerBodies.length, 2);
  assert.equal(robot.wristCamera?.name, 'wrist');
  assert.equal(robot.home.length, 5);
});

test('robot: no gripper and no camera are null; a partial section keeps the other defaults', () => {
  const robot = parseConfig({ sim: { robot: { gripper: null, wristCamera: null, endEffector: { site: 'tcp' } } } }).sim.robot;
  assert.equal(robot.gripper, null);
  assert.equal(robot.wristCamera, null);
  assert.deepEqual(robot.endEffector, { site: 'tcp', downAxis: 'x' });
});

test('robot: sizes that disagree and bad values name the key', () => {
  const joints = ['j1', 'j2', 'j3', 'j4', 'j5', 'j6'];
  assert.throws(() => parseConfig({ sim: { robot: { joints, actuators: joints, ikJoints: joints } } }), /'sim\.robot\.home': 5 positions for 6 joints \(j1, j2, j3, j4, j5, j6\)/);
  assert.throws(() => parseConfig({ sim: { robot: { joints, home: [0, 0, 0, 0, 0, 0], ikJoints: joints } } }), /'sim\.robot\.actuators': 5 actuators for 6 joints/);
  assert.throws(() => parseConfig({ sim: { robot: { ikJoints: ['shoulder_pan', 'wrist'] } } }), /'sim\.robot\.ikJoints': 'wrist' is not one of robot\.joints/);
  assert.throws(() => parseConfig({ sim: { robot: { joints: ['a', 'a', 'b', 'c', 'd'], ikJoints: ['a'] } } }), /'sim\.robot\.joints': joint 'a' is listed twice/);
  assert.throws(() => parseConfig({ sim: { robot: { workspace: { min: [0, 0, 0.5], max: [1, 1, 0.4] } } } }), /'sim\.robot\.workspace\.max': workspace\.min must be below workspace\.max/);
  assert.throws(() => parseConfig({ sim: { robot: { gripper: { ctrlOpen: 255 } } } }), /'sim\.robot\.gripper\.ctrlOpen': give both gripper\.ctrlClosed and gripper\.ctrlOpen/);
  assert.throws(() => parseConfig({ sim: { robot: { endEffector: { downAxis: 'w' } } } }), /'sim\.robot\.endEffector\.downAxis'/);
  assert.throws(() => parseConfig({ sim: { robot: { wristCamera: null }, wristCamera: { enabled: true } } }), /'sim\.wristCamera\.enabled': .*sim\.robot\.wristCamera is null/);
  assert.throws(() => parseConfig({ sim: { robot: { jionts: [] } } }), /unknown key 'sim\.robot\.jionts'/);
});
