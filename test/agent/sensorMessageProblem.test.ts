import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sensorMessageProblem } from '../../src/agent/sensorMessageProblem.js';
import type { DepthImage, PointCloud, Proprioception, RgbImage } from '../../src/core/Observation.js';
import { proprioAt, rgbAt } from './fixtures.js';

const stamp = { sec: 1, nanosec: 0 };

test('usable messages pass, what real sensors send for no reading included', () => {
  assert.equal(sensorMessageProblem('rgb', rgbAt(0)), undefined);
  assert.equal(sensorMessageProblem('proprio', proprioAt(0)), undefined);
  const depth: DepthImage = { stamp, frameId: 'cam', width: 2, height: 1, data: Float32Array.of(NaN, 0.5) };
  assert.equal(sensorMessageProblem('depth', depth), undefined, 'NaN depth is no return');
  const cloud: PointCloud = { stamp, frameId: 'base', count: 2, positions: Float32Array.of(NaN, NaN, NaN, Infinity, 0, -Infinity) };
  assert.equal(sensorMessageProblem('points', cloud), undefined, 'holes of an organised cloud: perception drops them');
});

test('a joint state with a non-finite number is refused, naming the joint or field and the value', () => {
  const p = proprioAt(0);
  const with_ = (change: Partial<Proprioception>): Proprioception => ({ ...p, ...change });
  assert.equal(sensorMessageProblem('proprio', with_({ positions: Float64Array.of(NaN) })), "joint state: position of joint 'j' is NaN");
  assert.equal(sensorMessageProblem('proprio', with_({ velocities: Float64Array.of(-Infinity) })), "joint state: velocity of joint 'j' is -Infinity");
  assert.equal(sensorMessageProblem('proprio', with_({ endEffector: { position: [0, NaN, 0], quaternion: [1, 0, 0, 0] } })), 'joint state: end-effector position[1] is NaN');
  assert.equal(sensorMessageProblem('proprio', with_({ endEffector: { position: [0, 0, 0], quaternion: [1, 0, Infinity, 0] } })), 'joint state: end-effector quaternion[2] is Infinity');
  assert.equal(sensorMessageProblem('proprio', with_({ gripper: NaN })), 'joint state: gripper is NaN');
  assert.equal(sensorMessageProblem('proprio', with_({ positions: Float64Array.of(0, 1) })), 'joint state: 1 joint names, 2 positions, 1 velocities');
});

test('sizes that disagree with the data and bad stamps are refused by name', () => {
  const rgb: RgbImage = { ...rgbAt(0), width: 2, height: 2 };
  assert.equal(sensorMessageProblem('rgb', rgb), 'rgb image: 3 values for 2 x 2 x 3 = 12');
  assert.equal(sensorMessageProblem('rgb', { ...rgb, width: 0 }), 'rgb image: width x height must be positive integers, got 0 x 2');
  const depth: DepthImage = { stamp, frameId: 'cam', width: 3, height: 1, data: new Float32Array(2) };
  assert.equal(sensorMessageProblem('depth', depth), 'depth image: 2 values for 3 x 1 = 3');
  const cloud: PointCloud = { stamp, frameId: 'base', count: 3, positions: new Float32Array(6) };
  assert.equal(sensorMessageProblem('points', cloud), 'points: 6 position values for 3 points (expected 9)');
  assert.equal(sensorMessageProblem('points', { ...cloud, count: 1.5 }), 'points: count must be a non-negative integer, got 1.5');
  assert.equal(sensorMessageProblem('rgb', { ...rgbAt(0), stamp: { sec: NaN, nanosec: 0 } }), 'stamp must be finite, got NaN s 0 ns');
});
