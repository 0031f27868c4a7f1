import { MessageCodec } from '../ros/index.js';
import type { ImageMsg } from '../ros/index.js';
import type { BagReader } from './BagReader.js';
import type { CommandTopic } from './commandTransitions.js';
import type { BagTopics } from './topics.js';
import { isAgentTopic } from './topics.js';
import type { TopicRoles } from './topicRoles.js';

const DEPTH_ENCODINGS = new Set(['16UC1', '32FC1', 'mono16']);
// Messages of an Image topic tried for its encoding, past damaged ones.
const IMAGE_TRIES = 20;

/** Which sensor roles a channel of this schema can play (Image: colour or depth, by its encoding). */
const ROLE_OF_SCHEMA: Readonly<Record<string, keyof BagTopics>> = {
  'sensor_msgs/msg/CompressedImage': 'rgb',
  'sensor_msgs/msg/PointCloud2': 'points',
  'sensor_msgs/msg/CameraInfo': 'cameraInfo',
  'sensor_msgs/msg/JointState': 'jointStates',
  'trajectory_msgs/msg/JointTrajectory': 'jointTrajectory',
  'geometry_msgs/msg/TwistStamped': 'twist',
};

const COMMAND_TYPES: ReadonlyArray<CommandTopic['type']> = ['geometry_msgs/msg/TwistStamped', 'trajectory_msgs/msg/JointTrajectory', 'std_msgs/msg/Float64MultiArray'];

/** The flag that gives each role. */
const FLAG_OF_ROLE: Partial<Record<keyof BagTopics, string>> = { rgb: '--rgb', depth: '--depth', points: '--points', jointStates: '--joints', twist: '--command', jointTrajectory: '--command' };
const ROLE_OF_KEY = { rgb: 'rgb', depth: 'depth', points: 'points', joints: 'jointStates' } as const;

/**
 * The bag's topic roles: `named` (from its metadata, or the default names), with each role
 * whose topic the bag does not hold taken from the bag's own channels when exactly one
 * channel can play it (by message type; an Image by the encoding of its first message that decodes: 16UC1,
 * 32FC1 or mono16 is depth). Several candidates for a role are an error naming them. Also the
 * command topic transitions can be built from: the twist or trajectory role, else the one
 * Float64MultiArray channel. `roles` (flags or a mapping file) are taken as given, before any
 * inference; one the bag does not hold is an error naming the bag, the topic and its topics.
 */
export async function inferBagTopics(reader: BagReader, bag: string, named: BagTopics, roles: TopicRoles = {}): Promise<{ topics: BagTopics; command: CommandTopic | undefined }> {
  const channels = (await reader.channels()).filter((c) => !isAgentTopic(c.topic) && c.messageEncoding === 'cdr');
  const present = new Set(channels.map((c) => c.topic));
  const given: Partial<Record<keyof BagTopics, string>> = {};
  let givenCommand: CommandTopic | undefined;
  for (const [key, topic] of Object.entries(roles) as Array<[keyof TopicRoles, string | undefined]>) {
    if (topic === undefined) continue;
    const channel = channels.find((c) => c.topic === topic);
    if (channel === undefined) {
      throw new RangeError(`bag ${bag}: topic ${topic} (given as --${key}) is not in it; it holds ${channels.map((c) => `${c.topic} (${c.schemaName})`).join(', ') || 'no CDR topic'}`);
    }
    if (key === 'command') {
      const type = COMMAND_TYPES.find((t) => t === channel.schemaName);
      if (type === undefined) throw new TypeError(`bag ${bag}: command topic ${topic} carries ${channel.schemaName}, expected one of ${COMMAND_TYPES.join(', ')}`);
      givenCommand = { topic, type };
      given.twist = type === 'geometry_msgs/msg/TwistStamped' ? topic : '';
      given.jointTrajectory = type === 'trajectory_msgs/msg/JointTrajectory' ? topic : '';
    } else given[ROLE_OF_KEY[key]] = topic;
  }
  const givenTopics = new Set(Object.values(given));
  const candidates = new Map<keyof BagTopics, Set<string>>();
  const add = (role: keyof BagTopics, topic: string): void => {
    const set = candidates.get(role) ?? new Set<string>();
    set.add(topic);
    candidates.set(role, set);
  };
  const goalTopics = new Set([named.goalRgb, named.goalDepth, named.goalPoints]);
  for (const c of channels) {
    if (goalTopics.has(c.topic) || givenTopics.has(c.topic)) continue;
    if (c.schemaName === 'sensor_msgs/msg/Image') {
      add((await isDepth(reader, c.topic)) ? 'depth' : 'rgb', c.topic);
    } else {
      const role = ROLE_OF_SCHEMA[c.schemaName];
      if (role !== undefined) add(role, c.topic);
    }
  }
  const topics: Record<string, string> = { ...named, ...given };
  for (const [role, set] of candidates) {
    if (given[role] !== undefined || present.has(named[role])) continue;
    const list = [...set].filter((t) => !Object.values(named).includes(t) || named[role] === t);
    if (list.length === 1) topics[role] = list[0];
    else if (list.length > 1) {
      throw new RangeError(`bag ${bag}: ${list.length} topics could be its ${role} (${list.join(', ')}) and none is named ${named[role]}: give one${FLAG_OF_ROLE[role] === undefined ? '' : ` with ${FLAG_OF_ROLE[role]} TOPIC`} or in a --topics FILE`);
    }
  }
  for (const role of Object.keys(topics) as Array<keyof BagTopics>) if (!present.has(topics[role])) topics[role] = '';
  const result = topics as unknown as BagTopics;
  if (givenCommand !== undefined) return { topics: result, command: givenCommand };
  let command: CommandTopic | undefined;
  if (result.twist !== '') command = { topic: result.twist, type: 'geometry_msgs/msg/TwistStamped' };
  else if (result.jointTrajectory !== '') command = { topic: result.jointTrajectory, type: 'trajectory_msgs/msg/JointTrajectory' };
  else {
    const arrays = channels.filter((c) => c.schemaName === COMMAND_TYPES[2]);
    if (arrays.length === 1) command = { topic: arrays[0].topic, type: 'std_msgs/msg/Float64MultiArray' };
  }
  return { topics: result, command };
}

/** Whether an Image topic carries depth, by the encoding of its first message that decodes (damaged ones are passed over). */
async function isDepth(reader: BagReader, topic: string): Promise<boolean> {
  let tries = 0;
  for await (const m of reader.messages({ topics: [topic] })) {
    if (m.schemaData === undefined || ++tries > IMAGE_TRIES) return false;
    try {
      const msg = new MessageCodec(m.schemaName, new TextDecoder().decode(m.schemaData)).decode(m.data) as ImageMsg;
      if (typeof msg.encoding === 'string') return DEPTH_ENCODINGS.has(msg.encoding);
    } catch {
      // a damaged one: the reading proper skips and counts it; try the next
    }
  }
  return false;
}
