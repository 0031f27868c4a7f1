import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { float64MultiArrayFromAction, getMessageCodec } from '../../../src/ros/index.js';

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
