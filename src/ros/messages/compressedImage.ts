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
// Deflate expands at most 1032:1, and a PNG pixel takes at least 1 bit: more pixels than this
// per byte of file cannot be in it (pngjs would allocate for the claimed size and pad).
const PNG_MAX_PIXELS_PER_BYTE = 8 * 1032;

/**
 * sensor_msgs/CompressedImage (PNG or JPEG) to a core RGB image. The codec is read from the
 * bytes, not from `format`, because image_transport writes strings like
 * "bgr8; jpeg compressed bgr8" whose first word is the raw encoding; the file itself always
 * stores RGB (OpenCV swaps on encode). compressedDepth (a 12-byte header before a 16-bit
 * PNG) is not colour and is refused.
 */
export function rgbImageFromCompressed(msg: CompressedImageMsg, topic?: string): RgbImage {
  const label = sourceLabel(TYPE, msg.header, topic);
  const header = sensorHeaderFromRos(msg.header, label);
  if (msg.format.includes('compressedDepth')) {
    throw new RangeError(`${label}: format '${msg.format}' is compressed depth, not a colour image`);
  }
  const bytes = msg.data;
  let width: number;
  let height: number;
  let rgba: Uint8Array;
  if (startsWith(bytes, PNG_MAGIC)) {
    try {
      checkPngSize(bytes);
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
  return { ...header, width, height, data: out };
}

/** Throws when the IHDR claims more pixels than allowed or than the file can hold. */
function checkPngSize(bytes: Uint8Array): void {
  if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') throw new RangeError('its first chunk is not IHDR');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const pixels = width * height;
  if (pixels > MAX_MEGAPIXELS * 1e6) throw new RangeError(`its IHDR claims ${width}x${height} is more than ${MAX_MEGAPIXELS} megapixels`);
  if (pixels > PNG_MAX_PIXELS_PER_BYTE * bytes.length) {
    throw new RangeError(`its IHDR claims ${width}x${height}, more pixels than ${bytes.length} bytes of PNG can hold (at most ${PNG_MAX_PIXELS_PER_BYTE} per byte)`);
  }
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  if (bytes.length < magic.length) return false;
  return magic.every((b, i) => bytes[i] === b);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
