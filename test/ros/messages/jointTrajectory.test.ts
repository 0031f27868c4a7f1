import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { durationFromRos, getMessageCodec, jointTrajectoryFromAction } from '../../../src/ros/index.js';
import { runs, valueOrNamedError } from '../../property.js';

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

describe('jointTrajectoryFromAction properties', () => {
  const action = fc.record({ space: fc.constantFrom('joint_delta' as const, 'ee_delta' as const), values: fc.float32Array({ maxLength: 6 }) }, { noNullPrototype: true });
  const jointOptions = fc.integer({ min: 0, max: 5 }).chain((n) =>
    fc.record(
      {
        jointNames: fc.uniqueArray(fc.constantFrom('j1', 'j2', 'j3', 'j4', 'j5', 'j6'), { minLength: n, maxLength: n }),
        currentPositions: fc.array(fc.oneof(fc.double({ min: -10, max: 10 }), fc.double()), { minLength: n, maxLength: n }),
        gripper: fc.option(fc.record({ jointName: fc.constant('finger'), closed: fc.double({ min: -1, max: 1, noNaN: true }), open: fc.double({ min: -1, max: 1, noNaN: true }) }, { noNullPrototype: true }), { nil: undefined }),
      },
      { noNullPrototype: true },
    ),
  );
  /** What a joint command should carry: current + delta per joint, then the gripper opening mapped from [-1, 1]. */
  const targets = (values: Float32Array, o: { jointNames: string[]; currentPositions: number[]; gripper?: { closed: number; open: number } }): number[] => {
    const out = o.jointNames.map((_, i) => o.currentPositions[i] + values[i]);
    if (o.gripper !== undefined) out.push(o.gripper.closed + (o.gripper.open - o.gripper.closed) * Math.min(1, Math.max(0, (values[o.jointNames.length] + 1) / 2)));
    return out;
  };

  test('any action and joints: a one-point trajectory of current + delta that survives CDR unchanged, or a RangeError naming the command', () => {
    fc.assert(
      fc.property(action, jointOptions, fc.double({ min: -1, max: 1 }), (a, options, timeFromStart) => {
        const msg = valueOrNamedError(() => jointTrajectoryFromAction(a, { ...options, stamp: { sec: 1, nanosec: 2 }, timeFromStart }), /^joint (command|trajectory): /);
        if (msg === undefined) return;
        assert.deepEqual(codec.decode(codec.encode(msg)), msg);
        assert.deepEqual([...msg.points[0].positions], targets(a.values, options));
        assert.ok(msg.points[0].positions.every(Number.isFinite));
        assert.ok(Math.abs(durationFromRos(msg.points[0].time_from_start) - timeFromStart) < 1e-9);
      }),
      runs(200),
    );
  });
});
