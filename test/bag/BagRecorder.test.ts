import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Subject } from 'rxjs';
import type { SensorSource } from '../../src/agent/Source.js';
import { BagReader } from '../../src/bag/BagReader.js';
import type { BagMessage } from '../../src/bag/BagReader.js';
import { BagRecorder } from '../../src/bag/BagRecorder.js';
import { recordSource } from '../../src/bag/recordSource.js';
import { repairBag } from '../../src/bag/repairBag.js';
import { makeActionSpace, toNanoseconds } from '../../src/core/index.js';
import type { DepthImage, Observation, PointCloud, Proprioception, RgbImage } from '../../src/core/index.js';
import { getMessageCodec, rgbImageToRos } from '../../src/ros/index.js';
import { frame, fullDisk, recordingLogger, tempDir } from './fixtures.js';

async function readAll(path: string, topics?: string[]): Promise<{ reader: BagReader; messages: BagMessage[] }> {
  const reader = await BagReader.open(path);
  const messages: BagMessage[] = [];
  for await (const m of reader.messages(topics === undefined ? {} : { topics })) messages.push(m);
  return { reader, messages };
}

function fakeSource(): SensorSource & { rgb: Subject<RgbImage>; depth: Subject<DepthImage>; points: Subject<PointCloud>; proprio: Subject<Proprioception>; goal: Subject<Observation> } {
  const rgb = new Subject<RgbImage>();
  const depth = new Subject<DepthImage>();
  const points = new Subject<PointCloud>();
  const proprio = new Subject<Proprioception>();
  const goal = new Subject<Observation>();
  return {
    name: 'fake',
    actionSpace: makeActionSpace('ee_delta', ['dx', 'dy', 'dz', 'gripper'], [-1, -1, -1, -1], [1, 1, 1, 1]),
    rgb$: rgb,
    depth$: depth,
    points$: points,
    proprio$: proprio,
    goal$: goal,
    rgb,
    depth,
    points,
    proprio,
    goal,
  };
}

