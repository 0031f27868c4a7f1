import { test, describe, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cpSync, existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { McapIndexedReader } from '@mcap/core';
import type { McapTypes } from '@mcap/core';
import { FileHandleReadable } from '@mcap/nodejs';
import { loadDecompressHandlers } from '@mcap/support';
import { parse } from 'yaml';
import { BagWriter } from '../../src/bag/BagWriter.js';
import { formatRepairReport, repairBag } from '../../src/bag/repairBag.js';
import { toNanoseconds } from '../../src/core/index.js';
import { BagReader } from '../../src/bag/BagReader.js';
import { mutate, mutations, runs } from '../property.js';
import { frame, tempDir } from './fixtures.js';

async function indexed(path: string): Promise<{ reader: McapIndexedReader; messages: McapTypes.Message[]; metadata: McapTypes.Metadata[] }> {
  const handle = await open(path, 'r');
  try {
    const reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle), decompressHandlers: await loadDecompressHandlers() });
    const messages: McapTypes.Message[] = [];
    for await (const m of reader.readMessages()) messages.push(m);
    const metadata: McapTypes.Metadata[] = [];
    for await (const m of reader.readMetadata({ name: 'jepa_agent' })) metadata.push(m);
    return { reader, messages, metadata };
  } finally {
    await handle.close();
  }
}

describe('repairBag', () => {
  const { dir: root, cleanup } = tempDir();
  after(cleanup);
  const pristine = join(root, 'pristine');
  let bag = '';
  let n = 0;

  beforeEach(async () => {
    if (!existsSync(pristine)) {
      const writer = await BagWriter.create({ dir: pristine, chunkBytes: 6000, compression: 'none', metadata: { robot: 'test' } });
      for (let k = 0; k < 10; k++) {
        const f = frame(k);
        const t = toNanoseconds(f.stamp);
        await writer.write({ topic: '/rgb', logTime: t, publishTime: t, payload: { kind: 'rgb', image: f.rgb } });
        await writer.write({ topic: '/joint_states', logTime: t, publishTime: t, payload: { kind: 'joints', joints: f.proprio } });
        await writer.write({ topic: '/agent/arm_state', logTime: t, publishTime: t, payload: { kind: 'agent', type: 'jepa_agent.ArmState', record: { stamp: f.stamp, frameId: 'b', position: [0, 0, 0], quaternion: [1, 0, 0, 0], gripper: 1 } } });
      }
      await writer.close();
    }
    bag = join(root, `copy${n++}`);
    cpSync(pristine, bag, { recursive: true });
  });

  test('a truncated file becomes a valid, indexed one holding every complete chunk', async () => {
    const file = join(bag, `pristine_0.mcap`);
    const { reader: before } = await indexed(file);
    const cut = Number(before.chunkIndexes[2].chunkStartOffset) + 10;
    truncateSync(file, cut);
    const report = await repairBag(bag);
    const ros = report.files.find((f) => f.path === file)!;
    assert.equal(ros.status, 'repaired');
    assert.equal(ros.backup, `${file}.bak`);
    assert.ok(existsSync(ros.backup));
    assert.match(ros.problems[0], /is truncated/);
    const agent = report.files.find((f) => f.path.endsWith('_agent_0.mcap'))!;
    assert.equal(agent.status, 'intact');
    assert.equal(agent.recovered['/agent/arm_state'], 10);
    const { reader, messages, metadata: meta } = await indexed(file);
    assert.equal(reader.header.profile, 'ros2');
    assert.equal(messages.length, ros.recovered['/rgb'] + ros.recovered['/joint_states']);
    assert.ok(messages.length >= 2);
    assert.equal(reader.statistics!.messageCount, BigInt(messages.length));
    assert.deepEqual([...reader.schemasById.values()].map((s) => s.name).sort(), ['sensor_msgs/msg/Image', 'sensor_msgs/msg/JointState']);
    assert.match([...reader.channelsById.values()][0].metadata.get('offered_qos_profiles') ?? '', /history: 3/);
    assert.equal(meta[0].metadata.get('robot'), 'test');
    const yaml = parse(readFileSync(join(bag, 'metadata.yaml'), 'utf8')).rosbag2_bagfile_information;
    assert.equal(yaml.message_count, messages.length);
    const text = formatRepairReport(report);
    assert.match(text, /pristine_0\.mcap: repaired \(original kept as pristine_0\.mcap\.bak\)\n {4}recovered: \/rgb \d+, \/joint_states \d+\n {4}lost: none, plus the unfinished chunk at the cut/);
  });

  test('a corrupted chunk: the others kept, the lost messages counted per topic', async () => {
    const file = join(bag, `pristine_0.mcap`);
    const { reader: before, messages: all } = await indexed(file);
    const bytes = readFileSync(file);
    const c = before.chunkIndexes[1];
    bytes[Number(c.chunkStartOffset + c.chunkLength) - 20] ^= 0x55;
    writeFileSync(file, bytes);
    const report = await repairBag(bag, { backup: false });
    const ros = report.files.find((f) => f.path === file)!;
    assert.equal(ros.status, 'repaired');
    assert.equal(existsSync(`${file}.bak`), false);
    const lost = Object.values(ros.lost).reduce((a, b) => a + b, 0);
    const recovered = Object.values(ros.recovered).reduce((a, b) => a + b, 0);
    assert.ok(lost > 0);
    assert.equal(recovered + lost, all.length, 'every message is either recovered or counted as lost');
    assert.match(ros.problems[0], /Incorrect chunk CRC/);
    const { messages } = await indexed(file);
    assert.equal(messages.length, recovered);
  });

  test('an intact bag is left alone', async () => {
    const before = readFileSync(join(bag, 'pristine_0.mcap'));
    const report = await repairBag(bag);
    assert.deepEqual(report.files.map((f) => f.status), ['intact', 'intact']);
    assert.deepEqual(readFileSync(join(bag, 'pristine_0.mcap')), before);
    assert.equal(existsSync(join(bag, 'pristine_0.mcap.repair-tmp')), false);
  });
});

