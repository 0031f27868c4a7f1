import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameTransforms, SceneUpdate } from '@foxglove/schemas';
import { QUICK_OVERRIDES } from '../../../src/eval/ablate/index.js';
import { LIVE_TOPICS } from '../../../src/live/index.js';
import { bytesOf, TestClient } from '../../live/fixtures.js';
import { TEST_ENGINE_OVERRIDE } from '../../backend.js';

const CLI = new URL('../../../src/cli/main.js', import.meta.url).pathname;
const WAIT_MS = 120_000;
const T = LIVE_TOPICS;

const root = mkdtempSync(join(tmpdir(), 'jepa-sim-viz-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('sim --viz 0: a Foxglove client connected to the running main job decodes images, a cloud, transforms and plan markers; SIGINT reports the live view', async () => {
  const runsDir = join(root, 'runs');
  const args = [
    CLI, 'sim',
    '--tasks', 'push',
    '--splits', 'train',
    '--steps', '100000',
    '--eval-every', '1000',
    '--runs-dir', runsDir,
    '--viz', '0',
    ...[...QUICK_OVERRIDES, TEST_ENGINE_OVERRIDE, 'agent.exploration.babbleSteps=0', 'agent.exploration.babbleEpisodeFraction=0', 'agent.exploration.play.fraction=0'].flatMap((o) => ['--set', o]),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let client: TestClient | undefined;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no live view address within ${WAIT_MS} ms:\n${output}`)), WAIT_MS);
      const check = (): void => {
        const m = /live view: open (ws:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (m !== null) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      child.stderr.on('data', check);
      void exited.then((code) => reject(new Error(`exited (${code}) before the live view started:\n${output}`)));
    });
    client = new TestClient(url, [T.sceneImage, T.rawPoints, T.tf, T.planMarkers]);
    await client.opened;
    const image = (await client.waitFor(T.sceneImage, undefined, WAIT_MS)).message as { width: number; encoding: string; data: string };
    assert.deepEqual([image.width, image.encoding, bytesOf(image).length], [16, 'rgb8', 16 * 16 * 3]);
    const cloud = (await client.waitFor(T.rawPoints, undefined, WAIT_MS)).message as { point_stride: number; data: string };
    assert.equal(cloud.point_stride, 16);
    assert.ok(bytesOf(cloud).length > 0 && bytesOf(cloud).length % 16 === 0);
    const transforms = (await client.waitFor(T.tf, undefined, WAIT_MS)).message as FrameTransforms;
    assert.ok(transforms.transforms.some((t) => t.parent_frame_id === 'base_link' && t.child_frame_id === 'end_effector'));
    // Plans made after the subscription reached the controller carry elites.
    const withElites = (m: unknown): boolean => (m as SceneUpdate).entities.some((e) => e.id === 'plan' && e.lines.length > 1);
    const markers = (await client.waitFor(T.planMarkers, withElites, WAIT_MS)).message as SceneUpdate;
    const plan = markers.entities.find((e) => e.id === 'plan')!;
    assert.equal(plan.lines.length, 6, 'the best plan and five elites');
    for (const line of plan.lines) assert.ok(line.points.length >= 2 && line.points.every((p) => Number.isFinite(p.x + p.y + p.z)));
    await client.close();
    child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no exit within ${WAIT_MS} ms:\n${output}`)), WAIT_MS)))]).finally(() => clearTimeout(timer));
    assert.equal(code, 130, output);
    assert.match(output, /live view: \d+ messages sent, \d+ dropped/);
    const [runDir] = readdirSync(runsDir);
    const report = JSON.parse(readFileSync(join(runsDir, runDir, 'report.json'), 'utf8')) as { live?: { sent: number; dropped: number; droppedQueue: object; droppedSlowClient: object } };
    assert.ok(report.live !== undefined && report.live.sent > 0, 'report.json holds the live view summary');
  } finally {
    await client?.close();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
