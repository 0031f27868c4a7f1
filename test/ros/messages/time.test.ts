import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { durationFromRos, durationToRos, getMessageCodec, timestampFromRos, timestampToRos } from '../../../src/ros/index.js';

describe('time', () => {
  test('Timestamp -> builtin_interfaces/Time -> CDR -> Time -> Timestamp is the identity', () => {
    const codec = getMessageCodec('builtin_interfaces/msg/Time');
    for (const t of [{ sec: 0, nanosec: 0 }, { sec: 1_700_000_000, nanosec: 999_999_999 }, { sec: 2147483647, nanosec: 1 }]) {
      assert.deepEqual(timestampFromRos(codec.decode(codec.encode(timestampToRos(t)))), t);
    }
  });

  test('malformed stamps are refused with the value', () => {
    assert.throws(() => timestampFromRos({ sec: 1, nanosec: 1_000_000_000 }), /builtin_interfaces\/Time: nanosec must be an integer in \[0, 1e9\), got 1000000000/);
    assert.throws(() => timestampToRos({ sec: 2 ** 31, nanosec: 0 }), /timestamp: sec must be an int32 integer, got 2147483648/);
    assert.throws(() => timestampToRos({ sec: 1.5, nanosec: 0 }), /sec must be an int32 integer, got 1.5/);
  });

  test('durations follow the ROS 2 convention for fractions and negatives', () => {
    assert.deepEqual(durationToRos(0.1), { sec: 0, nanosec: 100_000_000 });
    assert.deepEqual(durationToRos(-1.7), { sec: -2, nanosec: 300_000_000 });
    assert.deepEqual(durationToRos(2.9999999999), { sec: 3, nanosec: 0 });
    assert.equal(durationFromRos({ sec: -2, nanosec: 300_000_000 }), -1.7);
    const codec = getMessageCodec('builtin_interfaces/msg/Duration');
    assert.equal(durationFromRos(codec.decode(codec.encode(durationToRos(0.25)))), 0.25);
    assert.throws(() => durationToRos(Infinity), /duration: seconds must be finite, got Infinity/);
  });
});
