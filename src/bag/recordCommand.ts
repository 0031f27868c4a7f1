import type { Action, Timestamp } from '../core/index.js';
import { toNanoseconds } from '../core/index.js';
import { jointTrajectoryFromAction, twistStampedFromAction } from '../ros/index.js';
import type { BagRecorder } from './BagRecorder.js';
import { DEFAULT_BAG_TOPICS } from './topics.js';
import type { BagTopics } from './topics.js';

export interface CommandContext {
  readonly stamp: Timestamp;
  /** Seconds per control tick (trajectory time_from_start, twist velocity). */
  readonly period: number;
  /** joint_delta: the arm joints and their current positions (the deltas are relative to them). */
  readonly jointNames?: readonly string[];
  readonly currentPositions?: ArrayLike<number>;
  readonly frameId?: string;
}

/**
 * The command an action becomes on a ROS arm, recorded as it would be sent: joint_delta as a
 * one-point JointTrajectory for ros2_control, ee_delta as a TwistStamped for MoveIt Servo.
 */
export function recordCommand(recorder: BagRecorder, action: Action, context: CommandContext, topics: BagTopics = DEFAULT_BAG_TOPICS): boolean {
  const t = toNanoseconds(context.stamp);
  if (action.space === 'joint_delta') {
    if (context.jointNames === undefined || context.currentPositions === undefined) {
      throw new RangeError('recordCommand: a joint_delta action needs jointNames and currentPositions');
    }
    const message = jointTrajectoryFromAction(action, {
      stamp: context.stamp,
      timeFromStart: context.period,
      jointNames: context.jointNames,
      currentPositions: context.currentPositions,
      ...(context.frameId === undefined ? {} : { frameId: context.frameId }),
    });
    return recorder.write({ topic: topics.jointTrajectory, logTime: t, publishTime: t, payload: { kind: 'ros', type: 'trajectory_msgs/msg/JointTrajectory', message } });
  }
  const message = twistStampedFromAction(action, { stamp: context.stamp, frameId: context.frameId ?? 'base_link', period: context.period });
  return recorder.write({ topic: topics.twist, logTime: t, publishTime: t, payload: { kind: 'ros', type: 'geometry_msgs/msg/TwistStamped', message } });
}
