import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getMessageCodec, headerToRos, sensorHeaderFromRos } from '../../../src/ros/index.js';

describe('header', () => {
  test('SensorHeader -> std_msgs/Header -> CDR -> Header -> SensorHeader is the identity', () => {
    const h = { stamp: { sec: 12, nanosec: 345 }, frameId: 'wrist_camera_optical' };
    const msg = headerToRos(h);
    assert.deepEqual(msg, { stamp: { sec: 12, nanosec: 345 }, frame_id: 'wrist_camera_optical' });
    const codec = getMessageCodec('std_msgs/msg/Header');
    assert.deepEqual(sensorHeaderFromRos(codec.decode(codec.encode(msg))), h);
  });

  test('a bad stamp fails in the header too', () => {
    assert.throws(() => sensorHeaderFromRos({ stamp: { sec: 0, nanosec: -1 }, frame_id: '' }), /nanosec must be an integer in \[0, 1e9\), got -1/);
  });
});
