import { z } from 'zod';

const topic = (value: string, what: string): z.ZodDefault<z.ZodString> => z.string().default(value).describe(what);

/**
 * Parameters of `jepa-agent sim-robot` (node `jepa_sim_robot`): the embedded simulation as a
 * ROS 2 robot. Its default topics are the `jepa_agent` node's defaults, so the two meet
 * without remapping; all three command interfaces are listened to at once.
 */
export const simRobotParamsSchema = z.strictObject({
  topics: z
    .strictObject({
      rgb: topic('/camera/image_raw', 'published sensor_msgs/Image rgb8'),
      depth: topic('/camera/depth/image_raw', 'published sensor_msgs/Image 32FC1 metres'),
      camera_info: topic('/camera/camera_info', 'published sensor_msgs/CameraInfo'),
      points: topic('/camera/points', 'published sensor_msgs/PointCloud2 (base frame)'),
      joint_states: topic('/joint_states', 'published sensor_msgs/JointState (arm joints + gripper)'),
      ee_pose: topic('/jepa_sim/ee_pose', 'published geometry_msgs/PoseStamped of the tool in the base frame'),
      robot_description: topic('/robot_description', "published (latched) URDF of the arm's collision shapes, one link per shape (self-filter)"),
      tf: topic('/tf', 'published tf2_msgs/TFMessage: where each shape link is, every step'),
      goal_image: topic('/jepa_sim/goal_image', 'published (latched) sensor_msgs/Image of the episode goal'),
      goal_pose: topic('/jepa_sim/goal_pose', 'published (latched) geometry_msgs/PoseStamped: the true goal position, for tests and scripted baselines (the agent never needs it)'),
      joint_trajectory: topic('/arm_controller/joint_trajectory', 'accepted trajectory_msgs/JointTrajectory'),
      position_commands: topic('/forward_position_controller/commands', 'accepted std_msgs/Float64MultiArray (joint order, gripper last)'),
      twist: topic('/servo_node/delta_twist_cmds', 'accepted geometry_msgs/TwistStamped'),
    })
    .prefault({}),
  gripper_joint: z.string().default('gripper').describe('name of the gripper joint in joint_states and commands (position 0 closed .. 1 open)'),
  command_timeout_s: z.number().positive().max(60).default(0.5).describe('a twist older than this stops (as MoveIt Servo does)'),
  episode_seed: z.number().int().min(0).default(0).describe('seed of the first episode; later episodes count up'),
  reset_when_done: z.boolean().default(true).describe('start a new episode after sim.episodeSteps steps or success'),
});

export type SimRobotParams = z.infer<typeof simRobotParamsSchema>;
