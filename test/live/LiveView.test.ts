import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { FrameTransforms, SceneUpdate } from '@foxglove/schemas';
import { applyOverrides, parseConfig } from '../../src/core/config/Config.js';
import type { Config } from '../../src/core/config/Config.js';
import { silentLogger } from '../../src/core/Logger.js';
import type { RgbImage } from '../../src/core/Observation.js';
import { timestampFromSeconds } from '../../src/core/Timestamp.js';
import { QUICK_OVERRIDES } from '../../src/eval/ablate/index.js';
import { runOnlineExperiment } from '../../src/eval/onlineExperiment.js';
import { inlineLearner } from '../../src/eval/onlineLearners.js';
import { InlineLearner } from '../../src/learn/InlineLearner.js';
import { LIVE_TOPICS, LiveView, parseVizAddress } from '../../src/live/index.js';
import { WorldModel } from '../../src/model/worldModel.js';
import { SimEnv } from '../../src/sim/SimEnv.js';
import { bytesOf, TestClient } from './fixtures.js';
import { TEST_ENGINE_OVERRIDE, useTestBackend } from '../backend.js';

const T = LIVE_TOPICS;

/** Resolves once `ready()` holds (checked every 10 ms); rejects after `timeoutMs`. */
function until(ready: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = (): void => {
      if (ready()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error(`${what}: not within ${timeoutMs} ms`));
      else setTimeout(check, 10);
    };
    check();
  });
}

function rgbImage(side: number, value: number): RgbImage {
  return { stamp: timestampFromSeconds(value), frameId: 'scene_camera_optical', width: side, height: side, data: new Uint8Array(side * side * 3).fill(value % 256) };
}

interface RawImageJson {
  width: number;
  height: number;
  encoding: string;
  step: number;
  frame_id: string;
  data: string;
}
interface PointCloudJson {
  frame_id: string;
  point_stride: number;
  fields: Array<{ name: string; offset: number; type: number }>;
  data: string;
}

