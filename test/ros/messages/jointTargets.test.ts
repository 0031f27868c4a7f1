import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jointTargetsFromAction } from '../../../src/ros/index.js';

const JOINTS = ['j1', 'j2', 'j3'];
const CURRENT = [0.5, -1, 2];

describe('jointTargetsFromAction', () => {
  test('target = current + delta; a trailing gripper component is not sent without a gripper joint', () => {
    const t = jointTargetsFromAction({ space: 'joint_delta', values: Float32Array.of(0.25, 0.5, -1, 1) }, { jointNames: JOINTS, currentPositions: CURRENT });
    assert.deepEqual(t.names, JOINTS);
    assert.deepEqual([...t.positions], [0.75, -0.5, 1]);
    const noGripper = jointTargetsFromAction({ space: 'joint_delta', values: Float32Array.of(0, 0, 0) }, { jointNames: JOINTS, currentPositions: CURRENT });
    assert.deepEqual([...noGripper.positions], CURRENT);
  });

  test('the gripper command [-1, 1] maps linearly from closed to open, clamped', () => {
    const gripper = { jointName: 'finger', closed: 0, open: 0.04 };
    const at = (g: number): number =>
      jointTargetsFromAction({ space: 'joint_delta', values: Float32Array.of(0, 0, 0, g) }, { jointNames: JOINTS, currentPositions: CURRENT, gripper }).positions[3];
    assert.equal(at(-1), 0);
    assert.equal(at(1), 0.04);
    assert.equal(at(0), 0.02);
    assert.equal(at(3), 0.04);
    const t = jointTargetsFromAction({ space: 'joint_delta', values: Float32Array.of(0, 0, 0, 1) }, { jointNames: JOINTS, currentPositions: CURRENT, gripper });
    assert.deepEqual(t.names, [...JOINTS, 'finger']);
  });

  test('wrong space, wrong sizes and non-finite targets are named', () => {
    const opts = { jointNames: JOINTS, currentPositions: CURRENT };
    assert.throws(() => jointTargetsFromAction({ space: 'ee_delta', values: new Float32Array(4) }, opts), /joint command: needs a joint_delta action, got ee_delta/);
    assert.throws(() => jointTargetsFromAction({ space: 'joint_delta', values: new Float32Array(2) }, opts), /action has 2 values, expected 3 or 4 \(joints j1, j2, j3, optional gripper\)/);
    assert.throws(
      () => jointTargetsFromAction({ space: 'joint_delta', values: new Float32Array(3) }, { ...opts, gripper: { jointName: 'g', closed: 0, open: 1 } }),
      /action has 3 values, expected 4 \(joints j1, j2, j3, gripper g\)/,
    );
    assert.throws(() => jointTargetsFromAction({ space: 'joint_delta', values: new Float32Array(3) }, { ...opts, currentPositions: [0, 0] }), /3 joints but 2 current positions/);
    assert.throws(() => jointTargetsFromAction({ space: 'joint_delta', values: Float32Array.of(0, NaN, 0) }, opts), /target for j2 is NaN \(current -1, delta NaN\)/);
  });
});
