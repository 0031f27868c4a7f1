import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cameraInfoFromIntrinsics, getMessageCodec, intrinsicsFromCameraInfo } from '../../../src/ros/index.js';
import { sampleMessages } from './fixtures.js';
import { mutate, mutations, runs, valueOrNamedError } from '../../property.js';
import { arbitraryMessage } from './arbitraryMessage.js';

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

describe('sensor_msgs/CameraInfo properties', () => {
  const positive = fc.double({ min: 1e-3, max: 1e5, noNaN: true });
  const finite = fc.double({ min: -1e5, max: 1e5, noNaN: true });

  test('any pinhole intrinsics round-trip exactly through CameraInfo and CDR', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8192 }), fc.integer({ min: 1, max: 8192 }), positive, positive, finite, finite, (width, height, fx, fy, cx, cy) => {
        const intrinsics = { width, height, fx, fy, cx, cy };
        const msg = cameraInfoFromIntrinsics(intrinsics, { stamp: { sec: 1, nanosec: 2 }, frameId: 'cam' });
        assert.deepEqual(intrinsicsFromCameraInfo(codec.decode(codec.encode(msg)), '/camera_info'), intrinsics);
      }),
      runs(60),
    );
  });

  test('any CameraInfo, also with damaged CDR: usable intrinsics or a RangeError naming the topic', () => {
    fc.assert(
      fc.property(arbitraryMessage('sensor_msgs/msg/CameraInfo'), fc.option(mutations(), { nil: undefined }), (msg, damage) => {
        const input = damage === undefined ? msg : valueOrNamedError(() => codec.decode(mutate(codec.encode(msg), damage)), /MessageCodec sensor_msgs\/msg\/CameraInfo/);
        if (input === undefined) return;
        const k = valueOrNamedError(() => intrinsicsFromCameraInfo(input, '/camera_info'), /^sensor_msgs\/CameraInfo on \/camera_info: /);
        if (k !== undefined) assert.ok(k.fx > 0 && k.fy > 0 && Number.isFinite(k.cx) && Number.isFinite(k.cy) && k.width >= 1 && k.height >= 1);
      }),
      runs(200),
    );
  });
});
