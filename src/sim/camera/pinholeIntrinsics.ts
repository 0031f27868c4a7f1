import type { CameraIntrinsics } from '../../core/index.js';

/**
 * Intrinsics of an ideal pinhole camera with square pixels, as MuJoCo defines its cameras:
 * `fovyDeg` spans the full image height, edge to edge. Pixel centres sit at integer
 * coordinates (the ROS CameraInfo convention), so the principal point of a centred camera
 * is ((W - 1) / 2, (H - 1) / 2) and `u = fx * x / z + cx` lands on the column index.
 */
export function pinholeIntrinsics(width: number, height: number, fovyDeg: number): CameraIntrinsics {
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new RangeError(`pinholeIntrinsics: width and height must be positive integers, got ${width}x${height}`);
  }
  if (!(fovyDeg > 0 && fovyDeg < 180)) {
    throw new RangeError(`pinholeIntrinsics: fovyDeg must be in (0, 180), got ${fovyDeg}`);
  }
  const f = height / 2 / Math.tan((fovyDeg * Math.PI) / 360);
  return { width, height, fx: f, fy: f, cx: (width - 1) / 2, cy: (height - 1) / 2 };
}
