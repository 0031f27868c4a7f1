import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { RgbImage } from '../../core/index.js';
import { sensorHeaderFromRos } from './header.js';
import type { CompressedImageMsg } from './rosTypes.js';
import { sourceLabel } from './sourceLabel.js';

const TYPE = 'sensor_msgs/CompressedImage';
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];
// Refuse absurd sizes before decoding allocates for them.
const MAX_MEGAPIXELS = 64;

/**
 * sensor_msgs/CompressedImage (PNG or JPEG) to a core RGB image. The codec is read from the
 * bytes, not from `format`, because image_transport writes strings like
 * "bgr8; jpeg compressed bgr8" whose first word is the raw encoding; the file itself always
 * stores RGB (OpenCV swaps on encode). compressedDepth (a 12-byte header before a 16-bit
 * PNG) is not colour and is refused.
 */
export function rgbImageFromCompressed(msg: CompressedImageMsg, topic?: string): RgbImage {
  const label = sourceLabel(TYPE, msg.header, topic);
  if (msg.format.includes('compressedDepth')) {
    throw new RangeError(`${label}: format '${msg.format}' is compressed depth, not a colour image`);
  }
  const bytes = msg.data;
  let width: number;
  let height: number;
  let rgba: Uint8Array;
  if (startsWith(bytes, PNG_MAGIC)) {
    try {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      ({ width, height } = png);
      rgba = png.data;
    } catch (error) {
      throw new RangeError(`${label}: cannot decode PNG (${bytes.length} bytes): ${errorText(error)}`, { cause: error });
    }
  } else if (startsWith(bytes, JPEG_MAGIC)) {
    try {
      const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS });
      ({ width, height } = decoded);
      rgba = decoded.data;
    } catch (error) {
      throw new RangeError(`${label}: cannot decode JPEG (${bytes.length} bytes): ${errorText(error)}`, { cause: error });
    }
  } else {
    const head = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new RangeError(`${label}: format '${msg.format}': data is neither PNG nor JPEG (starts with ${head || 'nothing'})`);
  }
  const out = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < out.length; i += 3, j += 4) {
    out[i] = rgba[j];
    out[i + 1] = rgba[j + 1];
    out[i + 2] = rgba[j + 2];
  }
  return { ...sensorHeaderFromRos(msg.header), width, height, data: out };
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  if (bytes.length < magic.length) return false;
  return magic.every((b, i) => bytes[i] === b);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
