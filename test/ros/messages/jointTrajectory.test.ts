import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { durationFromRos, getMessageCodec, jointTrajectoryFromAction } from '../../../src/ros/index.js';

const codec = getMessageCodec('trajectory_msgs/msg/JointTrajectory');

describe('jointTrajectoryFromAction', () => {
  test('one point of absolute targets, stamped, survives CDR unchanged', () => {
    const msg = jointTrajectoryFromAction(
      { space: 'joint_delta', values: Float32Array.of(0.125, -0.25, 0) },
      { jointNames: ['a', 'b'], currentPositions: [1, 2], stamp: { sec: 50, nanosec: 60 }, timeFromStart: 0.1, gripper: { jointName: 'g', closed: 0.1, open: 0.9 } },
    );
    const back = codec.decode(codec.encode(msg));
    assert.deepEqual(back, msg);
    assert.deepEqual(back.header, { stamp: { sec: 50, nanosec: 60 }, frame_id: '' });
    assert.deepEqual(back.joint_names, ['a', 'b', 'g']);
    assert.equal(back.points.length, 1);
    assert.deepEqual([...back.points[0].positions], [1.125, 1.75, 0.5]);
    assert.equal(back.points[0].velocities.length, 0);
    assert.equal(durationFromRos(back.points[0].time_from_start), 0.1);
  });

  test('timeFromStart must be positive', () => {
    assert.throws(
      () => jointTrajectoryFromAction({ space: 'joint_delta', values: new Float32Array(1) }, { jointNames: ['a'], currentPositions: [0], stamp: { sec: 0, nanosec: 0 }, timeFromStart: 0 }),
      /joint trajectory: timeFromStart must be > 0 seconds, got 0/,
    );
  });
});
