import { stringify } from 'yaml';
import type { McapFileSummary } from './McapFileWriter.js';

/**
 * The QoS rosbag2 (Humble) writes for a topic recorded with the default profile: reliable,
 * volatile, keep-last. `ros2 bag play` offers it again when it republishes the topic.
 */
export const DEFAULT_OFFERED_QOS = `- history: 3
  depth: 0
  reliability: 1
  durability: 2
  deadline:
    sec: 2147483647
    nsec: 4294967295
  lifespan:
    sec: 2147483647
    nsec: 4294967295
  liveliness: 1
  liveliness_lease_duration:
    sec: 2147483647
    nsec: 4294967295
  avoid_ros_namespace_conventions: false`;

/**
 * rosbag2's metadata.yaml (version 5, as Humble writes it) for the ROS files of a bag: the
 * agent's protobuf files are left out, since rosbag2 refuses encodings other than cdr.
 */
export function metadataYaml(rosFiles: readonly McapFileSummary[], relativePath: (path: string) => string): string {
  const withMessages = rosFiles.filter((f) => f.messageCount > 0);
  const start = withMessages.length === 0 ? 0n : withMessages.reduce((m, f) => (f.startTime < m ? f.startTime : m), withMessages[0].startTime);
  const end = withMessages.reduce((m, f) => (f.endTime > m ? f.endTime : m), 0n);
  const topics = new Map<string, { type: string; count: number }>();
  for (const f of rosFiles) {
    for (const t of f.topics) {
      const entry = topics.get(t.topic) ?? { type: t.schemaName, count: 0 };
      entry.count += t.count;
      topics.set(t.topic, entry);
    }
  }
  const doc = {
    rosbag2_bagfile_information: {
      version: 5,
      storage_identifier: 'mcap',
      duration: { nanoseconds: withMessages.length === 0 ? 0n : end - start },
      starting_time: { nanoseconds_since_epoch: start },
      message_count: rosFiles.reduce((n, f) => n + f.messageCount, 0),
      topics_with_message_count: [...topics].map(([name, t]) => ({
        topic_metadata: { name, type: t.type, serialization_format: 'cdr', offered_qos_profiles: DEFAULT_OFFERED_QOS },
        message_count: t.count,
      })),
      compression_format: '',
      compression_mode: '',
      relative_file_paths: rosFiles.map((f) => relativePath(f.path)),
      files: rosFiles.map((f) => ({
        path: relativePath(f.path),
        starting_time: { nanoseconds_since_epoch: f.startTime },
        duration: { nanoseconds: f.endTime - f.startTime },
        message_count: f.messageCount,
      })),
    },
  };
  return stringify(doc);
}
