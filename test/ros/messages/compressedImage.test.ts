import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { type CompressedImageMsg, getMessageCodec, rgbImageFromCompressed } from '../../../src/ros/index.js';
import { mutate, mutations, runs, timed, valueOrNamedError } from '../../property.js';
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

describe('sensor_msgs/CompressedImage properties', () => {
  const image = fc.record({ width: fc.integer({ min: 1, max: 9 }), height: fc.integer({ min: 1, max: 7 }), seed: fc.uint8Array({ minLength: 4 * 63, maxLength: 4 * 63 }) });
  const rgbaOf = (width: number, height: number, seed: Uint8Array): Uint8Array => seed.slice(0, 4 * width * height);

  /** `png` with its IHDR width and height replaced (and the chunk's CRC made right again). */
  function withPngSize(png: Uint8Array, width: number, height: number): Uint8Array {
    const out = Uint8Array.from(png);
    const view = new DataView(out.buffer);
    view.setUint32(16, width);
    view.setUint32(20, height);
    view.setUint32(29, crc32(out.subarray(12, 29)));
    return out;
  }

  /** `jpeg` with its SOF0 height and width replaced. */
  function withJpegSize(bytes: Uint8Array, width: number, height: number): Uint8Array {
    const out = Uint8Array.from(bytes);
    for (let i = 2; i + 9 < out.length; ) {
      const marker = out[i + 1];
      const length = (out[i + 2] << 8) | out[i + 3];
      if (marker === 0xc0) {
        new DataView(out.buffer).setUint16(i + 5, height);
        new DataView(out.buffer).setUint16(i + 7, width);
        return out;
      }
      i += 2 + length;
    }
    throw new Error('no SOF0 marker');
  }

  test('any RGBA image as PNG through CDR decodes to its exact pixels, alpha dropped', () => {
    fc.assert(
      fc.property(image, ({ width, height, seed }) => {
        const rgba = rgbaOf(width, height, seed);
        const img = rgbImageFromCompressed(codec.decode(codec.encode(message('png', pngBytes(width, height, rgba)))), '/cam/compressed');
        assert.deepEqual([img.width, img.height], [width, height]);
        assert.deepEqual([...img.data], [...rgba].filter((_, i) => i % 4 !== 3));
      }),
      runs(40),
    );
  });

  test('damaged PNG and JPEG bytes: an image of the size they claim or a RangeError naming the topic, in bounded time', () => {
    fc.assert(
      fc.property(image, fc.boolean(), mutations(), ({ width, height, seed }, asJpeg, damage) => {
        const rgba = rgbaOf(width, height, seed);
        const clean = asJpeg ? new Uint8Array(jpeg.encode({ width, height, data: Buffer.from(rgba) }, 90).data) : pngBytes(width, height, rgba);
        const bytes = mutate(clean, damage);
        const { value, ms } = timed(() => valueOrNamedError(() => rgbImageFromCompressed(message('rgb8; jpeg compressed bgr8', bytes), '/cam/compressed'), /^sensor_msgs\/CompressedImage on \/cam\/compressed: /));
        assert.ok(ms < 2000, `decoding ${bytes.length} damaged bytes took ${ms.toFixed(0)} ms`);
        if (value !== undefined) assert.equal(value.data.length, 3 * value.width * value.height);
      }),
      runs(150),
    );
  });

  test('a PNG or JPEG claiming more than 64 megapixels is refused before it is decoded', () => {
    fc.assert(
      fc.property(fc.integer({ min: 8193, max: 65535 }), fc.integer({ min: 8193, max: 65535 }), fc.boolean(), (width, height, asJpeg) => {
        const rgba = new Uint8Array(4 * 4).fill(200);
        const bytes = asJpeg ? withJpegSize(new Uint8Array(jpeg.encode({ width: 2, height: 2, data: Buffer.from(rgba) }, 90).data), width, height) : withPngSize(pngBytes(2, 2, rgba), width, height);
        const { ms } = timed(() =>
          assert.throws(
            () => rgbImageFromCompressed(message('png', bytes), '/cam/compressed'),
            new RegExp(`^RangeError: sensor_msgs/CompressedImage on /cam/compressed: cannot decode ${asJpeg ? 'JPEG' : 'PNG'} \\(\\d+ bytes\\): .*${asJpeg ? 'maxResolutionInMP limit exceeded' : `${width}x${height} is more than 64 megapixels`}`),
          ),
        );
        assert.ok(ms < 500, `took ${ms.toFixed(0)} ms`);
      }),
      runs(20),
    );
    // Within 64 MP but more than deflate (at most 1032:1) can fit in the file.
    const small = withPngSize(pngBytes(2, 2, new Uint8Array(16)), 3000, 3000);
    assert.throws(() => rgbImageFromCompressed(message('png', small)), new RegExp(`cannot decode PNG \\(${small.length} bytes\\): its IHDR claims 3000x3000, more pixels than ${small.length} bytes of PNG can hold \\(at most 8256 per byte\\)`));
  });
});
