import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** Topic roles given by the user where a bag's own channels do not settle them. */
export interface TopicRoles {
  readonly rgb?: string;
  readonly depth?: string;
  readonly points?: string;
  readonly joints?: string;
  /** A TwistStamped, JointTrajectory or Float64MultiArray topic: the commands actions are read from. */
  readonly command?: string;
}

export const TOPIC_ROLE_KEYS = ['rgb', 'depth', 'points', 'joints', 'command'] as const;

/**
 * The roles of `--topics FILE` (YAML or JSON: rgb, depth, points, joints, command -> topic)
 * with the flags over them. Unknown keys and non-string topics are errors naming the file.
 */
export function topicRoles(flags: TopicRoles & { readonly topicsFile?: string }): TopicRoles {
  const roles: Record<string, string> = {};
  if (flags.topicsFile !== undefined) {
    const file = resolve(flags.topicsFile);
    let parsed: unknown;
    try {
      parsed = parseYaml(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`--topics ${file}: ${(error as Error).message}`, { cause: error });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError(`--topics ${file}: expected a mapping of role -> topic (${TOPIC_ROLE_KEYS.join(', ')})`);
    for (const [role, topic] of Object.entries(parsed)) {
      if (!(TOPIC_ROLE_KEYS as readonly string[]).includes(role)) throw new TypeError(`--topics ${file}: unknown role '${role}' (known: ${TOPIC_ROLE_KEYS.join(', ')})`);
      if (typeof topic !== 'string' || topic === '') throw new TypeError(`--topics ${file}: role '${role}' needs a topic name, got ${JSON.stringify(topic)}`);
      roles[role] = topic;
    }
  }
  for (const role of TOPIC_ROLE_KEYS) {
    const topic = flags[role];
    if (topic === undefined) continue;
    if (topic === '') throw new TypeError(`--${role} needs a topic name`);
    roles[role] = topic;
  }
  return roles;
}
