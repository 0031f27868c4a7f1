/**
 * ROS 2 messages as plain objects, field for field as the .msg files in `definitions.ts`
 * name them. Numeric arrays are the typed arrays the CDR reader produces (uint8[] ->
 * Uint8Array, float64[] -> Float64Array), so a decoded message and one built here have the
 * same shape; string arrays are plain arrays.
 */

/** builtin_interfaces/Time. */
export interface TimeMsg {
  readonly sec: number;
  readonly nanosec: number;
}

/** builtin_interfaces/Duration. */
export interface DurationMsg {
  readonly sec: number;
  readonly nanosec: number;
}

/** std_msgs/Header. */
export interface HeaderMsg {
  readonly stamp: TimeMsg;
  readonly frame_id: string;
}

/** std_msgs/Bool. */
/** rosgraph_msgs/Clock: simulated time on /clock, for nodes with use_sim_time (bag replay). */
export interface ClockMsg {
  readonly clock: TimeMsg;
}

export interface BoolMsg {
  readonly data: boolean;
}

/** std_msgs/MultiArrayDimension. */
export interface MultiArrayDimensionMsg {
  readonly label: string;
  readonly size: number;
  readonly stride: number;
}

/** std_msgs/MultiArrayLayout. */
export interface MultiArrayLayoutMsg {
  readonly dim: readonly MultiArrayDimensionMsg[];
  readonly data_offset: number;
}

/** std_msgs/Float64MultiArray. */
export interface Float64MultiArrayMsg {
  readonly layout: MultiArrayLayoutMsg;
  readonly data: Float64Array;
}

/** sensor_msgs/Image. */
export interface ImageMsg {
  readonly header: HeaderMsg;
  readonly height: number;
  readonly width: number;
  readonly encoding: string;
  /** uint8 in the .msg: 0 or 1. */
  readonly is_bigendian: number;
  /** Full row length in bytes (may exceed width x bytes per pixel). */
  readonly step: number;
  readonly data: Uint8Array;
}

/** sensor_msgs/CompressedImage. */
export interface CompressedImageMsg {
  readonly header: HeaderMsg;
  readonly format: string;
  readonly data: Uint8Array;
}

/** sensor_msgs/RegionOfInterest. */
export interface RegionOfInterestMsg {
  readonly x_offset: number;
  readonly y_offset: number;
  readonly height: number;
  readonly width: number;
  readonly do_rectify: boolean;
}

/** sensor_msgs/CameraInfo. */
export interface CameraInfoMsg {
  readonly header: HeaderMsg;
  readonly height: number;
  readonly width: number;
  readonly distortion_model: string;
  readonly d: Float64Array;
  /** 3x3 row-major intrinsic matrix. */
  readonly k: Float64Array;
  /** 3x3 row-major rectification matrix. */
  readonly r: Float64Array;
  /** 3x4 row-major projection matrix. */
  readonly p: Float64Array;
  readonly binning_x: number;
  readonly binning_y: number;
  readonly roi: RegionOfInterestMsg;
}

/** sensor_msgs/PointField. */
export interface PointFieldMsg {
  readonly name: string;
  readonly offset: number;
  /** One of POINT_FIELD_DATATYPE's values. */
  readonly datatype: number;
  readonly count: number;
}

/** sensor_msgs/PointField's datatype constants. */
export const POINT_FIELD_DATATYPE = Object.freeze({
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  FLOAT32: 7,
  FLOAT64: 8,
} as const);

/** sensor_msgs/PointCloud2. */
export interface PointCloud2Msg {
  readonly header: HeaderMsg;
  readonly height: number;
  readonly width: number;
  readonly fields: readonly PointFieldMsg[];
  readonly is_bigendian: boolean;
  readonly point_step: number;
  readonly row_step: number;
  readonly data: Uint8Array;
  readonly is_dense: boolean;
}

/** sensor_msgs/JointState. Arrays match `name` in length, or are empty when not reported. */
export interface JointStateMsg {
  readonly header: HeaderMsg;
  readonly name: readonly string[];
  readonly position: Float64Array;
  readonly velocity: Float64Array;
  readonly effort: Float64Array;
}

