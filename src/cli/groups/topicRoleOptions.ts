import type { Command } from 'commander';

/** What `addTopicRoleOptions` adds to a command's options. */
export interface TopicRoleFlags {
  readonly rgb?: string;
  readonly depth?: string;
  readonly points?: string;
  readonly joints?: string;
  readonly command?: string;
  readonly topicsFile?: string;
  /** The node parameters the robot ran with (its gripper range), as `run --params` takes them. */
  readonly params?: string;
  readonly param?: readonly string[];
}

/**
 * `--rgb/--depth/--points/--joints/--command TOPIC` and a mapping file (`fileFlag`, e.g.
 * `--topics <file>`): the topic roles of bags without agent records, where inference is
 * ambiguous. Flags override the file, which overrides inference. `--params FILE` and
 * `-p name=value`: the node parameters the robot ran with, for the gripper range of its joint
 * commands (gripper.joint, gripper.closed, gripper.open).
 */
export function addTopicRoleOptions(cmd: Command, fileFlag: string): Command {
  return cmd
    .option('--rgb <topic>', 'colour camera topic of bags without agent records (sensor_msgs/Image or CompressedImage)')
    .option('--depth <topic>', 'depth image topic of bags without agent records')
    .option('--points <topic>', 'point cloud topic of bags without agent records (sensor_msgs/PointCloud2)')
    .option('--joints <topic>', 'joint state topic of bags without agent records (sensor_msgs/JointState)')
    .option('--command <topic>', 'command topic of bags without agent records (TwistStamped, JointTrajectory or Float64MultiArray)')
    .option(fileFlag, 'YAML/JSON mapping of those roles (keys rgb, depth, points, joints, command); the flags override it')
    .option('--params <file>', 'ROS 2 parameters YAML the robot ran with (jepa_agent: ros__parameters:, or /**): the gripper range of joint commands in bags without agent records (gripper.joint, gripper.closed, gripper.open)')
    .option('-p, --param <name=value>', 'override one of those parameters (repeatable), e.g. -p gripper.open=0.04', (value: string, previous: string[]) => [...previous, value], [] as string[]);
}
