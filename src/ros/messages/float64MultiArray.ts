import type { Action } from '../../core/index.js';
import { jointTargetsFromAction, type JointCommandOptions } from './jointTargets.js';
import type { Float64MultiArrayMsg } from './rosTypes.js';

/**
 * A joint_delta action as std_msgs/Float64MultiArray for a ros2_control forward position
 * controller (`/<controller>/commands`): absolute targets in the controller's joint order,
 * which is `jointNames` (then the gripper joint). The message has no header and no names, so
 * the order must match the controller's `joints` parameter. The layout is left empty, as
 * the controller ignores it.
 */
export function float64MultiArrayFromAction(action: Action, options: JointCommandOptions): Float64MultiArrayMsg {
  const targets = jointTargetsFromAction(action, options);
  return { layout: { dim: [], data_offset: 0 }, data: targets.positions };
}
