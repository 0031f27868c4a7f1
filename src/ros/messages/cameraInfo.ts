import type { CameraIntrinsics, SensorHeader } from '../../core/index.js';
import { headerToRos } from './header.js';
import type { CameraInfoMsg } from './rosTypes.js';
import { sourceLabel } from './sourceLabel.js';

const TYPE = 'sensor_msgs/CameraInfo';

/**
 * The pinhole intrinsics in CameraInfo's K (row-major [fx 0 cx; 0 fy cy; 0 0 1]). Distortion
 * is not carried: the agent consumes rectified or simulated images. An uncalibrated camera
 * publishes K as zeros, which is refused rather than turned into a singular projection.
 */
export function intrinsicsFromCameraInfo(msg: CameraInfoMsg, topic?: string): CameraIntrinsics {
  const label = sourceLabel(TYPE, msg.header, topic);
  const k = msg.k;
  if (k.length !== 9) throw new RangeError(`${label}: k must have 9 entries, got ${k.length}`);
  const [fx, , cx, , fy, cy] = k;
  if (!(fx > 0 && fy > 0 && Number.isFinite(fx) && Number.isFinite(fy) && Number.isFinite(cx) && Number.isFinite(cy))) {
    throw new RangeError(`${label}: k does not hold a calibration (fx ${fx}, fy ${fy}, cx ${cx}, cy ${cy}); is the camera calibrated?`);
  }
  if (!Number.isInteger(msg.width) || msg.width < 1 || !Number.isInteger(msg.height) || msg.height < 1) {
    throw new RangeError(`${label}: width and height must be positive integers, got ${msg.width}x${msg.height}`);
  }
  return { width: msg.width, height: msg.height, fx, fy, cx, cy };
}

/**
 * Intrinsics as a CameraInfo for an undistorted pinhole camera: plumb_bob with zero
 * distortion, identity R, P = [K | 0] (a monocular camera), no binning, full-image ROI.
 */
export function cameraInfoFromIntrinsics(intrinsics: CameraIntrinsics, header: SensorHeader): CameraInfoMsg {
  const { width, height, fx, fy, cx, cy } = intrinsics;
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new RangeError(`camera intrinsics: width and height must be positive integers, got ${width}x${height}`);
  }
  if (!(fx > 0 && fy > 0)) throw new RangeError(`camera intrinsics: fx and fy must be positive, got ${fx} and ${fy}`);
  return {
    header: headerToRos(header),
    height,
    width,
    distortion_model: 'plumb_bob',
    d: new Float64Array(5),
    k: Float64Array.of(fx, 0, cx, 0, fy, cy, 0, 0, 1),
    r: Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1),
    p: Float64Array.of(fx, 0, cx, 0, 0, fy, cy, 0, 0, 0, 1, 0),
    binning_x: 0,
    binning_y: 0,
    roi: { x_offset: 0, y_offset: 0, height: 0, width: 0, do_rectify: false },
  };
}
