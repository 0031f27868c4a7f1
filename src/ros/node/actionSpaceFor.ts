import type { ActionSpace } from '../../core/index.js';
import { makeActionSpace } from '../../core/index.js';
import type { AgentNodeParams } from './agentNodeParams.js';

/**
 * The action space the node's action interface implies: a twist is an end-effector
 * translation (dx, dy, dz) plus the gripper command, the joint interfaces take one delta per
 * configured joint plus the gripper command. Bounds come from `limits`.
 */
export function actionSpaceFor(params: Pick<AgentNodeParams, 'action_interface' | 'joint_names' | 'limits'>): ActionSpace {
  if (params.action_interface === 'twist') {
    const e = params.limits.max_ee_delta;
    return makeActionSpace('ee_delta', ['dx', 'dy', 'dz', 'gripper'], [-e, -e, -e, -1], [e, e, e, 1]);
  }
  const j = params.limits.max_joint_delta;
  const names = params.joint_names;
  return makeActionSpace('joint_delta', [...names, 'gripper'], [...names.map(() => -j), -1], [...names.map(() => j), 1]);
}
