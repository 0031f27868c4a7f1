import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { join } from 'node:path';
import { McapRecordBuilder } from '@mcap/core';
import { SimWorld } from '../../src/agent/sources/SimWorld.js';
import { BagRecorder } from '../../src/bag/BagRecorder.js';
import { BagSource } from '../../src/bag/BagSource.js';
import type { BagMessage } from '../../src/bag/BagReader.js';
import { BagWriter } from '../../src/bag/BagWriter.js';
import { recordSimEpisodes, simBagMetadata } from '../../src/cli/commands/record.js';
import { Rng, toNanoseconds } from '../../src/core/index.js';
import type { DepthImage, Observation, PointCloud, Proprioception, RgbImage, RobotShapes } from '../../src/core/index.js';
import { depthImageToRos, getMessageCodec, pointCloudToRos, rgbImageToRos, ros2msgSchema } from '../../src/ros/index.js';
import type { SimEnv } from '../../src/sim/SimEnv.js';
import { makeEnv } from '../sim/fixtures.js';
import { mutate, mutations, runs } from '../property.js';
import { frame, recordingLogger, tempDir } from './fixtures.js';

interface Seen {
  rgb: RgbImage[];
  depth: DepthImage[];
  points: PointCloud[];
  proprio: Proprioception[];
  goal: Observation[];
  robotShapes: RobotShapes[];
}

