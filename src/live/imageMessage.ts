import type { RawImage } from '@foxglove/schemas';
import type { DepthImage, RgbImage } from '../core/Observation.js';
import type { JsonWire } from './wire.js';
import { base64, toTime } from './wire.js';

/**
 * A camera image as foxglove.RawImage: colour as `rgb8`, depth as `32FC1` metres (NaN where
 * no return; Foxglove colour-maps it), little-endian as our Float32Arrays are.
 */
export function imageMessage(image: RgbImage | DepthImage): JsonWire<RawImage> {
  const depth = image.data instanceof Float32Array;
  return {
    timestamp: toTime(image.stamp),
    frame_id: image.frameId,
    width: image.width,
    height: image.height,
    encoding: depth ? '32FC1' : 'rgb8',
    step: image.width * (depth ? 4 : 3),
    data: base64(image.data),
  };
}