describe('repairBag properties', () => {
  const { dir: root, cleanup } = tempDir();
  after(cleanup);
  const pristine = join(root, 'pristine');
  let n = 0;

  test('any damage to either file: the repair ends, every file it rewrites is valid and indexed and holds exactly what a reader recovers from the damaged one, and a second repair finds the bag intact', async () => {
    const writer = await BagWriter.create({ dir: pristine, chunkBytes: 3000, compression: 'zstd', metadata: { robot: 'test' } });
    for (let k = 0; k < 10; k++) {
      const f = frame(k, 12);
      const t = toNanoseconds(f.stamp);
      await writer.write({ topic: '/rgb', logTime: t, publishTime: t, payload: { kind: 'rgb', image: f.rgb } });
      await writer.write({ topic: '/joint_states', logTime: t, publishTime: t, payload: { kind: 'joints', joints: f.proprio } });
      await writer.write({ topic: '/agent/arm_state', logTime: t, publishTime: t, payload: { kind: 'agent', type: 'jepa_agent.ArmState', record: { stamp: f.stamp, frameId: 'b', position: [0, 0, 0], quaternion: [1, 0, 0, 0], gripper: 1 } } });
    }
    await writer.close();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('pristine_0.mcap', 'pristine_agent_0.mcap'), mutations(3), async (file, damage) => {
        const bag = join(root, `copy${n++}`);
        cpSync(pristine, bag, { recursive: true });
        writeFileSync(join(bag, file), mutate(readFileSync(join(bag, file)), damage));
        const read: Record<string, number> = {};
        const reader = await BagReader.open(bag);
        for await (const m of reader.messages()) read[m.topic] = (read[m.topic] ?? 0) + 1;
        const report = await repairBag(bag);
        const recovered: Record<string, number> = {};
        for (const f of report.files) {
          for (const [topic, count] of Object.entries(f.recovered)) recovered[topic] = (recovered[topic] ?? 0) + count;
          if (f.status === 'intact') continue;
          assert.ok(f.problems.length > 0, `${f.path} rewritten without a problem named`);
          const { messages } = await indexed(f.path);
          assert.equal(messages.length, Object.values(f.recovered).reduce((a, b) => a + b, 0));
        }
        assert.deepEqual(recovered, read, 'the repair keeps every message a reader recovers');
        const again = await repairBag(bag);
        assert.deepEqual(again.files.map((f) => f.status), again.files.map(() => 'intact'));
      }),
      runs(30),
    );
  });
});
