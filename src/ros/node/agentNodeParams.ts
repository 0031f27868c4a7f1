import { z } from 'zod';
import { defaultRobotConfig } from '../../core/config/robotConfig.js';

export const ACTION_INTERFACES = ['joint_trajectory', 'forward_position', 'twist'] as const;
export type ActionInterface = (typeof ACTION_INTERFACES)[number];

const topic = (value: string, what: string): z.ZodDefault<z.ZodString> => z.string().default(value).describe(what);

/**
 * Parameters of the `jepa_agent` node, as a ROS 2 params YAML nests them under
 * `jepa_agent: ros__parameters:` (dotted names once declared, e.g. `topics.rgb`). Every key
 * has a default; an empty topic name turns that input or output off. Model, planner and
 * learner sizes come from the jepa-agent config (`--config`, `--set`); `planner` and
 * `watchdog` here override theirs.
 */
export const agentNodeParamsSchema = z.strictObject({
  topics: z
    .strictObject({
      rgb: topic('/camera/image_raw', 'colour image (sensor_msgs/Image: rgb8, bgr8, rgba8, bgra8, mono8)'),
      rgb_compressed: topic('', 'colour as sensor_msgs/CompressedImage (PNG or JPEG), used instead of topics.rgb when set'),
      depth: topic('/camera/depth/image_raw', 'depth image (sensor_msgs/Image 16UC1 millimetres or 32FC1 metres)'),
      camera_info: topic('/camera/camera_info', 'sensor_msgs/CameraInfo of the depth camera (intrinsics attached to depth)'),
      points: topic('/camera/points', "sensor_msgs/PointCloud2 of any layout, in frames.base or a frame tf brings there at the cloud's stamp (a camera's optical frame, its mounting on /tf_static)"),
      joint_states: topic('/joint_states', 'sensor_msgs/JointState, matched by joint name'),
      robot_description: topic(
        '/robot_description',
        "URDF (std_msgs/String, latched) whose collision shapes, posed by tf, are the robot's own shapes: the self-filter drops the arm's points from each cloud and the stance keeps clear of it; empty: none",
      ),
      tf: topic('/tf', 'tf2_msgs/TFMessage: the moving links (robot_state_publisher)'),
      tf_static: topic('/tf_static', 'tf2_msgs/TFMessage, latched: the fixed links and the camera mounting'),
      ee_pose: topic('', 'geometry_msgs/PoseStamped of the end effector in the base frame; empty: proprioception carries no end-effector pose'),
      goal_image: topic('~/goal_image', 'sensor_msgs/Image: a new goal (what the scene should look like)'),
      clear_goal: topic('~/clear_goal', 'std_msgs/Bool: true clears the goal'),
      estop: topic('/estop', 'std_msgs/Bool: true stops the arm (latched until false)'),
      command: topic('/arm_controller/joint_trajectory', 'where commands go, of the type action_interface implies'),
      status: topic('~/status', 'jepa_agent_msgs/AgentStatus (std_msgs/String JSON when the msgs package is not built)'),
      plan: topic('~/plan', 'jepa_agent_msgs/PlanStatus'),
      prediction_error: topic('~/prediction_error', 'jepa_agent_msgs/PredictionError'),
      learner: topic('~/learner', 'jepa_agent_msgs/LearnerProgress'),
    })
    .prefault({}),
  qos: z
    .strictObject({
      sensors: z.enum(['sensor_data', 'reliable']).default('sensor_data').describe('QoS of sensor subscriptions: sensor_data (best effort) or reliable'),
      sensor_depth: z.number().int().min(1).max(1000).default(5).describe('history depth of sensor subscriptions'),
      commands: z.enum(['reliable', 'best_effort']).default('reliable').describe('reliability of the command publisher'),
      goal: z.enum(['transient_local', 'volatile']).default('transient_local').describe('durability of the goal image subscription (transient_local receives a latched goal)'),
    })
    .prefault({}),
  control_rate_hz: z.number().positive().max(1000).default(10).describe('decisions and commands per second: the loop takes the freshest frame once per period, whatever the camera rate (sends beyond it are held back)'),
  status_rate_hz: z.number().positive().max(100).default(2).describe('AgentStatus and LearnerProgress per second'),
  action_interface: z.enum(ACTION_INTERFACES).default('joint_trajectory').describe('joint_trajectory (JointTrajectoryController), forward_position (Float64MultiArray), twist (MoveIt Servo TwistStamped)'),
  joint_names: z
    .array(z.string().min(1))
    .min(1)
    .default([...defaultRobotConfig().joints])
    .describe("arm joints in the action and proprioception order (default: the simulation's default arm, sim.robot.joints)"),
  gripper: z
    .strictObject({
      joint: z.string().default('').describe('gripper joint commanded with the arm joints (joint interfaces); empty: none'),
      closed: z.number().default(0).describe('gripper joint position when closed'),
      open: z.number().default(1).describe('gripper joint position when open'),
    })
    .prefault({}),
  limits: z
    .strictObject({
      max_joint_delta: z.number().positive().max(1).default(0.08).describe('largest joint change per command, radians'),
      max_ee_delta: z.number().positive().max(0.2).default(0.025).describe('largest end-effector translation per command, metres'),
    })
    .prefault({}),
  frames: z
    .strictObject({
      base: z.string().default('base_link').describe('robot base frame (twist commands, proprioception, the frame clouds are perceived in)'),
    })
    .prefault({}),
  self_filter: z
    .strictObject({
      frame_prefix: z.string().default('').describe("robot_state_publisher's frame_prefix: the tf name of URDF link L is frame_prefix + L"),
      tf_tolerance_ms: z.number().min(0).max(10000).default(50).describe("how far a cloud's stamp may lie past a transform's newest sample (or before its oldest) and still use it, for the links and the cloud's own frame"),
      package_paths: z
        .array(z.string().min(1))
        .default([])
        .describe('folders holding ROS packages, searched for package:// collision meshes after AMENT_PREFIX_PATH'),
    })
    .prefault({}),
  trajectory_time_s: z.number().min(0).max(10).default(0).describe('time_from_start of trajectory points; 0: one control period'),
  planner: z.enum(['cem', 'mppi', 'gradient']).default('cem').describe('planner: cem, mppi or gradient'),
  checkpoint: z.string().default('').describe('world-model checkpoint folder to start from; empty: a new model'),
  checkpoint_out: z.string().default('').describe('where Ctrl-C saves the checkpoint; empty: runs/ros-<time>/checkpoint'),
  learn: z.boolean().default(true).describe('learn online from what the arm senses and does'),
  required_modalities: z.array(z.enum(['rgb', 'depth', 'points', 'proprio'])).min(1).default(['rgb', 'proprio']).describe('modalities every synchronised observation must have'),
  sync_slop_ms: z.number().min(0).max(10000).default(50).describe('largest stamp spread of one synchronised observation'),
  sync_wait_ms: z
    .number()
    .min(0)
    .max(10000)
    .default(20)
    .describe('how long a frame waits for a joint state stamped at or after it (joint states are interpolated to the frame stamp); then the closest within the slop'),
  watchdog: z
    .strictObject({
      observation_timeout_ms: z.number().positive().max(600000).default(500).describe('safe stop after this long without a synchronised observation'),
      plan_timeout_ms: z.number().positive().max(600000).default(250).describe('safe stop (plan not sent) when one decision takes longer'),
    })
    .prefault({}),
  without_goal: z.enum(['hold', 'explore']).default('hold').describe('with no goal: hold position, or explore (babble) to learn'),
  record: z
    .strictObject({
      dir: z.string().default('').describe('bag folder to record into: every topic the node receives or publishes as raw CDR, plus its own records; empty: no recording'),
      exclude: z.array(z.string().min(1)).default([]).describe('full topic names not to record (e.g. a large point cloud)'),
      compression: z.enum(['zstd', 'none']).default('zstd').describe('chunk compression: zstd or none'),
      split_mb: z.number().min(0).default(0).describe('start a new file past this many MB; 0: never'),
      split_seconds: z.number().min(0).default(0).describe('start a new file past this many seconds; 0: never'),
      max_queue_mb: z.number().positive().max(65536).default(256).describe('most MB waiting to be written; beyond it new messages are dropped and counted'),
    })
    .prefault({}),
  viz: z
    .string()
    .regex(/^$|^(?:\[[^\]]+\]:|[^:[\]]+:)?\d+$/, 'expected [host:]port as a string, e.g. "8765" or "0.0.0.0:8765", or empty')
    .default('')
    .describe('live view: a Foxglove WebSocket server on [host:]port (a string; loopback unless a host is given; open ws://localhost:PORT in Foxglove or Lichtblick); empty: none'),
  lifecycle: z.boolean().default(false).describe('run as a lifecycle node (configure/activate by ros2 lifecycle or a launch system)'),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(0).describe("seed of the node's random streams"),
});

export type AgentNodeParams = z.infer<typeof agentNodeParamsSchema>;
