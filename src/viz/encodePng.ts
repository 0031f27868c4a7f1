import { PNG } from 'pngjs';

/**
 * PNG bytes of an 8-bit RGB (channels 3) or RGBA (channels 4) row-major image. Pure: the
 * caller writes the file. RGB is stored without an alpha channel.
 */
export function encodePng(width: number, height: number, pixels: Uint8Array, channels: 3 | 4): Buffer {
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new RangeError(`encodePng: width and height must be positive integers, got ${width}x${height}`);
  }
  if (channels !== 3 && channels !== 4) throw new RangeError(`encodePng: channels must be 3 or 4, got ${String(channels)}`);
  if (pixels.length !== width * height * channels) {
    throw new RangeError(`encodePng: expected ${width}x${height}x${channels} = ${width * height * channels} bytes, got ${pixels.length}`);
  }
  const png = new PNG({ width, height });
  // pngjs always takes RGBA input; colorType picks what is stored.
  if (channels === 4) {
    png.data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  } else {
    const rgba = png.data;
    for (let i = 0, j = 0; i < pixels.length; i += 3, j += 4) {
      rgba[j] = pixels[i];
      rgba[j + 1] = pixels[i + 1];
      rgba[j + 2] = pixels[i + 2];
      rgba[j + 3] = 255;
    }
  }
  return PNG.sync.write(png, { colorType: channels === 4 ? 6 : 2 });
}