function collect(source: {
  rgb$?: BagSource['rgb$'];
  depth$?: BagSource['depth$'];
  points$?: BagSource['points$'];
  proprio$?: BagSource['proprio$'];
  robotShapes$?: BagSource['robotShapes$'];
  goal$: BagSource['goal$'];
}): Seen {
  const seen: Seen = { rgb: [], depth: [], points: [], proprio: [], goal: [], robotShapes: [] };
  source.robotShapes$?.subscribe((v) => seen.robotShapes.push(v));
  source.rgb$!.subscribe((v) => seen.rgb.push(v));
  source.depth$!.subscribe((v) => seen.depth.push(v));
  source.points$!.subscribe((v) => seen.points.push(v));
  source.proprio$!.subscribe((v) => seen.proprio.push(v));
  source.goal$.subscribe((v) => seen.goal.push(v));
  return seen;
}

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('BagSource', () => {
  const { dir: root, cleanup } = tempDir();
  const bag = join(root, 'sim');
  let env: SimEnv;
  let live: Seen;
  const terminal: Observation[] = [];
  let steps = 0;

  before(async () => {
    env = await makeEnv('camera.width=32', 'camera.height=32', 'pointCount=64', 'episodeSteps=4', 'actionSpace=joint_delta');
    const world = new SimWorld(env, { clock: 'lockstep' });
    live = collect(world);
    // SimWorld does not publish an episode's last observation; the recorder records it from the step result.
    world.events$.subscribe((e) => {
      if (e.type === 'step' && e.result!.done) {
        const o = e.result!.observation;
        terminal.push(o);
        live.rgb.push(o.rgb!);
        live.depth.push(o.depth!);
        live.points.push(o.points!);
        live.proprio.push(o.proprio!);
        live.robotShapes.push(o.robotShapes!);
      }
    });
    const recorder = await BagRecorder.start({ dir: bag, chunkBytes: 16 << 10, metadata: simBagMetadata(world) });
    ({ steps } = await recordSimEpisodes(world, recorder, { episodes: 2, seedBase: 7, tasks: ['reach'], split: 'train', holdSteps: 2, rng: new Rng(1) }));
    world.close();
    const { stats } = await recorder.close();
    assert.equal(stats.dropped, 0);
    assert.equal(stats.failed, 0);
  });
  after(() => {
    env.close();
    cleanup();
  });

  test('a simulator recording replays with identical stamps and values, byte-identical CDR', async () => {
    const source = await BagSource.open(bag, { rate: 'max', jointNames: ['shoulder_pan', 'shoulder_lift', 'elbow', 'wrist_pitch', 'wrist_roll'] });
    assert.equal(source.actionSpace.kind, 'joint_delta');
    const replayed = collect(source);
    const raw: BagMessage[] = [];
    source.messages$.subscribe((m) => raw.push(m));
    const summary = await source.start();
    assert.equal(summary.messages, raw.length);
    // What the world published, in order (an episode's last observation and the next one's first share a stamp).
    const rgbAll = live.rgb;
    assert.equal(steps, 8);
    assert.equal(terminal.length, 2);
    assert.equal(replayed.rgb.length, 2 * 5, '2 episodes of 4 steps: 5 observations each');
    replayed.rgb.forEach((r, k) => {
      assert.deepEqual(r.stamp, rgbAll[k].stamp);
      assert.equal(r.frameId, rgbAll[k].frameId);
      assert.deepEqual(r.data, rgbAll[k].data);
    });
    // Raw CDR of the replay = the shared codec applied to what was published.
    const rgbRaw = raw.filter((m) => m.topic === '/camera/color/image_raw');
    rgbRaw.forEach((m, k) => {
      assert.equal(m.logTime, toNanoseconds(rgbAll[k].stamp));
      assert.deepEqual(m.data, getMessageCodec('sensor_msgs/msg/Image').encode(rgbImageToRos(rgbAll[k])));
    });
    const depthAll = live.depth;
    raw.filter((m) => m.topic === '/camera/depth/image_raw').forEach((m, k) => assert.deepEqual(m.data, getMessageCodec('sensor_msgs/msg/Image').encode(depthImageToRos(depthAll[k]))));
    replayed.depth.forEach((d, k) => {
      assert.deepEqual(bytesOf(d.data), bytesOf(depthAll[k].data), 'depth bit for bit, NaN included');
      assert.deepEqual(d.intrinsics, depthAll[k].intrinsics);
    });
    const pointsAll = live.points;
    raw.filter((m) => m.topic === '/camera/depth/points').forEach((m, k) => assert.deepEqual(m.data, getMessageCodec('sensor_msgs/msg/PointCloud2').encode(pointCloudToRos(pointsAll[k]))));
    replayed.points.forEach((p, k) => {
      assert.deepEqual(p.positions, pointsAll[k].positions);
      assert.deepEqual(p.colors, pointsAll[k].colors);
      assert.deepEqual(p.segments, pointsAll[k].segments);
    });
    const proprioAll = live.proprio;
    assert.equal(replayed.proprio.length, proprioAll.length);
    replayed.proprio.forEach((p, k) => {
      assert.deepEqual(p.stamp, proprioAll[k].stamp);
      assert.deepEqual(p.positions, proprioAll[k].positions);
      assert.deepEqual(p.velocities, proprioAll[k].velocities);
      assert.deepEqual(p.endEffector, proprioAll[k].endEffector);
      assert.equal(p.gripper, proprioAll[k].gripper);
    });
    // The arm's shapes went in as /robot_description and /tf and come out posed for each cloud, as they were.
    assert.equal(replayed.robotShapes.length, pointsAll.length);
    assert.equal(raw.filter((m) => m.topic === '/robot_description').length, 1, 'the URDF once');
    replayed.robotShapes.forEach((r, k) => {
      const want = live.robotShapes[k];
      assert.deepEqual(r.stamp, pointsAll[k].stamp);
      assert.equal(r.frameId, want.frameId);
      assert.deepEqual(r.shapes.map((x) => x.kind), want.shapes.map((x) => x.kind));
      r.shapes.forEach((x, i) => {
        const w = want.shapes[i];
        const diff = Math.max(...[...x.position, ...x.rotation, ...x.size].map((v, j) => Math.abs(v - [...w.position, ...w.rotation, ...w.size][j])));
        assert.ok(diff < 1e-9, `observation ${k}, shape ${i}: off by ${diff}`);
      });
    });
    assert.equal(replayed.goal.length, 2);
    assert.deepEqual(replayed.goal.map((g) => g.stamp), live.goal.map((g) => g.stamp));
    assert.deepEqual(replayed.goal[0].rgb!.data, live.goal[0].rgb!.data);
    // Commands as JointTrajectory, decisions as transitions.
    assert.equal(raw.filter((m) => m.topic === '/arm_controller/joint_trajectory').length, 8);
    assert.equal(raw.filter((m) => m.topic === '/agent/transition').length, 8);
  });

  test('replay is deterministic, and windows and topic selection apply', async () => {
    const run = async (options: ConstructorParameters<typeof Object>[0] = {}): Promise<string[]> => {
      const source = await BagSource.open(bag, { rate: 'max', ...(options as object) });
      const out: string[] = [];
      source.messages$.subscribe((m) => out.push(`${m.topic} ${m.logTime} ${Buffer.from(m.data).toString('base64').slice(0, 40)} ${m.data.byteLength}`));
      await source.start();
      return out;
    };
    const a = await run();
    const b = await run();
    assert.deepEqual(a, b);
    const onlyJoints = await run({ topics: ['/joint_states'] });
    assert.equal(onlyJoints.length, 10);
    const times = a.map((l) => BigInt(l.split(' ')[1]));
    const mid = times[Math.floor(times.length / 2)];
    const window = await run({ startTime: mid, endTime: mid });
    assert.ok(window.length > 0 && window.every((l) => BigInt(l.split(' ')[1]) === mid));
  });

  test('real-time pacing at 20x, and loop until stopped', async () => {
    const source = await BagSource.open(bag, { rate: 20, topics: ['/joint_states'] });
    const summary = await source.start();
    assert.equal(summary.messages, 10);
    // The recorded span is replayed in about span / 20 of wall time (no tight bound: shared CPU).
    assert.ok(summary.wallS >= summary.spanS / 20 * 0.9, `${summary.wallS} s for ${summary.spanS} s of bag`);
    const looping = await BagSource.open(bag, { rate: 'max', topics: ['/joint_states'], loop: true });
    let n = 0;
    looping.proprio$.subscribe(() => {
      if (++n === 25) looping.stop();
    });
    const s2 = await looping.start();
    assert.equal(s2.loops, 3);
    assert.equal(s2.stopped, true);
  });

  test('a bag from another robot (other joint names): refused with both lists named', async () => {
    await assert.rejects(
      BagSource.open(bag, { jointNames: ['joint_1', 'joint_2', 'shoulder_pan'] }),
      /was recorded on another robot: its \/joint_states names joints \[shoulder_pan, shoulder_lift, elbow, wrist_pitch, wrist_roll\], the configured arm has \[joint_1, joint_2, shoulder_pan\] \(missing: joint_1, joint_2\)/,
    );
    // Without metadata the first joint state is read.
    const other = join(root, 'other');
    const writer = await BagWriter.create({ dir: other });
    const f = frame(0);
    await writer.write({ topic: '/joint_states', logTime: 1n, publishTime: 1n, payload: { kind: 'joints', joints: f.proprio } });
    await writer.close();
    await assert.rejects(BagSource.open(other, { jointNames: ['a'] }), /names joints \[j1, j2, j3\].*\(missing: a\)/);
  });

  test('metadata naming joints the joint states lack (a damaged metadata record): replayed in the joint states own order, with a warning', async () => {
    const copy = join(root, 'bad-metadata');
    cpSync(bag, copy, { recursive: true });
    // The agent's file comes first, so its metadata is the one read.
    const file = join(copy, readdirSync(copy).find((f) => f.endsWith('_agent_0.mcap'))!);
    const bytes = readFileSync(file);
    // The one bit flip of the crash in issue 17: 'shoulder_pan' in the jointNames metadata becomes 'shoulter_pan'.
    const at = bytes.indexOf('shoulder_pan') + 'shoul'.length;
    bytes[at] ^= 0x10;
    writeFileSync(file, bytes);
    const logger = recordingLogger();
    const source = await BagSource.open(copy, { rate: 'max', logger });
    const seen = collect(source);
    const summary = await source.start();
    assert.deepEqual(summary.skipped, {});
    assert.equal(seen.proprio.length, 10, 'every joint state, none lost');
    assert.deepEqual(seen.proprio[0].jointNames, ['shoulder_pan', 'shoulder_lift', 'elbow', 'wrist_pitch', 'wrist_roll']);
    assert.match(logger.lines.find((l) => l.level === 'warn')?.message ?? '', /its metadata names joints \[shoulter_pan, shoulder_lift, elbow, wrist_pitch, wrist_roll\], but \/joint_states carries \[shoulder_pan, .*\]: the metadata looks damaged; joint states are read in their own order/);
  });

  test('a message that cannot be decoded is skipped with a warning naming its file, chunk, topic and log time; the replay goes on', async () => {
    const copy = join(root, 'bad-schema');
    cpSync(bag, copy, { recursive: true });
    // A joint state schema whose 'name' field is called otherwise: every joint state decodes, none fits.
    const source = await BagSource.open(copy, { rate: 'max', logger: recordingLogger() });
    const { BagDecoder } = await import('../../src/bag/BagDecoder.js');
    const decoder = new BagDecoder({ topics: source.bagTopics });
    const reader = (await import('../../src/bag/BagReader.js')).BagReader;
    const r = await reader.open(copy);
    for await (const m of r.messages({ topics: ['/joint_states'] })) {
      const schemaData = new TextEncoder().encode(new TextDecoder().decode(m.schemaData).replace('string[] name', 'string[] nmae'));
      assert.throws(() => decoder.decode({ ...m, schemaData }), /^TypeError: bag: topic \/joint_states: sensor_msgs\/msg\/JointState: field 'name' must be an array of string, got undefined \(missing\)$/);
      assert.throws(() => decoder.decode({ ...m, data: m.data.subarray(0, 20) }), /^RangeError: bag: topic \/joint_states: MessageCodec sensor_msgs\/msg\/JointState: cannot decode 20 bytes: /);
      break;
    }
  });

  test('a recorded sim bag damaged anywhere (seeded: bit flips, truncations, zeroed spans, huge lengths, in either file): the replay ends, every message read either plays or is counted as skipped, never an uncaught error', async () => {
    const files = readdirSync(bag).filter((f) => f.endsWith('.mcap'));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...files), mutations(4), async (file, damage) => {
        const copy = join(root, `damaged-${n++}`);
        cpSync(bag, copy, { recursive: true });
        writeFileSync(join(copy, file), mutate(readFileSync(join(copy, file)), damage));
        const logger = recordingLogger();
        let source: BagSource;
        try {
          source = await BagSource.open(copy, { rate: 'max', logger });
        } catch (error) {
          // Refused at open only with a reason that names the bag (its metadata unreadable as an action space, say).
          assert.ok(error instanceof Error && error.message.includes(copy), `open: ${String(error)}`);
          return;
        }
        // Subscribed as the CLI subscribes, without error handlers: an error here would be uncaught.
        const seen = collect(source);
        const read: Record<string, number> = {};
        source.messages$.subscribe((m) => void (read[m.topic] = (read[m.topic] ?? 0) + 1));
        const summary = await source.start();
        await new Promise((resolve) => setTimeout(resolve, 1));
        const played = { '/camera/color/image_raw': seen.rgb.length, '/camera/depth/image_raw': seen.depth.length, '/camera/depth/points': seen.points.length, '/joint_states': seen.proprio.length };
        for (const [topic, count] of Object.entries(played)) assert.equal(count + (summary.skipped[topic] ?? 0), read[topic] ?? 0, `${topic}: every message read plays or is counted as skipped`);
        for (const line of logger.lines.filter((l) => l.level === 'warn')) assert.match(line.message, /byte \d+|could not be decoded|metadata|its summary|the file is damaged|no robot shapes for \d+ cloud/, line.message);
      }),
      runs(40),
    );
  });

  test('unknown schema and wrong type on a sensor topic: clear errors; the other topics still read', async () => {
    const dir = join(root, 'unknown');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    // McapWriter refuses a channel without its schema, so the file is built record by record.
    const b = new McapRecordBuilder();
    b.writeMagic();
    b.writeHeader({ profile: 'ros2', library: 'test' });
    b.writeSchema({ id: 1, name: 'sensor_msgs/msg/Image', encoding: 'ros2msg', data: new TextEncoder().encode(ros2msgSchema('sensor_msgs/Image')) });
    b.writeChannel({ id: 0, schemaId: 1, topic: '/camera/color/image_raw', messageEncoding: 'cdr', metadata: new Map() });
    b.writeChannel({ id: 1, schemaId: 42, topic: '/camera/depth/points', messageEncoding: 'cdr', metadata: new Map() });
    const data = getMessageCodec('sensor_msgs/msg/Image').encode(rgbImageToRos(frame(0).rgb));
    b.writeMessage({ channelId: 0, sequence: 0, logTime: 1n, publishTime: 1n, data });
    b.writeMessage({ channelId: 1, sequence: 0, logTime: 2n, publishTime: 2n, data: new Uint8Array(8) });
    b.writeDataEnd({ dataSectionCrc: 0 });
    b.writeFooter({ summaryStart: 0n, summaryOffsetStart: 0n, summaryCrc: 0 });
    b.writeMagic();
    writeFileSync(join(dir, 'unknown_0.mcap'), b.buffer);
    await assert.rejects(BagSource.open(dir), /topic \/camera\/depth\/points: its channel refers to a schema the file does not define \(unknown schema\); expected sensor_msgs\/msg\/PointCloud2/);
    // Selecting the good topic replays it (the decoder only checks what it plays).
    const source = await BagSource.open(dir, { bagTopics: { ...(await import('../../src/bag/topics.js')).DEFAULT_BAG_TOPICS, points: '/not/recorded' } });
    const seen = collect(source);
    await source.start();
    assert.equal(seen.rgb.length, 1);
    const { BagReader } = await import('../../src/bag/BagReader.js');
    const reader = await BagReader.open(dir);
    const all: BagMessage[] = [];
    for await (const m of reader.messages()) all.push(m);
    assert.deepEqual(all.map((m) => [m.topic, m.schemaName]), [['/camera/color/image_raw', 'sensor_msgs/msg/Image'], ['/camera/depth/points', '']]);
    const wrong = join(root, 'wrong');
    const w2 = await BagWriter.create({ dir: wrong });
    await w2.write({ topic: '/camera/color/image_raw', logTime: 1n, publishTime: 1n, payload: { kind: 'joints', joints: frame(0).proprio } });
    await w2.close();
    await assert.rejects(BagSource.open(wrong), /topic \/camera\/color\/image_raw carries sensor_msgs\/msg\/JointState, expected sensor_msgs\/msg\/Image/);
  });
});
