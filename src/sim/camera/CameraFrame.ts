import type { CameraIntrinsics, Pose } from '../../core/index.js';

/** One rendered RGB-D frame with its ground-truth segmentation. All images row-major. */
export interface CameraFrame {
  readonly width: number;
  readonly height: number;
  /** H x W x 3 uint8 RGB. */
  readonly rgb: Uint8Array;
  /** H x W metres along the optical z axis (not the ray length); NaN where nothing returns. */
  readonly depth: Float32Array;
  /** H x W MuJoCo geom id of the surface seen, -1 where none. */
  readonly segmentation: Int32Array;
  readonly intrinsics: CameraIntrinsics;
  /** World pose of the optical frame: x right, y down, z forward (ROS convention). */
  readonly pose: Pose;
}
