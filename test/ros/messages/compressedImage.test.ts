import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { type CompressedImageMsg, getMessageCodec, rgbImageFromCompressed } from '../../../src/ros/index.js';
import { header } from './fixtures.js';

const codec = getMessageCodec('sensor_msgs/msg/CompressedImage');

function pngBytes(width: number, height: number, rgba: Uint8Array): Uint8Array {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba);
  return new Uint8Array(PNG.sync.write(png, { colorType: 6 }));
}

function message(format: string, data: Uint8Array): CompressedImageMsg {
  return { header: header(3, 4, 'cam'), format, data };
}

describe('sensor_msgs/CompressedImage -> RgbImage', () => {
  test('PNG through CDR decodes to the exact pixels, alpha dropped', () => {
    const rgba = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 41 + 7) % 256);
    const img = rgbImageFromCompressed(codec.decode(codec.encode(message('rgb8; png compressed bgr8', pngBytes(3, 2, rgba)))));
    assert.equal(img.width, 3);
    assert.equal(img.height, 2);
    assert.deepEqual({ stamp: img.stamp, frameId: img.frameId }, { stamp: { sec: 3, nanosec: 4 }, frameId: 'cam' });
    const expected = [];
    for (let i = 0; i < 6; i++) expected.push(rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]);
    assert.deepEqual([...img.data], expected);
  });

  test('JPEG decodes (lossy: a flat colour stays within a few levels)', () => {
    const w = 16;
    const h = 8;
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([200, 40, 90, 255], 4 * i);
    const bytes = new Uint8Array(jpeg.encode({ width: w, height: h, data: rgba }, 95).data);
    const img = rgbImageFromCompressed(codec.decode(codec.encode(message('jpeg', bytes))));
    assert.equal(img.width, w);
    assert.equal(img.height, h);
    for (let i = 0; i < w * h; i++) {
      assert.ok(Math.abs(img.data[3 * i] - 200) <= 3 && Math.abs(img.data[3 * i + 1] - 40) <= 3 && Math.abs(img.data[3 * i + 2] - 90) <= 3, `pixel ${i}`);
    }
  });

  test('the codec comes from the bytes, not the format string', () => {
    const img = rgbImageFromCompressed(message('jpeg', pngBytes(1, 1, Uint8Array.of(1, 2, 3, 255))));
    assert.deepEqual([...img.data], [1, 2, 3]);
  });

  test('unknown data, broken files and compressed depth are clear errors', () => {
    assert.throws(
      () => rgbImageFromCompressed(message('webp', Uint8Array.of(0x52, 0x49, 0x46, 0x46, 0)), '/cam/compressed'),
      /sensor_msgs\/CompressedImage on \/cam\/compressed: format 'webp': data is neither PNG nor JPEG \(starts with 52 49 46 46\)/,
    );
    assert.throws(() => rgbImageFromCompressed(message('png', new Uint8Array(0))), /\(frame 'cam'\): format 'png': data is neither PNG nor JPEG \(starts with nothing\)/);
    const truncated = pngBytes(2, 2, new Uint8Array(16)).subarray(0, 30);
    assert.throws(() => rgbImageFromCompressed(message('png', truncated)), (error: Error) => {
      assert.match(error.message, /cannot decode PNG \(30 bytes\): /);
      assert.ok(error.cause !== undefined);
      return true;
    });
    assert.throws(() => rgbImageFromCompressed(message('16UC1; compressedDepth png', new Uint8Array(20))), /format '16UC1; compressedDepth png' is compressed depth, not a colour image/);
  });
});
