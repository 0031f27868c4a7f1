// Shared fixtures for the message tests: one non-trivial sample of every built-in type
// (non-default values in every field, so a field the codec drops or reorders shows up).
import type { HeaderMsg, RosMessageMap, RosMessageType } from '../../../src/ros/index.js';

export function header(sec = 1_700_000_000, nanosec = 123_456_789, frameId = 'camera_optical'): HeaderMsg {
  return { stamp: { sec, nanosec }, frame_id: frameId };
}

export function sampleMessages(): { [K in RosMessageType]: RosMessageMap[K] } {
  const roi = { x_offset: 1, y_offset: 2, height: 3, width: 4, do_rectify: true };
  const dim = { label: 'joints', size: 3, stride: 3 };
  const point = {
    positions: Float64Array.of(0.1, -0.2, 0.3),
    velocities: Float64Array.of(1, 2, 3),
    accelerations: new Float64Array(0),
    effort: Float64Array.of(-1),
    time_from_start: { sec: 0, nanosec: 100_000_000 },
  };
  const vector = { x: 1.5, y: -2.25, z: 1e-9 };
  const twist = { linear: vector, angular: { x: 0, y: 0.5, z: -3 } };
  const quaternion = { x: 0.5, y: -0.5, z: 0.5, w: 0.5 };
  const pose = { position: { x: 0.4, y: 0.1, z: 0.2 }, orientation: quaternion };
  return {
    'builtin_interfaces/msg/Time': { sec: -5, nanosec: 999_999_999 },
    'builtin_interfaces/msg/Duration': { sec: 3, nanosec: 7 },
    'std_msgs/msg/Header': header(),
    'std_msgs/msg/Bool': { data: true },
    'rosgraph_msgs/msg/Clock': { clock: { sec: 1_700_000_000, nanosec: 42 } },
    'std_msgs/msg/MultiArrayDimension': dim,
    'std_msgs/msg/MultiArrayLayout': { dim: [dim, { label: 'x', size: 1, stride: 1 }], data_offset: 2 },
    'std_msgs/msg/Float64MultiArray': { layout: { dim: [dim], data_offset: 0 }, data: Float64Array.of(1, NaN, -Infinity) },
    'sensor_msgs/msg/Image': {
      header: header(),
      height: 2,
      width: 3,
      encoding: 'rgb8',
      is_bigendian: 0,
      step: 10,
      data: Uint8Array.from({ length: 20 }, (_, i) => i * 7),
    },
    'sensor_msgs/msg/CompressedImage': { header: header(), format: 'png', data: Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 1, 2) },
    'sensor_msgs/msg/RegionOfInterest': roi,
    'sensor_msgs/msg/CameraInfo': {
      header: header(),
      height: 480,
      width: 640,
      distortion_model: 'plumb_bob',
      d: Float64Array.of(0.1, -0.2, 0.001, 0.002, 0),
      k: Float64Array.of(500, 0, 320, 0, 501, 240, 0, 0, 1),
      r: Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1),
      p: Float64Array.of(500, 0, 320, 0, 0, 501, 240, 0, 0, 0, 1, 0),
      binning_x: 1,
      binning_y: 2,
      roi,
    },
    'sensor_msgs/msg/PointField': { name: 'x', offset: 4, datatype: 7, count: 1 },
    'sensor_msgs/msg/PointCloud2': {
      header: header(),
      height: 1,
      width: 2,
      fields: [
        { name: 'x', offset: 0, datatype: 7, count: 1 },
        { name: 'y', offset: 4, datatype: 7, count: 1 },
        { name: 'z', offset: 8, datatype: 7, count: 1 },
      ],
      is_bigendian: true,
      point_step: 12,
      row_step: 24,
      data: Uint8Array.from({ length: 24 }, (_, i) => 255 - i),
      is_dense: false,
    },
    'sensor_msgs/msg/JointState': {
      header: header(1, 2, 'base_link'),
      name: ['a', 'b'],
      position: Float64Array.of(0.5, -0.5),
      velocity: new Float64Array(0),
      effort: Float64Array.of(3, 4),
    },
    'trajectory_msgs/msg/JointTrajectoryPoint': point,
    'trajectory_msgs/msg/JointTrajectory': { header: header(), joint_names: ['j1', 'j2', 'j3'], points: [point, point] },
    'geometry_msgs/msg/Vector3': vector,
    'geometry_msgs/msg/Twist': twist,
    'geometry_msgs/msg/TwistStamped': { header: header(), twist },
    'std_msgs/msg/String': { data: 'hello {"json": true}' },
    'geometry_msgs/msg/Point': { x: 0.25, y: -1, z: 3.5 },
    'geometry_msgs/msg/Quaternion': quaternion,
    'geometry_msgs/msg/Pose': pose,
    'geometry_msgs/msg/PoseStamped': { header: header(5, 6, 'base_link'), pose },
    'geometry_msgs/msg/Transform': { translation: vector, rotation: quaternion },
    'geometry_msgs/msg/TransformStamped': { header: header(), child_frame_id: 'tool0', transform: { translation: vector, rotation: quaternion } },
    'tf2_msgs/msg/TFMessage': {
      transforms: [
        { header: header(5, 6, 'base_link'), child_frame_id: 'link_1', transform: { translation: vector, rotation: quaternion } },
        { header: header(5, 7, 'link_1'), child_frame_id: 'link_2', transform: { translation: { x: 0, y: 0, z: 0.3 }, rotation: { x: 0, y: 0, z: 0, w: 1 } } },
      ],
    },
    'jepa_agent_msgs/msg/AgentStatus': {
      header: header(),
      state: 'active',
      activity: 'acting',
      has_goal: true,
      estop: false,
      last_safe_stop_reason: 'observations late',
      ticks: 1234,
      decision_hz: 10,
      commands_sent: 1200,
      control_hz: 9.5,
      held_back: 34,
      latency_ms_p50: 12.5,
      latency_ms_p99: 40.25,
      plan_ms_p50: 8,
      dropped_frames: 7,
      stale_pairs: 12,
      stale_pair_share: 0.0097,
      safe_stops: 2,
      bad_messages: 3,
    },
    'jepa_agent_msgs/msg/PlanStatus': {
      header: header(),
      mode: 'plan',
      predicted_cost: 0.75,
      planning_ms: 31.5,
      babbling: false,
      action_names: ['dx', 'dy', 'dz', 'gripper'],
      horizon: 2,
      actions: Float32Array.of(0.01, -0.02, 0, 1, 0.005, 0, 0.01, -1),
      action_sent: Float32Array.of(0.01, -0.02, 0, 1),
      sent: true,
    },
    'jepa_agent_msgs/msg/PredictionError': { header: header(), error: 0.125, mean_error: 0.5 },
    'jepa_agent_msgs/msg/LearnerProgress': {
      header: header(),
      steps: 400,
      frames: 9000,
      weight_updates: 20,
      loss_names: ['total', 'vicreg'],
      loss_values: Float64Array.of(1.5, 0.25),
    },
  };
}
