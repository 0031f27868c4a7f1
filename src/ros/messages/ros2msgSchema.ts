import { ROS2_MSG_DEFINITIONS } from './definitions.js';

/** MCAP schema encoding of rosbag2's .msg schemas. */
export const ROS2MSG_SCHEMA_ENCODING = 'ros2msg';
/** MCAP message encoding of ROS 2 payloads (with the 4-byte CDR encapsulation header). */
export const CDR_MESSAGE_ENCODING = 'cdr';

const SEPARATOR = '='.repeat(80);
// rosbag2_storage_mcap's own patterns (message_definition_cache.cpp, humble), ECMAScript
// syntax in both std::regex and here, so dependencies are found exactly as rosbag2 finds them.
const TYPE_NAME = /^([a-zA-Z][a-zA-Z0-9_]*)\/(?:(?:msg|srv)\/)?([a-zA-Z][a-zA-Z0-9_]*)$/;
const FIELD_TYPE = /(?:^|\n)\s*([a-zA-Z0-9_/]+)(?:\[[^\]]*\])?\s+/g;
const PRIMITIVES = new Set([
  'bool', 'byte', 'char', 'float32', 'float64', 'int8', 'uint8',
  'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'string',
]);

export interface RosTypeName {
  readonly pkg: string;
  readonly name: string;
}

/** Splits `pkg/msg/Type` or `pkg/Type`. */
export function parseRosTypeName(type: string): RosTypeName {
  const m = TYPE_NAME.exec(type);
  if (m === null) throw new TypeError(`ROS type name '${type}' is not pkg/msg/Type or pkg/Type`);
  return { pkg: m[1], name: m[2] };
}

/** The schema name rosbag2 writes in MCAP files: `pkg/msg/Type`. */
export function rosSchemaName(type: string): string {
  const { pkg, name } = parseRosTypeName(type);
  return `${pkg}/msg/${name}`;
}

/**
 * The `ros2msg` schema text rosbag2 writes for `type`: its .msg text, then each dependency
 * not yet written, depth first, in the sorted order of rosbag2's std::set, each after a
 * line of 80 '=' and `MSG: pkg/Type`.
 */
export function ros2msgSchema(type: string, definitions: Readonly<Record<string, string>> = ROS2_MSG_DEFINITIONS): string {
  const root = parseRosTypeName(type);
  const seen = new Set<string>();
  const textOf = (key: string, neededBy: string): string => {
    const text = definitions[key];
    if (text === undefined) {
      throw new RangeError(`ros2msgSchema: no .msg definition for '${key}' (needed by ${neededBy}); known: ${Object.keys(definitions).join(', ')}`);
    }
    return text;
  };
  const appendRecursive = (key: string, pkg: string, neededBy: string): string => {
    let result = textOf(key, neededBy);
    for (const dep of msgDependencies(result, pkg)) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      result += `\n${SEPARATOR}\nMSG: ${dep}\n${appendRecursive(dep, parseRosTypeName(dep).pkg, key)}`;
    }
    return result;
  };
  return appendRecursive(`${root.pkg}/${root.name}`, root.pkg, 'the caller');
}

/** Non-primitive field types of one .msg text as `pkg/Type`, sorted as rosbag2 sorts them. */
export function msgDependencies(text: string, pkg: string): string[] {
  const deps = new Set<string>();
  for (const m of text.matchAll(FIELD_TYPE)) {
    const t = m[1];
    if (PRIMITIVES.has(t)) continue;
    deps.add(t.includes('/') ? t : `${pkg}/${t}`);
  }
  // std::set<std::string> orders by bytes; the names are ASCII, so code-unit order matches.
  return [...deps].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
