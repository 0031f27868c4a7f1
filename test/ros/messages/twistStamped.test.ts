import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { getMessageCodec, twistStampedFromAction } from '../../../src/ros/index.js';
import { runs, valueOrNamedError } from '../../property.js';

const opts = { stamp: { sec: 8, nanosec: 9 }, frameId: 'base_link', period: 0.1 };

describe('twistStampedFromAction', () => {
  test('translation deltas per step become a linear velocity; gripper ignored; unchanged through CDR', () => {
    const msg = twistStampedFromAction({ space: 'ee_delta', values: Float32Array.of(0.01, -0.02, 0.005, 1) }, opts);
    assert.deepEqual(msg.header, { stamp: { sec: 8, nanosec: 9 }, frame_id: 'base_link' });
    assert.deepEqual(msg.twist.angular, { x: 0, y: 0, z: 0 });
    assert.ok(Math.abs(msg.twist.linear.x - 0.1) < 1e-7 && Math.abs(msg.twist.linear.y + 0.2) < 1e-7 && Math.abs(msg.twist.linear.z - 0.05) < 1e-7);
    const codec = getMessageCodec('geometry_msgs/msg/TwistStamped');
    assert.deepEqual(codec.decode(codec.encode(msg)), msg);
  });

  test('wrong space, size, period or a non-finite delta is named', () => {
    assert.throws(() => twistStampedFromAction({ space: 'joint_delta', values: new Float32Array(3) }, opts), /twist command: needs an ee_delta action, got joint_delta/);
    assert.throws(() => twistStampedFromAction({ space: 'ee_delta', values: new Float32Array(6) }, opts), /action has 6 values, expected 3 \(dx, dy, dz\) or 4 \(with gripper\)/);
    assert.throws(() => twistStampedFromAction({ space: 'ee_delta', values: new Float32Array(3) }, { ...opts, period: 0 }), /period must be a finite number of seconds > 0, got 0/);
    assert.throws(() => twistStampedFromAction({ space: 'ee_delta', values: Float32Array.of(0, Infinity, 0) }, opts), /component y is Infinity/);
  });
});

describe('twistStampedFromAction properties', () => {
  const action = fc.record({ space: fc.constantFrom('joint_delta' as const, 'ee_delta' as const), values: fc.float32Array({ maxLength: 6 }) }, { noNullPrototype: true });

  test('any action and period: a finite linear velocity of delta / period, unchanged through CDR, or a RangeError naming the command', () => {
    const codec = getMessageCodec('geometry_msgs/msg/TwistStamped');
    fc.assert(
      fc.property(action, fc.oneof(fc.double({ min: 1e-3, max: 1 }), fc.double(), fc.constantFrom(Number.MIN_VALUE, 1e-300, 1e-40)), (a, period) => {
        const msg = valueOrNamedError(() => twistStampedFromAction(a, { ...opts, period }), /^twist command: /);
        if (msg === undefined) return;
        assert.deepEqual(codec.decode(codec.encode(msg)), msg);
        const { x, y, z } = msg.twist.linear;
        assert.deepEqual([x, y, z], [a.values[0] / period, a.values[1] / period, a.values[2] / period]);
        assert.ok([x, y, z].every(Number.isFinite), `a velocity of ${[x, y, z]} would be sent`);
        assert.deepEqual(msg.twist.angular, { x: 0, y: 0, z: 0 });
      }),
      runs(200),
    );
  });
});
