import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cameraInfoFromIntrinsics, getMessageCodec, intrinsicsFromCameraInfo } from '../../../src/ros/index.js';
import { sampleMessages } from './fixtures.js';

const codec = getMessageCodec('sensor_msgs/msg/CameraInfo');

describe('sensor_msgs/CameraInfo <-> CameraIntrinsics', () => {
  test('intrinsics -> CameraInfo -> CDR -> CameraInfo -> intrinsics is the identity', () => {
    const intrinsics = { width: 640, height: 480, fx: 525.5, fy: 524.25, cx: 319.75, cy: 239.5 };
    const msg = cameraInfoFromIntrinsics(intrinsics, { stamp: { sec: 9, nanosec: 10 }, frameId: 'cam_optical' });
    const back = codec.decode(codec.encode(msg));
    assert.deepEqual(back, msg);
    assert.deepEqual(intrinsicsFromCameraInfo(back), intrinsics);
    assert.deepEqual([...back.p], [525.5, 0, 319.75, 0, 0, 524.25, 239.5, 0, 0, 0, 1, 0]);
    assert.equal(back.header.frame_id, 'cam_optical');
    assert.equal(back.distortion_model, 'plumb_bob');
  });

  test('reads fx, fy, cx, cy from K of a driver message', () => {
    assert.deepEqual(intrinsicsFromCameraInfo(sampleMessages()['sensor_msgs/msg/CameraInfo']), { width: 640, height: 480, fx: 500, fy: 501, cx: 320, cy: 240 });
  });

  test('an uncalibrated camera (K all zeros) is refused', () => {
    const msg = { ...sampleMessages()['sensor_msgs/msg/CameraInfo'], k: new Float64Array(9) };
    assert.throws(() => intrinsicsFromCameraInfo(msg, '/camera/camera_info'), /sensor_msgs\/CameraInfo on \/camera\/camera_info: k does not hold a calibration \(fx 0, fy 0, cx 0, cy 0\)/);
    assert.throws(() => cameraInfoFromIntrinsics({ width: 4, height: 0, fx: 1, fy: 1, cx: 0, cy: 0 }, { stamp: { sec: 0, nanosec: 0 }, frameId: '' }), /width and height must be positive integers, got 4x0/);
  });
});