describe('live view on a running main job', () => {
  const config: Readonly<Config> = parseConfig(
    applyOverrides({}, [
      ...QUICK_OVERRIDES,
      TEST_ENGINE_OVERRIDE,
      'seed=3',
      // Plan from the first tick, so that plan markers come at once.
      'agent.exploration.babbleSteps=0',
      'agent.exploration.babbleEpisodeFraction=0',
      'agent.exploration.play.fraction=0',
      'sim.wristCamera.enabled=true',
      'sim.wristCamera.width=16',
      'sim.wristCamera.height=16',
    ]),
  );
  const runDir = mkdtempSync(join(tmpdir(), 'jepa-live-'));
  after(() => rmSync(runDir, { recursive: true, force: true }));

  test('a real Foxglove client receives and decodes images, clouds, transforms, plan markers and the JSON channels; no tensor leaks', async () => {
    await useTestBackend();
    const env = await SimEnv.create(config.sim);
    const model = new WorldModel(config.model, { seed: config.seed });
    const tensorsBefore = tf.memory().numTensors;
    const learner = await InlineLearner.create(config);
    const live = await LiveView.start({ address: parseVizAddress('0'), model, actionRepeat: config.plan.actionRepeat });
    const topics = Object.values(T);
    const client = new TestClient(live.url, topics);
    try {
      await client.opened;
      await until(() => topics.every((t) => live.watching(t)), 'every channel subscribed');
      await runOnlineExperiment(
        env,
        model,
        inlineLearner(learner, model, 3),
        config,
        { tasks: ['push'], evalSplits: ['train'], budgetMinutes: 10, budgetSteps: 24, evalEvery: 10, evalEpisodes: 1, finalEvalEpisodes: 1, finalBaselines: false, runDir, live },
        silentLogger,
      );
      // Messages still queued or in flight arrive after the run; wait for the ones checked.
      const image = (await client.waitFor(T.sceneImage)).message as RawImageJson;
      assert.deepEqual([image.width, image.height, image.encoding, image.step, image.frame_id], [16, 16, 'rgb8', 48, 'scene_camera_optical']);
      assert.equal(bytesOf(image).length, 16 * 16 * 3);
      const depth = (await client.waitFor(T.sceneDepth)).message as RawImageJson;
      assert.deepEqual([depth.encoding, depth.step], ['32FC1', 64]);
      const metres = new Float32Array(new Uint8Array(bytesOf(depth)).buffer);
      assert.ok(metres.some((d) => d > 0.1 && d < 5), 'depth in metres');
      const wrist = (await client.waitFor(T.wristImage)).message as RawImageJson;
      assert.equal(wrist.frame_id, 'wrist_camera_optical');
      const goal = (await client.waitFor(T.goalImage)).message as RawImageJson;
      assert.deepEqual([goal.width, goal.encoding], [16, 'rgb8']);

      for (const topic of [T.rawPoints, T.keptPoints]) {
        const cloud = (await client.waitFor(topic, (m) => (m as PointCloudJson).data.length > 0)).message as PointCloudJson;
        assert.equal(cloud.frame_id, 'base_link');
        assert.equal(cloud.point_stride, 16);
        assert.deepEqual(cloud.fields.map((f) => f.name), ['x', 'y', 'z', 'red', 'green', 'blue', 'alpha']);
        const bytes = bytesOf(cloud);
        assert.equal(bytes.length % 16, 0);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        for (let o = 0; o < bytes.length; o += 16) {
          const xyz = [view.getFloat32(o, true), view.getFloat32(o + 4, true), view.getFloat32(o + 8, true)];
          assert.ok(xyz.every(Number.isFinite) && Math.abs(xyz[0]) < 3 && Math.abs(xyz[1]) < 3 && Math.abs(xyz[2]) < 3, `${topic}: point ${xyz.join(', ')}`);
        }
      }

      // The transforms form one tree rooted at base_link: arm links, cameras, the end effector.
      const tfMessage = (await client.waitFor(T.tf)).message as FrameTransforms;
      const parents = new Map(tfMessage.transforms.map((t) => [t.child_frame_id, t.parent_frame_id]));
      for (const frame of ['end_effector', 'scene_camera_optical', 'wrist_camera_optical']) assert.ok(parents.has(frame), `${frame} in ${[...parents.keys()].join(', ')}`);
      assert.ok(parents.size >= 6, `arm links too: ${[...parents.keys()].join(', ')}`);
      for (const child of parents.keys()) {
        let frame = child;
        for (let hops = 0; frame !== 'base_link'; hops++) {
          assert.ok(parents.has(frame) && hops < 50, `${child} reaches base_link`);
          frame = parents.get(frame)!;
        }
      }
      for (const t of tfMessage.transforms) assert.ok(Math.abs(Math.hypot(t.rotation.x, t.rotation.y, t.rotation.z, t.rotation.w) - 1) < 1e-6);

      // Plan markers: the best path thick, up to five elites thin, each path horizon + 1 points from the hand.
      const markers = (await client.waitFor(T.planMarkers, (m) => (m as SceneUpdate).entities.some((e) => e.id === 'plan'))).message as SceneUpdate;
      const plan = markers.entities.find((e) => e.id === 'plan')!;
      assert.equal(plan.frame_id, 'base_link');
      assert.equal(plan.lines.length, 1 + 5, 'the best plan and five elites');
      const best = plan.lines.at(-1)!;
      assert.equal(best.thickness, 5);
      assert.equal(best.points.length, config.plan.horizon * config.plan.actionRepeat + 1);
      for (const line of plan.lines) assert.ok(line.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && Number.isFinite(p.z)));
      assert.ok(markers.entities.some((e) => e.id === 'readout' && e.spheres.length >= 2), 'hand read beside hand actual');
      const robot = (await client.waitFor(T.robot)).message as SceneUpdate;
      assert.ok(robot.entities[0].spheres.length + robot.entities[0].cubes.length + robot.entities[0].cylinders.length > 0);

      // JSON channels, plottable.
      const loop = (await client.waitFor(T.loop)).message as { latencyMs: number; planningMs: number; vizDropped: number };
      assert.ok(loop.latencyMs >= 0 && loop.planningMs >= 0 && loop.vizDropped >= 0);
      const planJson = (await client.waitFor(T.plan, (m) => (m as { mode: string }).mode === 'plan')).message as { cost: number; action: number[]; eliteCosts: number[] };
      assert.ok(Number.isFinite(planJson.cost) && planJson.action.length === 4 && planJson.eliteCosts.length === 5);
      assert.deepEqual(planJson.eliteCosts, [...planJson.eliteCosts].sort((a, b) => a - b), 'elites cheapest first');
      const readout = (await client.waitFor(T.readout)).message as { hand: { read: object; actual: object; error: number } };
      assert.ok(readout.hand.error >= 0);
      const fusion = (await client.waitFor(T.fusion)).message as Record<string, number>;
      assert.ok(['rgb', 'points', 'proprio'].every((m) => fusion[m] >= 0 && fusion[m] <= 1), JSON.stringify(fusion));
      const episodes = (await client.waitFor(T.episodes, (m) => Object.keys(m as object).length > 0)).message as Record<string, { episodes: number; successes: number }>;
      assert.ok(Object.keys(episodes).some((k) => k.startsWith('practice/push/')));
      const learnerMsg = (await client.waitFor(T.learner)).message as { steps: number };
      assert.ok(learnerMsg.steps >= 0);

      const summary = live.summary();
      assert.ok(summary.sent > 0);
      assert.equal(summary.clients, 1);
    } finally {
      await client.close();
      await live.close();
      await learner.close({ checkpoint: false });
      assert.equal(tf.memory().numTensors, tensorsBefore, 'the live view, the elites and the learner freed every tensor');
      model.dispose();
      env.close();
    }
  });
});

