import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { McapIndexedReader, McapStreamReader } from '@mcap/core';
import type { McapTypes } from '@mcap/core';
import { FileHandleReadable } from '@mcap/nodejs';
import { loadDecompressHandlers, protobufFromBinaryDescriptor } from '@mcap/support';
import { parse } from 'yaml';
import { BagWriter } from '../../src/bag/BagWriter.js';
import { getMessageCodec, rgbImageToRos } from '../../src/ros/index.js';
import { toNanoseconds } from '../../src/core/index.js';
import { frame, tempDir } from './fixtures.js';

const SEPARATOR = '='.repeat(80);

async function readIndexed(path: string): Promise<{ reader: McapIndexedReader; messages: McapTypes.Message[]; close: () => Promise<void> }> {
  const handle = await open(path, 'r');
  const reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle), decompressHandlers: await loadDecompressHandlers() });
  const messages: McapTypes.Message[] = [];
  for await (const m of reader.readMessages()) messages.push(m);
  return { reader, messages, close: () => handle.close() };
}

describe('BagWriter', () => {
  const { dir: root, cleanup } = tempDir();
  after(cleanup);
  const dir = join(root, 'bag1');
  const frames = Array.from({ length: 12 }, (_, k) => frame(k));

  before(async () => {
    const writer = await BagWriter.create({ dir, chunkBytes: 8 << 10, metadata: { robot: 'test', jointNames: 'j1,j2,j3' } });
    for (const f of frames) {
      const t = toNanoseconds(f.stamp);
      await writer.write({ topic: '/agent/arm_state', logTime: t, publishTime: t, payload: { kind: 'agent', type: 'jepa_agent.ArmState', record: { stamp: f.stamp, frameId: 'base_link', position: [1, 2, 3], quaternion: [1, 0, 0, 0], gripper: 0.5 } } });
      await writer.write({ topic: '/camera/color/image_raw', logTime: t, publishTime: t, payload: { kind: 'rgb', image: f.rgb } });
      await writer.write({ topic: '/camera/color/camera_info', logTime: t, publishTime: t, payload: { kind: 'cameraInfo', intrinsics: f.depth.intrinsics!, header: f.depth } });
      await writer.write({ topic: '/camera/depth/image_raw', logTime: t, publishTime: t, payload: { kind: 'depth', image: f.depth } });
      await writer.write({ topic: '/camera/depth/points', logTime: t, publishTime: t, payload: { kind: 'points', cloud: f.points } });
      await writer.write({ topic: '/joint_states', logTime: t, publishTime: t, payload: { kind: 'joints', joints: f.proprio } });
    }
    await writer.close();
  });

  test('a bag folder: rosbag2-named ROS file, a sibling agent file, metadata.yaml', () => {
    assert.deepEqual(readdirSync(dir).sort(), ['bag1_0.mcap', 'bag1_agent_0.mcap', 'metadata.yaml']);
  });

  test('the ROS file follows the rosbag2 rules, read back with @mcap/core', async () => {
    const { reader, messages, close } = await readIndexed(join(dir, 'bag1_0.mcap'));
    try {
      assert.equal(reader.header.profile, 'ros2');
      const schemas = [...reader.schemasById.values()];
      assert.deepEqual(schemas.map((s) => s.name).sort(), ['sensor_msgs/msg/CameraInfo', 'sensor_msgs/msg/Image', 'sensor_msgs/msg/JointState', 'sensor_msgs/msg/PointCloud2']);
      for (const s of schemas) assert.equal(s.encoding, 'ros2msg');
      const image = new TextDecoder().decode(schemas.find((s) => s.name === 'sensor_msgs/msg/Image')!.data);
      assert.match(image, new RegExp(`^std_msgs/Header header\\n[\\s\\S]*\\n${SEPARATOR}\\nMSG: std_msgs/Header\\n[\\s\\S]*\\n${SEPARATOR}\\nMSG: builtin_interfaces/Time\\n`));
      const channels = [...reader.channelsById.values()];
      assert.equal(channels.length, 5);
      for (const c of channels) {
        assert.equal(c.messageEncoding, 'cdr');
        assert.match(c.metadata.get('offered_qos_profiles') ?? '', /reliability: 1/);
      }
      assert.equal(messages.length, 12 * 5);
      for (const m of messages) assert.deepEqual([...m.data.subarray(0, 4)], [0, 1, 0, 0], 'CDR little-endian encapsulation header');
      const stats = reader.statistics!;
      assert.equal(stats.messageCount, 60n);
      assert.equal(stats.channelCount, 5);
      assert.ok(stats.chunkCount > 1, 'several chunks');
      assert.equal(stats.messageStartTime, toNanoseconds(frames[0].stamp));
      assert.equal(stats.messageEndTime, toNanoseconds(frames[11].stamp));
      for (const count of stats.channelMessageCounts.values()) assert.equal(count, 12n);
      assert.ok(reader.chunkIndexes.every((c) => c.compression === 'zstd' || c.compression === ''));
      assert.ok(reader.chunkIndexes.some((c) => c.compression === 'zstd'), 'chunks are compressed');
      // The image bytes are exactly the shared codec's encoding of the shared conversion.
      const rgbChannel = channels.find((c) => c.topic === '/camera/color/image_raw')!;
      const first = messages.find((m) => m.channelId === rgbChannel.id)!;
      assert.deepEqual(first.data, getMessageCodec('sensor_msgs/msg/Image').encode(rgbImageToRos(frames[0].rgb)));
      const metadata: McapTypes.Metadata[] = [];
      for await (const m of reader.readMetadata({ name: 'jepa_agent' })) metadata.push(m);
      assert.equal(metadata[0].metadata.get('jointNames'), 'j1,j2,j3');
    } finally {
      await close();
    }
  });

  test('the stream reader reads it too, validating every chunk CRC', async () => {
    const reader = new McapStreamReader({ decompressHandlers: await loadDecompressHandlers(), validateCrcs: true });
    reader.append(readFileSync(join(dir, 'bag1_0.mcap')));
    let messages = 0;
    for (let r = reader.nextRecord(); r !== undefined; r = reader.nextRecord()) if (r.type === 'Message') messages++;
    assert.equal(messages, 60);
    assert.ok(reader.done());
  });

  test('the agent file holds protobuf records with FileDescriptorSet schemas', async () => {
    const { reader, messages, close } = await readIndexed(join(dir, 'bag1_agent_0.mcap'));
    try {
      const [schema] = [...reader.schemasById.values()];
      assert.equal(schema.name, 'jepa_agent.ArmState');
      assert.equal(schema.encoding, 'protobuf');
      const [channel] = [...reader.channelsById.values()];
      assert.equal(channel.messageEncoding, 'protobuf');
      // Decoded the way Foxglove does: from the schema alone.
      const type = protobufFromBinaryDescriptor(schema.data).lookupType('jepa_agent.ArmState');
      const decoded = type.toObject(type.decode(messages[3].data)) as { stamp: { sec: number; nanosec: number }; gripper: number };
      assert.deepEqual(decoded.stamp, frames[3].stamp);
      assert.equal(decoded.gripper, 0.5);
      assert.equal(messages.length, 12);
    } finally {
      await close();
    }
  });

  test('metadata.yaml lists the ROS file and topics as rosbag2 (Humble) writes it', () => {
    const meta = parse(readFileSync(join(dir, 'metadata.yaml'), 'utf8')).rosbag2_bagfile_information;
    assert.equal(meta.version, 5);
    assert.equal(meta.storage_identifier, 'mcap');
    assert.deepEqual(meta.relative_file_paths, ['bag1_0.mcap']);
    assert.equal(meta.message_count, 60);
    const image = meta.topics_with_message_count.find((t: { topic_metadata: { name: string } }) => t.topic_metadata.name === '/camera/color/image_raw');
    assert.equal(image.topic_metadata.type, 'sensor_msgs/msg/Image');
    assert.equal(image.topic_metadata.serialization_format, 'cdr');
    assert.equal(image.message_count, 12);
    assert.equal(meta.starting_time.nanoseconds_since_epoch, Number(toNanoseconds(frames[0].stamp)));
    assert.equal(meta.duration.nanoseconds, Number(toNanoseconds(frames[11].stamp) - toNanoseconds(frames[0].stamp)));
  });

  test('splits by size into numbered files, each listed in metadata.yaml', async () => {
    const splitDir = join(root, 'split');
    const writer = await BagWriter.create({ dir: splitDir, chunkBytes: 4 << 10, splitBytes: 12 << 10, compression: 'none' });
    for (const f of frames) await writer.write({ topic: '/camera/color/image_raw', logTime: toNanoseconds(f.stamp), publishTime: 0n, payload: { kind: 'rgb', image: f.rgb } });
    const summary = await writer.close();
    assert.ok(summary.ros.length >= 3, `${summary.ros.length} files`);
    assert.equal(summary.ros.reduce((n, f) => n + f.messageCount, 0), 12);
    const meta = parse(readFileSync(join(splitDir, 'metadata.yaml'), 'utf8')).rosbag2_bagfile_information;
    assert.deepEqual(meta.relative_file_paths, summary.ros.map((_, i) => `split_${i}.mcap`));
  });

  test('splits by duration', async () => {
    const splitDir = join(root, 'split-time');
    const writer = await BagWriter.create({ dir: splitDir, splitSeconds: 0.45 });
    for (const f of frames) await writer.write({ topic: '/camera/color/image_raw', logTime: toNanoseconds(f.stamp), publishTime: 0n, payload: { kind: 'rgb', image: f.rgb } });
    const summary = await writer.close();
    // 12 frames 0.1 s apart, a new file once one spans 0.45 s: 5 + 5 + 2.
    assert.deepEqual(summary.ros.map((f) => f.messageCount), [5, 5, 2]);
  });

  test('refuses a folder that already holds a bag', async () => {
    await assert.rejects(BagWriter.create({ dir }), /already holds bag1_0\.mcap.*new folder/);
  });
});
