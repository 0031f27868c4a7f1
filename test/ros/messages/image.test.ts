import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { DepthImage, RgbImage } from '../../../src/core/index.js';
import {
  type ImageMsg,
  depthImageFromRos,
  depthImageToRos,
  getMessageCodec,
  rgbImageFromRos,
  rgbImageToRos,
} from '../../../src/ros/index.js';
import { mutate, mutations, runs, valueOrNamedError, withTypedArrayLimit } from '../../property.js';
import { arbitraryMessage } from './arbitraryMessage.js';
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

describe('sensor_msgs/Image properties', () => {
  const COLOUR: Record<string, { bytes: number; r: number; g: number; b: number }> = {
    rgb8: { bytes: 3, r: 0, g: 1, b: 2 },
    bgr8: { bytes: 3, r: 2, g: 1, b: 0 },
    rgba8: { bytes: 4, r: 0, g: 1, b: 2 },
    bgra8: { bytes: 4, r: 2, g: 1, b: 0 },
    mono8: { bytes: 1, r: 0, g: 0, b: 0 },
  };
  const ENCODINGS = [...Object.keys(COLOUR), '16UC1', '32FC1'];
  const size = fc.record({ width: fc.integer({ min: 1, max: 7 }), height: fc.integer({ min: 1, max: 5 }), pad: fc.nat({ max: 6 }), lastRowPadded: fc.boolean() });
  const validStamp = (h: ImageMsg['header']): ImageMsg['header'] => ({ ...h, stamp: { sec: h.stamp.sec, nanosec: h.stamp.nanosec % 1_000_000_000 } });
  const stampArb = fc.record({ sec: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), nanosec: fc.integer({ min: 0, max: 999_999_999 }) }, { noNullPrototype: true });

  /** Row-padded bytes (padding 0xab) holding one `bytes`-sized pixel per call of `put`. */
  function layout(width: number, height: number, bytes: number, pad: number, lastRowPadded: boolean, put: (view: DataView, offset: number, index: number) => void): { step: number; data: Uint8Array } {
    const step = width * bytes + pad;
    const data = new Uint8Array(step * (height - 1) + width * bytes + (lastRowPadded ? pad : 0)).fill(0xab);
    const view = new DataView(data.buffer);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) put(view, y * step + x * bytes, y * width + x);
    return { step, data };
  }

  test('every colour encoding, any size, row padding and byte values: the RGB the bytes hold', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(COLOUR)), size, fc.uint8Array({ minLength: 4 * 35, maxLength: 4 * 35 }), (encoding, { width, height, pad, lastRowPadded }, source) => {
        const c = COLOUR[encoding];
        const { step, data } = layout(width, height, c.bytes, pad, lastRowPadded, (view, o, i) => {
          for (let k = 0; k < c.bytes; k++) view.setUint8(o + k, source[i * 4 + k]);
        });
        const rgb = rgbImageFromRos(viaCdr(image(encoding, width, height, step, data)), '/cam');
        const expected: number[] = [];
        for (let i = 0; i < width * height; i++) expected.push(source[i * 4 + c.r], source[i * 4 + c.g], source[i * 4 + c.b]);
        assert.deepEqual([...rgb.data], expected);
        assert.deepEqual([rgb.width, rgb.height], [width, height]);
      }),
      runs(60),
    );
  });

  test('every depth encoding, either byte order: metres, and NaN for no return', () => {
    fc.assert(
      fc.property(fc.constantFrom('16UC1', '32FC1'), size, fc.boolean(), fc.array(fc.oneof(fc.float(), fc.integer({ min: 0, max: 65535 })), { minLength: 35, maxLength: 35 }), (encoding, { width, height, pad, lastRowPadded }, bigEndian, values) => {
        const bytes = encoding === '16UC1' ? 2 : 4;
        const expected: number[] = [];
        const { step, data } = layout(width, height, bytes, pad, lastRowPadded, (view, o, i) => {
          if (encoding === '16UC1') {
            const mm = Math.abs(Math.trunc(values[i])) % 65536 || 0;
            view.setUint16(o, mm, !bigEndian);
            expected.push(mm === 0 ? NaN : Math.fround(mm / 1000));
          } else {
            const m = Math.fround(values[i]);
            view.setFloat32(o, m, !bigEndian);
            expected.push(Number.isFinite(m) && m > 0 ? m : NaN);
          }
        });
        const depth = depthImageFromRos(viaCdr(image(encoding, width, height, step, data, bigEndian ? 1 : 0)), { topic: '/depth' });
        assert.deepEqual([...depth.data], expected);
      }),
      runs(60),
    );
  });

  test('any core RGB or depth image round-trips through rgb8 / 32FC1 and CDR', () => {
    fc.assert(
      fc.property(stampArb, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.uint8Array({ minLength: 108, maxLength: 108 }), fc.float32Array({ minLength: 36, maxLength: 36 }), (stamp, width, height, bytes, floats) => {
        const rgb: RgbImage = { stamp, frameId: 'cam', width, height, data: bytes.slice(0, width * height * 3) };
        assert.deepEqual(rgbImageFromRos(viaCdr(rgbImageToRos(rgb))), rgb);
        const data = floats.slice(0, width * height).map((v) => (Number.isFinite(v) && v > 0 ? v : NaN));
        const depth: DepthImage = { stamp, frameId: 'cam', width, height, data };
        assert.deepEqual(depthImageFromRos(viaCdr(depthImageToRos(depth))), depth);
      }),
      runs(60),
    );
  });

  test('any Image message, also with damaged CDR: an image of its size or a RangeError naming the topic, never sized beyond its data', () => {
    const encodingArb = fc.oneof(fc.constantFrom(...ENCODINGS), fc.string({ maxLength: 6 }));
    const msgArb = fc.tuple(arbitraryMessage('sensor_msgs/msg/Image', { bytes: 96 }), encodingArb, fc.nat({ max: 12 }), fc.nat({ max: 12 }), fc.nat({ max: 40 })).map(([m, encoding, w, h, step]) =>
      // Mostly small plausible sizes and a valid stamp, sometimes the arbitrary uint32s as they are.
      w % 5 === 0 ? { ...m, encoding } : { ...m, header: validStamp(m.header), encoding, width: w, height: h, step },
    );
    fc.assert(
      fc.property(msgArb, fc.option(mutations(), { nil: undefined }), (msg, damage) => {
        let input: ImageMsg | undefined = msg;
        if (damage !== undefined) {
          input = valueOrNamedError(() => codec.decode(mutate(codec.encode(msg), damage)), /MessageCodec sensor_msgs\/msg\/Image/);
          if (input === undefined) return;
        }
        const limit = 4 * input.data.length + 64;
        const rgb = withTypedArrayLimit(limit, () => valueOrNamedError(() => rgbImageFromRos(input, '/camera/image_raw'), /^sensor_msgs\/Image on \/camera\/image_raw: /));
        if (rgb !== undefined) assert.equal(rgb.data.length, 3 * input.width * input.height);
        const depth = withTypedArrayLimit(limit, () => valueOrNamedError(() => depthImageFromRos(input, { topic: '/camera/depth' }), /^sensor_msgs\/Image on \/camera\/depth: /));
        if (depth !== undefined) assert.equal(depth.data.length, input.width * input.height);
      }),
      runs(300),
    );
  });
});
