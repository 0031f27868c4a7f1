import type { Pose } from './Pose.js';
import type { Timestamp } from './Timestamp.js';

/**
 * What the agent senses. Each modality carries its own stamp and frame, as a ROS 2 header
 * would, because live sensors arrive at different times and the loop synchronises them.
 * Every modality is optional: a missing sensor is a normal state, not an error.
 */
export interface SensorHeader {
  readonly stamp: Timestamp;
  /** Coordinate frame of the data, e.g. "scene_camera_optical" or "base_link". */
  readonly frameId: string;
}

/** Pinhole intrinsics in pixels, as sensor_msgs/CameraInfo's K. */
export interface CameraIntrinsics {
  readonly width: number;
  readonly height: number;
  readonly fx: number;
  readonly fy: number;
  readonly cx: number;
  readonly cy: number;
}

/** Colour image, row-major H x W x 3, uint8 RGB. */
export interface RgbImage extends SensorHeader {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Depth image, row-major H x W, float32 metres along the optical axis; NaN where no return. */
export interface DepthImage extends SensorHeader {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
  readonly intrinsics?: CameraIntrinsics;
}

/** Segmentation image, row-major H x W: the id of the hit geometry, -1 for no hit. */
export interface SegmentationImage extends SensorHeader {
  readonly width: number;
  readonly height: number;
  readonly data: Int32Array;
}

/** Unordered points, N x 3 float32 metres in `frameId`, with optional colour and segment id. */
export interface PointCloud extends SensorHeader {
  readonly count: number;
  readonly positions: Float32Array;
  /** N x 3 uint8 RGB. */
  readonly colors?: Uint8Array;
  /** N segment ids (same ids as SegmentationImage). */
  readonly segments?: Int32Array;
}

export interface Proprioception extends SensorHeader {
  readonly jointNames: readonly string[];
  /** Radians (or metres for prismatic joints), in the order of `jointNames`. */
  readonly positions: Float64Array;
  readonly velocities: Float64Array;
  /** End-effector pose in the robot base frame. */
  readonly endEffector: Pose;
  /** Gripper opening in [0, 1]: 0 closed, 1 open. */
  readonly gripper: number;
}

export interface Observation {
  /** Stamp of the synchronised observation (the latest of its parts). */
  readonly stamp: Timestamp;
  readonly rgb?: RgbImage;
  readonly depth?: DepthImage;
  readonly segmentation?: SegmentationImage;
  readonly points?: PointCloud;
  readonly proprio?: Proprioception;
  /** Further cameras (e.g. a wrist camera) by name; `rgb`/`depth` above are the primary camera. */
  readonly views?: Readonly<Record<string, CameraView>>;
  /**
   * The robot's own link shapes posed at this observation's joint state, in the point cloud's
   * frame: what a self-filter removes from the cloud (the robot description + forward
   * kinematics on a real arm; the model's own geoms in the simulation). Never object state.
   */
  readonly robotShapes?: RobotShapes;
}

/** Collision primitives of the robot's links at one joint state. */
export interface RobotShapes extends SensorHeader {
  readonly shapes: readonly RobotShape[];
}

/**
 * One primitive: `position` is its centre, `rotation` a row-major 3x3 matrix whose columns are
 * the shape's axes in the frame. `size`: sphere [radius]; capsule [radius, half length along
 * the local z axis]; box [half x, half y, half z].
 */
export interface RobotShape {
  readonly kind: 'sphere' | 'capsule' | 'box';
  readonly position: readonly [number, number, number];
  readonly rotation: readonly number[];
  readonly size: readonly number[];
}

export interface CameraView {
  readonly rgb: RgbImage;
  readonly depth: DepthImage;
}

export type Modality = 'rgb' | 'depth' | 'points' | 'proprio';
export const MODALITIES: readonly Modality[] = ['rgb', 'depth', 'points', 'proprio'];
