import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DepthImage, RgbImage } from '../../../src/core/index.js';
import {
  type ImageMsg,
  depthImageFromRos,
  depthImageToRos,
  getMessageCodec,
  rgbImageFromRos,
  rgbImageToRos,
} from '../../../src/ros/index.js';
import { header } from './fixtures.js';

const codec = getMessageCodec('sensor_msgs/msg/Image');

function viaCdr(msg: ImageMsg): ImageMsg {
  return codec.decode(codec.encode(msg));
}

function image(encoding: string, width: number, height: number, step: number, data: Uint8Array, bigEndian = 0): ImageMsg {
  return { header: header(5, 6, 'cam'), height, width, encoding, is_bigendian: bigEndian, step, data };
}

describe('sensor_msgs/Image <-> RgbImage', () => {
  test('core -> rgb8 -> CDR -> core is the identity', () => {
    const rgb: RgbImage = {
      stamp: { sec: 7, nanosec: 8 },
      frameId: 'scene_camera_optical',
      width: 4,
      height: 3,
      data: Uint8Array.from({ length: 36 }, (_, i) => (i * 29 + 3) % 256),
    };
    const msg = rgbImageToRos(rgb);
    assert.equal(msg.encoding, 'rgb8');
    assert.equal(msg.step, 12);
    assert.deepEqual(rgbImageFromRos(viaCdr(msg)), rgb);
  });

  test('bgr8 with row padding gives the right RGB', () => {
    // 2x2, step 8: 6 bytes of pixels then 2 padding bytes (0xee) per row.
    const data = Uint8Array.of(
      3, 2, 1, 6, 5, 4, 0xee, 0xee,
      9, 8, 7, 12, 11, 10, 0xee, 0xee,
    );
    const rgb = rgbImageFromRos(viaCdr(image('bgr8', 2, 2, 8, data)));
    assert.deepEqual([...rgb.data], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.deepEqual({ stamp: rgb.stamp, frameId: rgb.frameId }, { stamp: { sec: 5, nanosec: 6 }, frameId: 'cam' });
  });

  test('rgba8, bgra8 (alpha dropped) and mono8 (grey to all channels), with padding', () => {
    assert.deepEqual([...rgbImageFromRos(image('rgba8', 2, 1, 9, Uint8Array.of(1, 2, 3, 99, 4, 5, 6, 99, 0))).data], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...rgbImageFromRos(image('bgra8', 2, 1, 8, Uint8Array.of(3, 2, 1, 99, 6, 5, 4, 99))).data], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...rgbImageFromRos(image('mono8', 2, 2, 3, Uint8Array.of(10, 20, 0, 30, 40))).data], [10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40]);
  });

  test('unsupported encodings and short data are named with the topic or frame', () => {
    assert.throws(
      () => rgbImageFromRos(image('yuv422', 2, 2, 4, new Uint8Array(8)), '/camera/image_raw'),
      /^RangeError: sensor_msgs\/Image on \/camera\/image_raw: unsupported colour encoding 'yuv422' \(supported: rgb8, bgr8, rgba8, bgra8, mono8\)$/,
    );
    assert.throws(() => rgbImageFromRos(image('16UC1', 2, 2, 4, new Uint8Array(8))), /sensor_msgs\/Image \(frame 'cam'\): unsupported colour encoding '16UC1'/);
    assert.throws(() => rgbImageFromRos(image('rgb8', 2, 2, 8, new Uint8Array(13))), /data has 13 bytes, expected at least 14 for 2x2 rgb8 with step 8/);
    assert.throws(() => rgbImageFromRos(image('rgb8', 2, 2, 5, new Uint8Array(12))), /step 5 is less than width 2 x 3 bytes \(rgb8\)/);
    assert.throws(() => rgbImageToRos({ stamp: { sec: 0, nanosec: 0 }, frameId: '', width: 2, height: 2, data: new Uint8Array(11) }), /expected 2x2x3 = 12 values, got 11/);
  });
});

describe('sensor_msgs/Image <-> DepthImage', () => {
  test('16UC1 millimetres become metres and 0 becomes NaN', () => {
    const mm = Uint16Array.of(0, 1000, 1500, 65535);
    const msg = image('16UC1', 2, 2, 4, new Uint8Array(mm.buffer));
    const depth = depthImageFromRos(viaCdr(msg));
    assert.ok(Number.isNaN(depth.data[0]));
    assert.deepEqual([...depth.data.subarray(1)], [1, 1.5, Math.fround(65.535)]);
  });

  test('16UC1 big endian with row padding', () => {
    // 1 pixel wide, 2 rows, step 4: [0x03e8 = 1000 mm, pad, pad][0x0000, pad, pad]
    const data = Uint8Array.of(0x03, 0xe8, 0xff, 0xff, 0x00, 0x00, 0xff, 0xff);
    const depth = depthImageFromRos(image('16UC1', 1, 2, 4, data, 1));
    assert.equal(depth.data[0], 1);
    assert.ok(Number.isNaN(depth.data[1]));
  });

  test('32FC1 metres in either byte order; non-finite, zero or negative become NaN', () => {
    const values = [0.5, 0, Infinity, -1, NaN, 2.25];
    for (const bigEndian of [0, 1]) {
      const bytes = new Uint8Array(values.length * 4);
      const view = new DataView(bytes.buffer);
      values.forEach((v, i) => view.setFloat32(4 * i, v, bigEndian === 0));
      const depth = depthImageFromRos(viaCdr(image('32FC1', 3, 2, 12, bytes, bigEndian)));
      assert.deepEqual([...depth.data], [0.5, NaN, NaN, NaN, NaN, 2.25]);
    }
  });

  test('core -> 32FC1 -> CDR -> core keeps values, NaNs, header and given intrinsics', () => {
    const depth: DepthImage = {
      stamp: { sec: 1, nanosec: 2 },
      frameId: 'depth_optical',
      width: 3,
      height: 2,
      data: Float32Array.of(0.1, NaN, 1.25, 3, 7.5, NaN),
    };
    const msg = depthImageToRos(depth);
    assert.equal(msg.encoding, '32FC1');
    assert.equal(msg.step, 12);
    assert.equal(msg.is_bigendian, 0);
    assert.deepEqual(depthImageFromRos(viaCdr(msg)), depth);
    const intrinsics = { width: 3, height: 2, fx: 2, fy: 2, cx: 1, cy: 1 };
    assert.deepEqual(depthImageFromRos(msg, { intrinsics }).intrinsics, intrinsics);
  });

  test('unsupported depth encodings are named', () => {
    assert.throws(
      () => depthImageFromRos(image('rgb8', 1, 1, 3, new Uint8Array(3)), { topic: '/depth' }),
      /sensor_msgs\/Image on \/depth: unsupported depth encoding 'rgb8' \(supported: 16UC1, 32FC1\)/,
    );
  });
});
