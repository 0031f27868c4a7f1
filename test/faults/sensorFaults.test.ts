// Sensor faults between the real simulation and the loop, in virtual time: a stall, a clock
// that jumps back, NaN and Inf in joint states and clouds, a camera that changes resolution.
// Each test asserts what the loop did about it and that the bag of what the agent received
// holds every message recorded before (and after) the fault.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { BagReader } from '../../src/bag/index.js';
import type { BagRecording } from '../../src/bag/index.js';
import { timestampFromSeconds, toSeconds } from '../../src/core/index.js';
import type { DepthImage, PointCloud, RgbImage, SensorHeader } from '../../src/core/index.js';
import { compactFrame } from '../../src/learn/index.js';
import { getMessageCodec } from '../../src/ros/index.js';
import { byTopic, faultConfig, readBack, startFaultRun, ticks } from './fixtures.js';
import type { Fault, FaultRun, Recorded } from './fixtures.js';
import { useTestBackend } from '../backend.js';

/** Runs `ms` of virtual time under `fault`, then closes; the tensors the run made are all freed. */
async function runWith(fault: Fault, ms: number, check: (run: FaultRun, recording: BagRecording) => Promise<void>): Promise<void> {
  const tensorsBefore = tf.memory().numTensors;
  const run = await startFaultRun(faultConfig(), fault);
  try {
    await run.advance(ms);
    const recording = await run.close();
    assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor leaked');
    await check(run, recording);
  } finally {
    await run.close().catch(() => undefined);
    run.cleanup();
  }
}

/** The bag holds exactly what the recorder accepted (less `failedOn`'s failures), and every message recorded before `faultAtMs`. */
async function assertNothingLost(run: FaultRun, faultAtMs: number, failedOn: Record<string, number> = {}): Promise<void> {
  const inBag = byTopic(await readBack(run.bagDir));
  const before = run.recorded.filter((r) => r.atMs < faultAtMs);
  assert.ok(before.length > 100, `${before.length} messages recorded before the fault`);
  const key = (r: Recorded): string => `${r.topic}@${r.logTime}`;
  const bagKeys = new Set([...inBag].flatMap(([topic, times]) => times.map((logTime) => key({ topic, logTime }))));
  const missing = before.filter((r) => !bagKeys.has(key(r)));
  assert.deepEqual(missing, [], 'every message recorded before the fault is in the bag');
  for (const [topic, times] of byTopic(run.recorded)) {
    assert.equal(inBag.get(topic)?.length ?? 0, times.length - (failedOn[topic] ?? 0), `${topic}: all recorded messages in the bag`);
  }
}

const safeStops = (run: FaultRun): string[] => run.events.flatMap((e) => (e.type === 'safe_stop' ? [e.reason] : []));
const faults = (run: FaultRun) => run.events.flatMap((e) => (e.type === 'input_fault' ? [e] : []));
const stampMs = (h: { readonly stamp: SensorHeader['stamp'] }): number => Math.round(toSeconds(h.stamp) * 1000);

