import { resolve } from 'node:path';
import { topicRoles } from '../../bag/index.js';
import type { GripperRange, TopicRoles } from '../../bag/index.js';
import { agentNodeParamsSchema } from '../../ros/node/agentNodeParams.js';
import { loadRosParams } from '../../ros/node/loadRosParams.js';
import type { TopicRoleFlags } from '../groups/topicRoleOptions.js';

/**
 * How bags without agent records are read, from the flags: the topic roles, and the gripper
 * range of their joint commands from the node parameters the robot ran with (`--params FILE`,
 * its `jepa_agent` or `/**` section, and `-p` overrides: gripper.joint, gripper.closed,
 * gripper.open), when any are given; otherwise each bag's metadata or the node's defaults decide.
 */
export function plainBagOptions(flags: TopicRoleFlags): { roles: TopicRoles; gripper?: GripperRange } {
  const roles = topicRoles(flags);
  const overrides = flags.param ?? [];
  if (flags.params === undefined && overrides.length === 0) return { roles };
  const { gripper } = loadRosParams(agentNodeParamsSchema, 'jepa_agent', flags.params, overrides);
  const from = [...(flags.params === undefined ? [] : [`--params ${resolve(flags.params)}`]), ...overrides.map((p) => `-p ${p}`)].join(' ');
  return {
    roles,
    gripper: { ...(gripper.joint === '' ? {} : { joint: gripper.joint }), closed: gripper.closed, open: gripper.open, source: `gripper.closed ${gripper.closed}, gripper.open ${gripper.open} of ${from}` },
  };
}