describe('BagRecorder', () => {
  const { dir: root, cleanup } = tempDir();
  after(cleanup);

  test('records a source through its worker thread: every stream, nothing dropped', async () => {
    const dir = join(root, 'source');
    const recorder = await BagRecorder.start({ dir, chunkBytes: 8 << 10 });
    const source = fakeSource();
    const sub = recordSource(recorder, source);
    const frames = Array.from({ length: 15 }, (_, k) => frame(k));
    for (const [k, f] of frames.entries()) {
      if (k === 3) source.goal.next({ stamp: f.stamp, rgb: f.rgb });
      source.rgb.next(f.rgb);
      source.depth.next(f.depth);
      source.points.next(f.points);
      source.proprio.next(f.proprio);
    }
    sub.unsubscribe();
    const { stats, files } = await recorder.close();
    assert.equal(stats.dropped, 0);
    assert.equal(stats.failed, 0);
    assert.equal(stats.written, stats.queued);
    assert.equal(stats.pendingMessages, 0);
    // rgb, camera info, depth, points, joint states, arm state per frame; goal image + marker.
    assert.equal(stats.queued, 15 * 6 + 2);
    assert.equal(files.ros.length, 1);
    assert.equal(files.agent.length, 1);
    const { reader, messages } = await readAll(dir);
    assert.deepEqual(reader.problems, []);
    const count = (t: string): number => messages.filter((m) => m.topic === t).length;
    assert.equal(count('/camera/color/image_raw'), 15);
    assert.equal(count('/camera/color/camera_info'), 15);
    assert.equal(count('/camera/depth/image_raw'), 15);
    assert.equal(count('/camera/depth/points'), 15);
    assert.equal(count('/joint_states'), 15);
    assert.equal(count('/agent/arm_state'), 15);
    assert.equal(count('/goal/color/image_raw'), 1);
    assert.equal(count('/agent/goal'), 1);
    // In log-time order, the agent's record first at equal times.
    for (let i = 1; i < messages.length; i++) assert.ok(messages[i - 1].logTime <= messages[i].logTime);
    const atFirst = messages.filter((m) => m.logTime === toNanoseconds(frames[0].stamp));
    assert.equal(atFirst[0].topic, '/agent/arm_state');
    const rgb = messages.filter((m) => m.topic === '/camera/color/image_raw');
    rgb.forEach((m, k) => assert.deepEqual(m.data, getMessageCodec('sensor_msgs/msg/Image').encode(rgbImageToRos(frames[k].rgb))));
  });

  test('raw CDR is written as given, byte for byte', async () => {
    const dir = join(root, 'raw');
    const recorder = await BagRecorder.start({ dir, thread: 'inline' });
    const bytes = getMessageCodec('sensor_msgs/msg/Image').encode(rgbImageToRos(frame(1).rgb));
    const pooled = new Uint8Array(bytes.byteLength + 16);
    pooled.set(bytes, 8);
    assert.equal(recorder.writeRaw('/camera/image', 'sensor_msgs/Image', 42n, pooled.subarray(8, 8 + bytes.byteLength)), true);
    await recorder.close();
    const { messages } = await readAll(dir);
    assert.equal(messages.length, 1);
    assert.equal(messages[0].schemaName, 'sensor_msgs/msg/Image');
    assert.equal(messages[0].logTime, 42n);
    assert.deepEqual(messages[0].data, bytes);
  });

  test('a full queue drops new messages, counts them per topic and says so', async () => {
    const dir = join(root, 'drops');
    const logger = recordingLogger();
    const recorder = await BagRecorder.start({ dir, maxQueueMessages: 3, logger });
    const f = frame(0);
    let accepted = 0;
    for (let k = 0; k < 50; k++) {
      if (recorder.write({ topic: k % 2 === 0 ? '/a' : '/b', logTime: BigInt(k), publishTime: 0n, payload: { kind: 'rgb', image: f.rgb } })) accepted++;
    }
    assert.equal(accepted, 3);
    const stats = recorder.stats();
    assert.equal(stats.dropped, 47);
    assert.equal(stats.topics['/a'].dropped + stats.topics['/b'].dropped, 47);
    assert.equal(stats.topics['/a'].queued, 2);
    assert.ok(logger.lines.some((l) => l.level === 'warn' && /dropped a message on \/a: queue full \(3 messages/.test(l.message)));
    const { stats: final } = await recorder.close();
    assert.equal(final.written, 3);
    assert.ok(logger.lines.some((l) => l.level === 'warn' && /47 messages dropped because the write queue was full \(\/b 24, \/a 23\)|\(\/a 23, \/b 24\)/.test(l.message)));
    const { messages } = await readAll(dir);
    assert.deepEqual(messages.map((m) => m.logTime), [0n, 1n, 2n]);
  });

  test('a message that cannot be encoded is counted and logged; the recording goes on', async () => {
    const dir = join(root, 'bad');
    const logger = recordingLogger();
    const recorder = await BagRecorder.start({ dir, logger });
    const f = frame(0);
    recorder.write({ topic: '/rgb', logTime: 1n, publishTime: 0n, payload: { kind: 'rgb', image: { ...f.rgb, width: 31 } } });
    recorder.write({ topic: '/rgb', logTime: 2n, publishTime: 0n, payload: { kind: 'rgb', image: f.rgb } });
    const { stats } = await recorder.close();
    assert.equal(stats.failed, 1);
    assert.equal(stats.written, 1);
    assert.ok(logger.lines.some((l) => l.level === 'error' && /could not record a message on \/rgb: .*expected 31x32x3/.test(l.message)));
  });

  test('a folder that already holds a bag is refused, and no thread is left running', async () => {
    const dir = join(root, 'source');
    // Leaked worker threads would keep this test file from ending.
    await assert.rejects(BagRecorder.start({ dir }), /bag: .*source already holds source_0\.mcap.*record into a new folder/);
  });

  test('a file opener (a test\'s full disk) cannot reach the worker threads: refused by name', async () => {
    await assert.rejects(
      BagRecorder.start({ dir: join(root, 'opener'), openFile: fullDisk(0).openFile }),
      /bag: openFile reaches the writer only with thread 'inline'/,
    );
  });

  test('kill -9 while recording: every completed chunk is readable', async () => {
    const dir = join(root, 'killed');
    const child = spawn(process.execPath, [fileURLToPath(new URL('./recordChild.js', import.meta.url))], {
      env: { ...process.env, BAG_RECORD_CHILD_OUT: dir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Wait (with a timeout) until the child has written a few chunks' worth, then kill it hard.
    const written = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('child recorder wrote nothing within 30 s')), 30_000);
      let buffered = '';
      child.stdout!.on('data', (d: Buffer) => {
        buffered += d.toString();
        const lines = buffered.trim().split('\n');
        const n = Number(lines.at(-1));
        if (n >= 60) {
          clearTimeout(timer);
          resolve(n);
        }
      });
      child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const { reader, messages } = await readAll(dir);
    // 16 KiB chunks hold 5 frames of 32x32 RGB: all but the chunk being built survive.
    assert.ok(messages.length >= written - 10, `${messages.length} messages read, ${written} written before the kill`);
    messages.forEach((m, k) => {
      assert.equal(m.logTime, toNanoseconds(frame(k).stamp), 'a gap-free prefix of what was recorded');
      assert.deepEqual(m.data, getMessageCodec('sensor_msgs/msg/Image').encode(rgbImageToRos(frame(k).rgb)));
    });
    assert.equal(reader.problems.length, 1);
    assert.match(reader.problems[0].message, /killed_0\.mcap is truncated/);
    assert.throws(() => reader.assertIntact(), /bag .*killed is damaged \(run `jepa-agent bag repair`\):\n {2}.*truncated/);
    // Repair turns it into a valid bag with the same messages.
    const report = await repairBag(dir);
    assert.equal(report.files[0].status, 'repaired');
    assert.equal(report.files[0].recovered['/rgb'], messages.length);
    const after = await readAll(dir);
    assert.deepEqual(after.reader.problems, []);
    assert.ok(after.reader.files[0].summary !== undefined, 'indexed again');
    assert.deepEqual(after.messages.map((m) => m.data), messages.map((m) => m.data));
  });
});