describe('sensor faults in the loop', () => {
  before(() => useTestBackend());

  test('a sensor stall: one safe stop naming the silence, then the loop acts again on fresh observations', async () => {
    // Every stream silent from 2.0 s to 3.5 s of virtual time (the world goes on: a driver stalled).
    const stalled = (now: number): boolean => now >= 2000 && now < 3500;
    const gate = <T>(m: T, now: number): T | undefined => (stalled(now) ? undefined : m);
    await runWith({ rgb: gate, depth: gate, points: gate, proprio: gate }, 5000, async (run) => {
      assert.deepEqual(safeStops(run), ['observations late: none synchronised for 500 ms'], 'one safe stop for the one silence');
      const all = ticks(run.events);
      const before = all.filter((t) => stampMs(t.observation) < 2000);
      const after = all.filter((t) => stampMs(t.observation) >= 3500);
      assert.ok(before.length >= 30, `${before.length} decisions before the stall`);
      assert.equal(all.filter((t) => stalled(stampMs(t.observation))).length, 0, 'nothing decided on during the stall');
      assert.ok(after.length >= 20 && after.every((t) => t.sent), `${after.length} decisions after it, all sent`);
      assert.ok(after.some((t) => t.decision.mode === 'plan'), 'planning again');
      assert.equal(run.loop.metrics.summary().safeStops, 1);
      await assertNothingLost(run, 2000);
    });
  });

  test('a clock that jumps back 10 s: reported once, synchronisation starts afresh, no stall and no safe stop', async () => {
    // The robot's clock reads sim time + 100 s, then from 2.0 s of virtual time on, sim time + 90 s.
    const shift = <T extends SensorHeader>(m: T, now: number): T => ({ ...m, stamp: timestampFromSeconds(toSeconds(m.stamp) + (now >= 2000 ? 90 : 100)) });
    await runWith({ rgb: shift, depth: shift, points: shift, proprio: shift }, 4000, async (run) => {
      const jumps = faults(run);
      assert.equal(jumps.length, 1, JSON.stringify(jumps));
      assert.equal(jumps[0].fault, 'clock_jump');
      assert.match(jumps[0].reason, /^rgb stamps went back 9\.950 s \(from 101\.950 to 92\.000 s\): synchronisation starts afresh$/);
      assert.deepEqual(safeStops(run), [], 'the loop never went silent');
      const all = ticks(run.events);
      const afterJump = all.filter((t) => toSeconds(t.observation.stamp) < 100);
      assert.ok(afterJump.length >= 35, `${afterJump.length} decisions on the new clock (40 periods)`);
      assert.ok(afterJump.every((t) => t.sent && t.observation.proprio !== undefined), 'each sent, each with its joint state');
      assert.equal(run.loop.metrics.summary().clockJumps, 1);
      await assertNothingLost(run, 2000);
    });
  });

  test('NaN and Inf: joint states refused by name (the loop waits, then acts again); clouds keep their finite points', async () => {
    // 3.0-4.0 s: joint 'shoulder_lift' reads NaN, then +Inf velocity; from 2.0 s on, a seventh of every cloud NaN and an
    // eleventh +-Inf; 4.5-5.0 s: whole clouds of NaN.
    const proprioFault: Fault['proprio'] = (m, now) => {
      if (now < 3000 || now >= 4000) return m;
      const positions = m.positions.slice();
      const velocities = m.velocities.slice();
      if (now < 3500) positions[1] = NaN;
      else velocities[1] = Infinity;
      return { ...m, positions, velocities };
    };
    const cloudFault: Fault['points'] = (m, now) => {
      if (now < 2000) return m;
      const all = now >= 4500;
      const positions = m.positions.map((v, i) => (all || Math.floor(i / 3) % 7 === 0 ? NaN : Math.floor(i / 3) % 11 === 0 ? (i % 2 === 0 ? Infinity : -Infinity) : v));
      return { ...m, positions };
    };
    await runWith({ proprio: proprioFault, points: cloudFault }, 5500, async (run) => {
      const refused = faults(run);
      assert.equal(refused.length, 20, 'the 20 joint states of that second');
      assert.ok(refused.every((f) => f.fault === 'rejected' && f.modality === 'proprio'));
      assert.equal(refused.filter((f) => /^joint state: position of joint '\w+' is NaN$/.test(f.reason)).length, 10, refused[0].reason);
      assert.equal(refused.filter((f) => /^joint state: velocity of joint '\w+' is Infinity$/.test(f.reason)).length, 10, refused.at(-1)!.reason);
      assert.equal(run.loop.metrics.summary().rejectedMessages, 20);
      // Without its joint state no observation is whole: the watchdog stops the arm once, then it acts again.
      assert.deepEqual(safeStops(run), ['observations late: none synchronised for 500 ms']);
      const all = ticks(run.events);
      const during = all.filter((t) => stampMs(t.observation) >= 3000 && stampMs(t.observation) < 4000);
      assert.equal(during.length, 0, 'no decision on a refused joint state');
      const cloudy = all.filter((t) => stampMs(t.observation) >= 2000 && t.observation.points !== undefined);
      assert.ok(cloudy.length >= 15 && all.filter((t) => stampMs(t.observation) >= 4000).length >= 15, 'the loop acted with the holed clouds and after the NaN second');
      for (const t of all) {
        assert.ok(t.observation.proprio!.positions.every(Number.isFinite) && t.observation.proprio!.velocities.every(Number.isFinite), 'every decision on a finite joint state');
        assert.ok(t.action.values.every(Number.isFinite), `a finite action at ${stampMs(t.observation)} ms`);
      }
      // What the model and the learner get of a holed cloud: finite points only; of a cloud of NaN: no cloud.
      let seen = 0;
      for (const t of cloudy) {
        const frame = compactFrame(t.observation, run.config.model);
        if (t.observation.points!.positions.every(Number.isNaN)) assert.equal(frame.points, undefined, 'a cloud with no finite point is a missing modality');
        else if (frame.points !== undefined) seen++;
        assert.ok(frame.points?.every(Number.isFinite) ?? true, 'the cloud the model sees is finite');
      }
      assert.ok(seen >= 10, `${seen} holed clouds reached the model as finite clouds`);
      assert.ok(cloudy.some((t) => t.observation.points!.positions.every(Number.isNaN)), 'decisions went on without a cloud');
      await assertNothingLost(run, 2000);
      // The bag keeps what the robot sent, NaN included.
      const reader = await BagReader.open(run.bagDir);
      const jointState = getMessageCodec('sensor_msgs/msg/JointState');
      let nanStates = 0;
      for await (const m of reader.messages({ topics: ['/joint_states'] })) if (jointState.decode(m.data).position.some(Number.isNaN)) nanStates++;
      assert.equal(nanStates, 10);
    });
  });

  test('a camera that changes resolution mid-run: the loop goes on at the new size; a frame whose size disagrees with its data is refused by name', async () => {
    // From 2.0 s on, the camera sends half-size colour and depth images (intrinsics halved) and a
    // cloud of every other point; its first half-size colour frame still carries full-size data.
    let first = true;
    const rgb: Fault['rgb'] = (m, now) => {
      if (now < 2000) return m;
      const half = halfImage(m, 3) as RgbImage;
      if (!first) return half;
      first = false;
      return { ...half, data: m.data };
    };
    const depth: Fault['depth'] = (m, now) => (now < 2000 ? m : (halfImage(m, 1) as DepthImage));
    const points: Fault['points'] = (m, now) => (now < 2000 ? m : everyOther(m));
    await runWith({ rgb, depth, points }, 4000, async (run, recording) => {
      const refused = faults(run);
      assert.equal(refused.length, 1);
      assert.equal(refused[0].modality, 'rgb');
      assert.equal(refused[0].reason, 'rgb image: 1728 values for 12 x 12 x 3 = 432');
      assert.deepEqual(safeStops(run), []);
      const all = ticks(run.events);
      const small = all.filter((t) => t.observation.rgb!.width === 12);
      assert.ok(small.length >= 35, `${small.length} decisions on 12 x 12 frames`);
      assert.ok(small.every((t) => t.observation.depth?.width !== 24 && t.action.values.every(Number.isFinite)));
      assert.equal(all.filter((t) => t.observation.rgb!.width === 24).length, all.length - small.length);
      // The recorder refuses that frame too, by name; everything else is in the bag, at both sizes.
      assert.equal(recording.stats.topics['/camera/color/image_raw'].failed, 1);
      await assertNothingLost(run, 2000, { '/camera/color/image_raw': 1 });
      const reader = await BagReader.open(run.bagDir);
      const image = getMessageCodec('sensor_msgs/msg/Image');
      const widths = new Set<number>();
      for await (const m of reader.messages({ topics: ['/camera/color/image_raw', '/camera/depth/image_raw'] })) widths.add(image.decode(m.data).width);
      assert.deepEqual([...widths].sort((a, b) => a - b), [12, 24]);
    });
  });
});

/** Every other pixel of every other row (intrinsics scaled alike). */
function halfImage(m: RgbImage | DepthImage, channels: number): RgbImage | DepthImage {
  const width = m.width >> 1;
  const height = m.height >> 1;
  const data = new (m.data.constructor as Uint8ArrayConstructor | Float32ArrayConstructor)(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = m.data[(2 * y * m.width + 2 * x) * channels + c];
    }
  }
  const intrinsics = 'intrinsics' in m && m.intrinsics !== undefined ? { width, height, fx: m.intrinsics.fx / 2, fy: m.intrinsics.fy / 2, cx: m.intrinsics.cx / 2, cy: m.intrinsics.cy / 2 } : undefined;
  return { ...m, width, height, data, ...(intrinsics === undefined ? {} : { intrinsics }) } as RgbImage | DepthImage;
}

function everyOther(m: PointCloud): PointCloud {
  const count = Math.ceil(m.count / 2);
  const positions = new Float32Array(3 * count);
  for (let i = 0; i < count; i++) positions.set(m.positions.subarray(6 * i, 6 * i + 3), 3 * i);
  return { stamp: m.stamp, frameId: m.frameId, count, positions };
}
