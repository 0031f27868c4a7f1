import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { float64MultiArrayFromAction, getMessageCodec } from '../../../src/ros/index.js';
import { runs, valueOrNamedError } from '../../property.js';

describe('float64MultiArrayFromAction', () => {
  test('absolute targets in controller order, empty layout, unchanged through CDR', () => {
    const msg = float64MultiArrayFromAction({ space: 'joint_delta', values: Float32Array.of(0.5, -0.5, 1) }, { jointNames: ['a', 'b'], currentPositions: [1, 1] });
    assert.deepEqual([...msg.data], [1.5, 0.5]);
    assert.deepEqual(msg.layout, { dim: [], data_offset: 0 });
    const codec = getMessageCodec('std_msgs/msg/Float64MultiArray');
    assert.deepEqual(codec.decode(codec.encode(msg)), msg);
  });

  test('an ee_delta action is refused', () => {
    assert.throws(() => float64MultiArrayFromAction({ space: 'ee_delta', values: new Float32Array(4) }, { jointNames: ['a'], currentPositions: [0] }), /needs a joint_delta action, got ee_delta/);
  });
});

describe('float64MultiArrayFromAction properties', () => {
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

  test('any action and joints: current + delta in controller order, unchanged through CDR, or a RangeError naming the command', () => {
    const codec = getMessageCodec('std_msgs/msg/Float64MultiArray');
    fc.assert(
      fc.property(action, jointOptions, (a, options) => {
        const msg = valueOrNamedError(() => float64MultiArrayFromAction(a, options), /^joint command: /);
        if (msg === undefined) return;
        assert.deepEqual(codec.decode(codec.encode(msg)), msg);
        assert.deepEqual([...msg.data], targets(a.values, options));
      }),
      runs(200),
    );
  });
});
