import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sourceLabel } from '../../../src/ros/messages/sourceLabel.js';

describe('sourceLabel', () => {
  const header = { stamp: { sec: 0, nanosec: 0 }, frame_id: 'cam' };
  test('names the topic when known, else the frame', () => {
    assert.equal(sourceLabel('sensor_msgs/Image', header, '/camera/image_raw'), 'sensor_msgs/Image on /camera/image_raw');
    assert.equal(sourceLabel('sensor_msgs/Image', header), "sensor_msgs/Image (frame 'cam')");
    assert.equal(sourceLabel('sensor_msgs/Image', header, ''), "sensor_msgs/Image (frame 'cam')");
  });
});
