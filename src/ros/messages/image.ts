import type { CameraIntrinsics, DepthImage, RgbImage } from '../../core/index.js';
import { headerToRos, sensorHeaderFromRos } from './header.js';
import type { ImageMsg } from './rosTypes.js';
import { sourceLabel } from './sourceLabel.js';

const TYPE = 'sensor_msgs/Image';

// Byte offsets of R, G, B inside one pixel, and the pixel size, per colour encoding.
const COLOUR_LAYOUTS: Readonly<Record<string, { readonly bytes: number; readonly r: number; readonly g: number; readonly b: number }>> = {
  rgb8: { bytes: 3, r: 0, g: 1, b: 2 },
  bgr8: { bytes: 3, r: 2, g: 1, b: 0 },
  rgba8: { bytes: 4, r: 0, g: 1, b: 2 },
  bgra8: { bytes: 4, r: 2, g: 1, b: 0 },
  mono8: { bytes: 1, r: 0, g: 0, b: 0 },
};

const DEPTH_ENCODINGS = ['16UC1', '32FC1'] as const;

/**
 * sensor_msgs/Image to a core RGB image (a fresh copy, tightly packed). Reads rgb8, bgr8,
 * rgba8, bgra8 (alpha dropped) and mono8 (grey copied to R, G and B), honouring row padding
 * (`step`). `topic` only improves error messages.
 */
export function rgbImageFromRos(msg: ImageMsg, topic?: string): RgbImage {
  const label = sourceLabel(TYPE, msg.header, topic);
  const header = sensorHeaderFromRos(msg.header, label);
  const layout = COLOUR_LAYOUTS[msg.encoding];
  if (layout === undefined) {
    throw new RangeError(
      `${label}: unsupported colour encoding '${msg.encoding}' (supported: ${Object.keys(COLOUR_LAYOUTS).join(', ')})`,
    );
  }
  checkLayout(msg, layout.bytes, label);
  const { width, height, step } = msg;
  const src = msg.data;
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    let s = y * step;
    let o = y * width * 3;
    for (let x = 0; x < width; x++, s += layout.bytes, o += 3) {
      out[o] = src[s + layout.r];
      out[o + 1] = src[s + layout.g];
      out[o + 2] = src[s + layout.b];
    }
  }
  return { ...header, width, height, data: out };
}

/** A core RGB image as sensor_msgs/Image, rgb8 without row padding. */
export function rgbImageToRos(image: RgbImage): ImageMsg {
  checkCoreSize(image.width, image.height, image.data.length, 3, 'RGB image');
  return {
    header: headerToRos(image),
    height: image.height,
    width: image.width,
    encoding: 'rgb8',
    is_bigendian: 0,
    step: image.width * 3,
    data: Uint8Array.from(image.data),
  };
}

export interface DepthFromRosOptions {
  /** Topic the message came from, for error messages. */
  readonly topic?: string;
  /** Intrinsics to attach (from the matching sensor_msgs/CameraInfo). */
  readonly intrinsics?: CameraIntrinsics;
}

/**
 * sensor_msgs/Image to a core depth image in metres: 16UC1 is millimetres (REP 118), 32FC1
 * metres. No return becomes NaN: 0 in either encoding, and a non-finite or negative 32FC1
 * value (drivers write 0, NaN or +-Inf for it). Byte order follows `is_bigendian`.
 */
export function depthImageFromRos(msg: ImageMsg, options: DepthFromRosOptions = {}): DepthImage {
  const label = sourceLabel(TYPE, msg.header, options.topic);
  const header = sensorHeaderFromRos(msg.header, label);
  const encoding = msg.encoding as (typeof DEPTH_ENCODINGS)[number];
  if (!DEPTH_ENCODINGS.includes(encoding)) {
    throw new RangeError(`${label}: unsupported depth encoding '${msg.encoding}' (supported: ${DEPTH_ENCODINGS.join(', ')})`);
  }
  const bytes = encoding === '16UC1' ? 2 : 4;
  checkLayout(msg, bytes, label);
  const { width, height, step } = msg;
  const view = new DataView(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength);
  const little = msg.is_bigendian === 0;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * step;
    const o = y * width;
    if (encoding === '16UC1') {
      for (let x = 0; x < width; x++) {
        const mm = view.getUint16(row + 2 * x, little);
        out[o + x] = mm === 0 ? NaN : mm / 1000;
      }
    } else {
      for (let x = 0; x < width; x++) {
        const m = view.getFloat32(row + 4 * x, little);
        out[o + x] = Number.isFinite(m) && m > 0 ? m : NaN;
      }
    }
  }
  return options.intrinsics === undefined
    ? { ...header, width, height, data: out }
    : { ...header, width, height, data: out, intrinsics: options.intrinsics };
}

/** A core depth image as sensor_msgs/Image, 32FC1 metres, little endian, NaN kept. */
export function depthImageToRos(image: DepthImage): ImageMsg {
  checkCoreSize(image.width, image.height, image.data.length, 1, 'depth image');
  const data = new Uint8Array(image.width * image.height * 4);
  const view = new DataView(data.buffer);
  for (let i = 0; i < image.data.length; i++) view.setFloat32(4 * i, image.data[i], true);
  return {
    header: headerToRos(image),
    height: image.height,
    width: image.width,
    encoding: '32FC1',
    is_bigendian: 0,
    step: image.width * 4,
    data,
  };
}

function checkLayout(msg: ImageMsg, bytesPerPixel: number, label: string): void {
  const { width, height, step } = msg;
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new RangeError(`${label}: width and height must be positive integers, got ${width}x${height}`);
  }
  if (step < width * bytesPerPixel) {
    throw new RangeError(`${label}: step ${step} is less than width ${width} x ${bytesPerPixel} bytes (${msg.encoding})`);
  }
  // The last row may omit its padding; every pixel must still be there.
  const needed = step * (height - 1) + width * bytesPerPixel;
  if (msg.data.length < needed) {
    throw new RangeError(
      `${label}: data has ${msg.data.length} bytes, expected at least ${needed} for ${width}x${height} ${msg.encoding} with step ${step}`,
    );
  }
}

function checkCoreSize(width: number, height: number, length: number, channels: number, what: string): void {
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new RangeError(`${what}: width and height must be positive integers, got ${width}x${height}`);
  }
  if (length !== width * height * channels) {
    throw new RangeError(`${what}: expected ${width}x${height}x${channels} = ${width * height * channels} values, got ${length}`);
  }
}