/** trajectory_msgs/JointTrajectoryPoint. */
export interface JointTrajectoryPointMsg {
  readonly positions: Float64Array;
  readonly velocities: Float64Array;
  readonly accelerations: Float64Array;
  readonly effort: Float64Array;
  readonly time_from_start: DurationMsg;
}

/** trajectory_msgs/JointTrajectory. */
export interface JointTrajectoryMsg {
  readonly header: HeaderMsg;
  readonly joint_names: readonly string[];
  readonly points: readonly JointTrajectoryPointMsg[];
}

/** geometry_msgs/Vector3. */
export interface Vector3Msg {
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

/** geometry_msgs/Twist. */
export interface TwistMsg {
  readonly linear: Vector3Msg;
  readonly angular: Vector3Msg;
}

/** geometry_msgs/TwistStamped. */
export interface TwistStampedMsg {
  readonly header: HeaderMsg;
  readonly twist: TwistMsg;
}

/** std_msgs/String. */
export interface StringMsg {
  readonly data: string;
}

/** geometry_msgs/Point. */
export interface PointMsg {
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

/** geometry_msgs/Quaternion. */
export interface QuaternionMsg {
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly w: number;
}

/** geometry_msgs/Pose. */
export interface PoseMsg {
  readonly position: PointMsg;
  readonly orientation: QuaternionMsg;
}

/** geometry_msgs/PoseStamped. */
export interface PoseStampedMsg {
  readonly header: HeaderMsg;
  readonly pose: PoseMsg;
}

/** geometry_msgs/Transform. */
export interface TransformMsg {
  readonly translation: Vector3Msg;
  readonly rotation: QuaternionMsg;
}

/** geometry_msgs/TransformStamped: the pose of `child_frame_id` in `header.frame_id`. */
export interface TransformStampedMsg {
  readonly header: HeaderMsg;
  readonly child_frame_id: string;
  readonly transform: TransformMsg;
}

/** tf2_msgs/TFMessage (what /tf and /tf_static carry). */
export interface TFMessageMsg {
  readonly transforms: readonly TransformStampedMsg[];
}

/** jepa_agent_msgs/AgentStatus (msgs/msg/AgentStatus.msg). */
export interface AgentStatusMsg {
  readonly header: HeaderMsg;
  readonly state: string;
  readonly activity: string;
  readonly has_goal: boolean;
  readonly estop: boolean;
  readonly last_safe_stop_reason: string;
  readonly ticks: number;
  readonly decision_hz: number;
  readonly commands_sent: number;
  readonly control_hz: number;
  readonly held_back: number;
  readonly latency_ms_p50: number;
  readonly latency_ms_p99: number;
  readonly plan_ms_p50: number;
  readonly dropped_frames: number;
  readonly stale_pairs: number;
  readonly stale_pair_share: number;
  readonly safe_stops: number;
  readonly bad_messages: number;
}

/** jepa_agent_msgs/PlanStatus (msgs/msg/PlanStatus.msg). */
export interface PlanStatusMsg {
  readonly header: HeaderMsg;
  readonly mode: string;
  readonly predicted_cost: number;
  readonly planning_ms: number;
  readonly babbling: boolean;
  readonly action_names: readonly string[];
  readonly horizon: number;
  readonly actions: Float32Array;
  readonly action_sent: Float32Array;
  readonly sent: boolean;
}

/** jepa_agent_msgs/PredictionError (msgs/msg/PredictionError.msg). */
export interface PredictionErrorMsg {
  readonly header: HeaderMsg;
  readonly error: number;
  readonly mean_error: number;
}

/** jepa_agent_msgs/LearnerProgress (msgs/msg/LearnerProgress.msg). */
export interface LearnerProgressMsg {
  readonly header: HeaderMsg;
  readonly steps: number;
  readonly frames: number;
  readonly weight_updates: number;
  readonly loss_names: readonly string[];
  readonly loss_values: Float64Array;
}

/** Every supported type, by the name rclnodejs and rosbag2 use (`pkg/msg/Type`). */
export interface RosMessageMap {
  'builtin_interfaces/msg/Time': TimeMsg;
  'builtin_interfaces/msg/Duration': DurationMsg;
  'std_msgs/msg/Header': HeaderMsg;
  'std_msgs/msg/Bool': BoolMsg;
  'rosgraph_msgs/msg/Clock': ClockMsg;
  'std_msgs/msg/MultiArrayDimension': MultiArrayDimensionMsg;
  'std_msgs/msg/MultiArrayLayout': MultiArrayLayoutMsg;
  'std_msgs/msg/Float64MultiArray': Float64MultiArrayMsg;
  'sensor_msgs/msg/Image': ImageMsg;
  'sensor_msgs/msg/CompressedImage': CompressedImageMsg;
  'sensor_msgs/msg/RegionOfInterest': RegionOfInterestMsg;
  'sensor_msgs/msg/CameraInfo': CameraInfoMsg;
  'sensor_msgs/msg/PointField': PointFieldMsg;
  'sensor_msgs/msg/PointCloud2': PointCloud2Msg;
  'sensor_msgs/msg/JointState': JointStateMsg;
  'trajectory_msgs/msg/JointTrajectoryPoint': JointTrajectoryPointMsg;
  'trajectory_msgs/msg/JointTrajectory': JointTrajectoryMsg;
  'geometry_msgs/msg/Vector3': Vector3Msg;
  'geometry_msgs/msg/Twist': TwistMsg;
  'geometry_msgs/msg/TwistStamped': TwistStampedMsg;
  'std_msgs/msg/String': StringMsg;
  'geometry_msgs/msg/Point': PointMsg;
  'geometry_msgs/msg/Quaternion': QuaternionMsg;
  'geometry_msgs/msg/Pose': PoseMsg;
  'geometry_msgs/msg/PoseStamped': PoseStampedMsg;
  'geometry_msgs/msg/Transform': TransformMsg;
  'geometry_msgs/msg/TransformStamped': TransformStampedMsg;
  'tf2_msgs/msg/TFMessage': TFMessageMsg;
  'jepa_agent_msgs/msg/AgentStatus': AgentStatusMsg;
  'jepa_agent_msgs/msg/PlanStatus': PlanStatusMsg;
  'jepa_agent_msgs/msg/PredictionError': PredictionErrorMsg;
  'jepa_agent_msgs/msg/LearnerProgress': LearnerProgressMsg;
}

export type RosMessageType = keyof RosMessageMap;

// A Record over the map's keys makes the compiler insist that this list is complete.
const TYPES_PRESENT: Record<RosMessageType, true> = {
  'builtin_interfaces/msg/Time': true,
  'builtin_interfaces/msg/Duration': true,
  'std_msgs/msg/Header': true,
  'std_msgs/msg/Bool': true,
  'rosgraph_msgs/msg/Clock': true,
  'std_msgs/msg/MultiArrayDimension': true,
  'std_msgs/msg/MultiArrayLayout': true,
  'std_msgs/msg/Float64MultiArray': true,
  'sensor_msgs/msg/Image': true,
  'sensor_msgs/msg/CompressedImage': true,
  'sensor_msgs/msg/RegionOfInterest': true,
  'sensor_msgs/msg/CameraInfo': true,
  'sensor_msgs/msg/PointField': true,
  'sensor_msgs/msg/PointCloud2': true,
  'sensor_msgs/msg/JointState': true,
  'trajectory_msgs/msg/JointTrajectoryPoint': true,
  'trajectory_msgs/msg/JointTrajectory': true,
  'geometry_msgs/msg/Vector3': true,
  'geometry_msgs/msg/Twist': true,
  'geometry_msgs/msg/TwistStamped': true,
  'std_msgs/msg/String': true,
  'geometry_msgs/msg/Point': true,
  'geometry_msgs/msg/Quaternion': true,
  'geometry_msgs/msg/Pose': true,
  'geometry_msgs/msg/PoseStamped': true,
  'geometry_msgs/msg/Transform': true,
  'geometry_msgs/msg/TransformStamped': true,
  'tf2_msgs/msg/TFMessage': true,
  'jepa_agent_msgs/msg/AgentStatus': true,
  'jepa_agent_msgs/msg/PlanStatus': true,
  'jepa_agent_msgs/msg/PredictionError': true,
  'jepa_agent_msgs/msg/LearnerProgress': true,
};

export const ROS_MESSAGE_TYPES: readonly RosMessageType[] = Object.freeze(Object.keys(TYPES_PRESENT) as RosMessageType[]);
