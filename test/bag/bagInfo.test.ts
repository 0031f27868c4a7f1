import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { bagInfo, formatBagInfo } from '../../src/bag/bagInfo.js';
import { BagWriter } from '../../src/bag/BagWriter.js';
import { toNanoseconds } from '../../src/core/index.js';
import { frame, tempDir } from './fixtures.js';

describe('bagInfo', () => {
  const { dir: root, cleanup } = tempDir();
  after(cleanup);
  const bag = join(root, 'info');

  before(async () => {
    const writer = await BagWriter.create({ dir: bag, chunkBytes: 4000, metadata: { robot: 'sim' } });
    for (let k = 0; k < 8; k++) {
      const f = frame(k);
      const t = toNanoseconds(f.stamp);
      await writer.write({ topic: '/camera/color/image_raw', logTime: t, publishTime: t, payload: { kind: 'rgb', image: f.rgb } });
      await writer.write({ topic: '/joint_states', logTime: t, publishTime: t, payload: { kind: 'joints', joints: f.proprio } });
      if (k % 2 === 0) await writer.write({ topic: '/agent/losses', logTime: t, publishTime: t, payload: { kind: 'agent', type: 'jepa_agent.Losses', record: { stamp: f.stamp, trainStep: k, terms: [{ name: 'total', value: 1 / (k + 1) }] } } });
    }
    await writer.close();
  });

  test('topics, types, counts, duration and sizes of an intact bag', async () => {
    const info = await bagInfo(bag);
    assert.equal(info.messageCount, 8 + 8 + 4);
    assert.deepEqual(info.topics, [
      { topic: '/agent/losses', type: 'jepa_agent.Losses', encoding: 'protobuf', count: 4 },
      { topic: '/camera/color/image_raw', type: 'sensor_msgs/msg/Image', encoding: 'cdr', count: 8 },
      { topic: '/joint_states', type: 'sensor_msgs/msg/JointState', encoding: 'cdr', count: 8 },
    ]);
    assert.equal(info.startTime, toNanoseconds(frame(0).stamp));
    assert.ok(Math.abs(info.durationS - 0.7) < 1e-9);
    assert.ok(info.bytes > 8 * 32 * 32 * 3 * 0.1);
    assert.deepEqual(info.problems, []);
    assert.deepEqual(info.metadata, { robot: 'sim' });
    const text = formatBagInfo(info);
    assert.match(text, /Duration: +0\.700 s/);
    assert.match(text, /\/camera\/color\/image_raw \| sensor_msgs\/msg\/Image \| 8 msgs \| cdr/);
    assert.match(text, /Recorded with: +robot=sim/);
  });

  test('a damaged bag: readable counts, the damage listed', async () => {
    const damaged = join(root, 'damaged');
    cpSync(bag, damaged, { recursive: true });
    const file = join(damaged, 'info_0.mcap');
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const info = await bagInfo(damaged);
    const rgb = info.topics.find((t) => t.topic === '/camera/color/image_raw')!;
    assert.ok(rgb.count > 0 && rgb.count < 8, `${rgb.count} readable`);
    assert.equal(info.files.find((f) => f.role === 'ros')!.intact, false);
    assert.equal(info.problems.length, 1);
    assert.match(formatBagInfo(info), /info_0\.mcap \(damaged\)[\s\S]*Problems[\s\S]*info_0\.mcap is truncated/);
  });
});