describe('live view: never blocks, drops instead', () => {
  test('a full queue drops the oldest messages and counts them; the calls return at once', async () => {
    const live = await LiveView.start({ address: parseVizAddress('0'), queueCapacity: 4 });
    const client = new TestClient(live.url, [T.sceneImage]);
    try {
      await client.opened;
      await until(() => live.watching(T.sceneImage), 'subscribed');
      // 50 frames in one tick of the event loop: the queue cannot drain in between.
      for (let i = 0; i < 50; i++) live.observation({ stamp: timestampFromSeconds(i + 1), rgb: rgbImage(8, i + 1) });
      assert.deepEqual(live.summary().droppedQueue, { [T.sceneImage]: 46 });
      await client.waitFor(T.sceneImage, (m) => bytesOf(m as RawImageJson)[0] === 50);
      // The four newest went out, in order.
      assert.deepEqual(client.of(T.sceneImage).map((r) => bytesOf(r.message as RawImageJson)[0]), [47, 48, 49, 50]);
      assert.equal(live.summary().dropped, 46);
    } finally {
      await client.close();
      await live.close();
    }
  });

  test('a client that stops reading loses messages (counted) instead of growing a buffer; it gets messages again once it reads', async () => {
    const limit = 256 * 1024;
    const live = await LiveView.start({ address: parseVizAddress('0'), maxClientBufferBytes: limit });
    const client = new TestClient(live.url, [T.sceneImage]);
    try {
      await client.opened;
      await until(() => live.watching(T.sceneImage), 'subscribed');
      client.socket.pause();
      // 128 px frames (64 KiB of JSON each), one per turn of the event loop, until the socket is full and drops begin.
      let pushed = 0;
      const dropped = (): number => live.summary().droppedSlowClient[T.sceneImage] ?? 0;
      while (dropped() === 0 && pushed < 5000) {
        live.observation({ stamp: timestampFromSeconds(++pushed), rgb: rgbImage(128, pushed) });
        await new Promise((r) => setImmediate(r));
      }
      assert.ok(dropped() > 0, `dropped after ${pushed} frames`);
      for (let i = 0; i < 20; i++) {
        live.observation({ stamp: timestampFromSeconds(++pushed), rgb: rgbImage(128, pushed) });
        await new Promise((r) => setImmediate(r));
      }
      const summary = live.summary();
      assert.ok(summary.droppedSlowClient[T.sceneImage] >= 20, 'every frame past the limit dropped');
      assert.deepEqual(summary.droppedQueue, {}, 'the queue itself never filled');
      assert.equal(summary.sent, pushed, 'every frame was handed on; the socket gate dropped the ones the client could not take');
      client.socket.resume();
      const last = pushed + 1;
      // Once the client reads again its socket empties and new frames reach it.
      await until(() => {
        live.observation({ stamp: timestampFromSeconds(last), rgb: rgbImage(8, last) });
        return client.of(T.sceneImage).some((r) => (r.message as RawImageJson).width === 8);
      }, 'a frame after resuming');
    } finally {
      await client.close();
      await live.close();
    }
  });

  test('with nobody subscribed nothing is queued or built', async () => {
    const live = await LiveView.start({ address: parseVizAddress('0'), queueCapacity: 1 });
    try {
      for (let i = 0; i < 10; i++) live.observation({ stamp: timestampFromSeconds(i + 1), rgb: rgbImage(8, i) });
      assert.deepEqual(live.summary().droppedQueue, {});
      assert.equal(live.summary().sent, 0);
    } finally {
      await live.close();
    }
  });
});

describe('live view address', () => {
  test('binds loopback by default', async () => {
    const live = await LiveView.start({ address: parseVizAddress('0') });
    try {
      assert.equal(live.address.host, '127.0.0.1');
      assert.ok(live.address.port > 0);
      assert.equal(live.url, `ws://127.0.0.1:${live.address.port}`);
      const client = new TestClient(live.url, []);
      await client.opened;
      await until(() => client.channels.size === Object.keys(T).length, 'every channel advertised');
      assert.equal(client.channels.get(T.sceneImage)?.schemaName, 'foxglove.RawImage');
      assert.equal(client.channels.get(T.sceneImage)?.encoding, 'json');
      await client.close();
    } finally {
      await live.close();
    }
  });

  test('parses [host:]port and names what is wrong', () => {
    assert.deepEqual(parseVizAddress('8765'), { host: '127.0.0.1', port: 8765 });
    assert.deepEqual(parseVizAddress('0.0.0.0:9000'), { host: '0.0.0.0', port: 9000 });
    assert.deepEqual(parseVizAddress('localhost:0'), { host: 'localhost', port: 0 });
    assert.deepEqual(parseVizAddress('[::1]:9000'), { host: '::1', port: 9000 });
    assert.throws(() => parseVizAddress('abc'), /--viz: expected \[host:\]port .* got 'abc'/);
    assert.throws(() => parseVizAddress('70000'), /--viz: port must be 0\.\.65535, got 70000/);
  });

  test('a port in use is an error that names the address', async () => {
    const first = await LiveView.start({ address: parseVizAddress('0') });
    try {
      await assert.rejects(LiveView.start({ address: { host: '127.0.0.1', port: first.address.port } }), new RegExp(`live view: cannot listen on 127\\.0\\.0\\.1:${first.address.port}: .*EADDRINUSE`));
    } finally {
      await first.close();
    }
  });
});

