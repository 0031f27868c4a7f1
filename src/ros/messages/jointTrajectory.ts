import type { Action, Timestamp } from '../../core/index.js';
import { jointTargetsFromAction, type JointCommandOptions } from './jointTargets.js';
import type { JointTrajectoryMsg } from './rosTypes.js';
import { durationToRos, timestampToRos } from './time.js';

export interface JointTrajectoryOptions extends JointCommandOptions {
  readonly stamp: Timestamp;
  /** Seconds after `stamp` at which the joints should reach the targets (one control period, typically). */
  readonly timeFromStart: number;
  readonly frameId?: string;
}

/**
 * A joint_delta action as a one-point trajectory_msgs/JointTrajectory for ros2_control's
 * JointTrajectoryController (`/<controller>/joint_trajectory`): absolute positions only,
 * leaving velocities empty so the controller interpolates.
 */
export function jointTrajectoryFromAction(action: Action, options: JointTrajectoryOptions): JointTrajectoryMsg {
  if (!(options.timeFromStart > 0)) {
    throw new RangeError(`joint trajectory: timeFromStart must be > 0 seconds, got ${options.timeFromStart}`);
  }
  const targets = jointTargetsFromAction(action, options);
  return {
    header: { stamp: timestampToRos(options.stamp), frame_id: options.frameId ?? '' },
    joint_names: targets.names,
    points: [
      {
        positions: targets.positions,
        velocities: new Float64Array(0),
        accelerations: new Float64Array(0),
        effort: new Float64Array(0),
        time_from_start: durationToRos(options.timeFromStart),
      },
    ],
  };
}
