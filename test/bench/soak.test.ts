// `jepa-agent bench soak` for a few seconds with tiny windows: the JSON it prints has every
// figure the hour-long soak reports. No timing is asserted (this machine may be busy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { slopeOf } from '../../bench/soak.js';
import type { SoakResult } from '../../bench/soak.js';
import { QUICK_OVERRIDES } from '../../src/eval/ablate/index.js';
import { TEST_BACKEND, TEST_ENGINE_OVERRIDE } from '../backend.js';

const CLI = new URL('../../src/cli/main.js', import.meta.url).pathname;

test('slopeOf: least squares per 10 minutes, and as a share of the mean', () => {
  // y = 100 + 2x (per minute): 20 per 10 minutes; mean 104 over x = 0..4.
  const s = slopeOf([0, 1, 2, 3, 4].map((x) => [x, 100 + 2 * x] as const))!;
  assert.equal(s.per_10min, 20);
  assert.equal(s.percent_per_10min, Math.round((2000 / 104) * 1e4) / 1e4);
  assert.deepEqual([s.first, s.last], [100, 108]);
  assert.equal(slopeOf([[0, 1]]), null);
});

test('bench soak --json: slopes after warm-up, a window of control rate and p99 each few seconds, the samples', async () => {
  const args = [
    CLI, 'bench', 'soak', '--json', '--minutes', '0.25', '--window-minutes', '0.05', '--warmup-minutes', '0.05', '--sample-seconds', '1', '--split-mb', '1',
    ...[...QUICK_OVERRIDES, TEST_ENGINE_OVERRIDE, 'plan.samples=16', 'plan.elites=4', 'plan.horizon=2', 'plan.iterations=1', 'agent.exploration.babbleSteps=10'].flatMap((o) => ['--set', o]),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench soak did not end within 5 minutes:\n${stderr}`)), 300_000);
    child.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  assert.equal(code, 0, stderr);
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'one JSON line on stdout');
  const r = JSON.parse(lines[0]) as SoakResult;
  assert.deepEqual([r.minutes, r.window_minutes, r.warmup_minutes, r.sample_seconds], [0.25, 0.05, 0.05, 1]);
  assert.deepEqual(Object.keys(r.slopes).sort(), ['js_heap_bytes', 'open_handles', 'replay_buffer_bytes', 'rss_bytes', 'tensors', 'wasm_heap_bytes']);
  for (const [k, s] of Object.entries(r.slopes)) {
    assert.ok(s !== null, `${k}: a slope`);
    for (const v of [s.per_10min, s.percent_per_10min, s.first, s.last]) assert.ok(Number.isFinite(v), `${k}: ${JSON.stringify(s)}`);
  }
  assert.ok(r.windows.length >= 4, `${r.windows.length} windows`);
  for (const w of r.windows) {
    assert.ok(w.end_minutes > w.start_minutes);
    for (const v of [w.ticks, w.planned, w.control_hz, w.latency_ms_p50, w.latency_ms_p99, w.plan_ms_p99, w.safe_stops]) assert.ok(Number.isFinite(v) && v >= 0, JSON.stringify(w));
  }
  assert.ok(r.windows.some((w) => w.ticks > 0 && w.control_hz > 0), 'the loop ran');
  assert.ok(r.samples.length >= 10);
  for (const s of r.samples) assert.ok(s.rss_bytes > 0 && s.wasm_heap_bytes > 0 && s.open_handles > 0 && s.tensors > 0);
  assert.ok(r.samples.at(-1)!.replay_buffer_bytes > 0 && r.samples.at(-1)!.replay_buffer_frames > 0, 'the learner holds a buffer and frames in it');
  assert.ok(r.episodes >= 1 && r.learner_steps >= 0);
  assert.equal(r.learner_restarts, 0);
  assert.ok(r.bag.written > 0 && r.bag.bytes > 0 && r.bag.files >= 2 && r.bag.dropped >= 0);
  assert.equal(r.backend, TEST_BACKEND);
});
