import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { controlLoop } from '../src/agent/controlLoop.js';
import { PlanningController } from '../src/agent/controllers/PlanningController.js';
import { SimWorld } from '../src/agent/sources/SimWorld.js';
import { percentile } from '../src/agent/LoopMetrics.js';
import { BagRecorder, recordSource } from '../src/bag/index.js';
import type { Config } from '../src/core/config/Config.js';
import type { Logger } from '../src/core/Logger.js';
import type { Observation } from '../src/core/Observation.js';
import { Rng } from '../src/core/Rng.js';
import { workerLearner } from '../src/eval/onlineLearners.js';
import { LearnerSupervisor } from '../src/learn/LearnerSupervisor.js';
import { initBackend } from '../src/model/engine/initBackend.js';
import { WorldModel } from '../src/model/worldModel.js';
import { loadMujoco } from '../src/sim/mujoco.js';
import { SimEnv } from '../src/sim/SimEnv.js';

export interface SoakOptions {
  readonly minutes: number;
  /** Length of each window of control rate and latency, minutes (10 for the hour-long soak). */
  readonly windowMinutes: number;
  /** Samples before this are left out of the slopes (the buffers fill, the learner starts). */
  readonly warmupMinutes: number;
  /** Seconds between two memory samples. */
  readonly sampleSeconds: number;
  /** Where the bag goes (default a temporary folder, removed at the end unless `keepBag`). */
  readonly bagDir?: string;
  readonly keepBag?: boolean;
  /** Starts a new bag file every this many MiB (a long recording rotates its files). */
  readonly splitMb: number;
  readonly logger: Logger;
  /** Called after each sample (progress for a person). */
  readonly onSample?: (sample: SoakSample, elapsedMinutes: number) => void;
}

/** One measurement of what a leak would grow. */
export interface SoakSample {
  readonly minutes: number;
  readonly rss_bytes: number;
  /** V8's heap in use on this thread, garbage not yet collected included: its slope is noisier than the others'. */
  readonly js_heap_bytes: number;
  /** WebAssembly memory of this thread: tfjs's wasm backend and MuJoCo (wasm memory never shrinks). */
  readonly wasm_heap_bytes: number;
  readonly tensors: number;
  /** The learner worker's replay buffer (preallocated: constant once allocated). */
  readonly replay_buffer_bytes: number;
  /**
   * Frames it holds: until it is full, RSS grows as its pages are first written (about
   * replay_buffer_bytes / learn.capacityFrames a frame), which is no leak.
   */
  readonly replay_buffer_frames: number;
  /** Open file descriptors (/proc/self/fd) where the system has them, else Node's active handles. */
  readonly open_handles: number;
}

export interface SoakSlope {
  /** Least-squares slope over the samples after warm-up, units per 10 minutes. */
  readonly per_10min: number;
  /** The same as a share of the mean over those samples, percent per 10 minutes. */
  readonly percent_per_10min: number;
  readonly first: number;
  readonly last: number;
}

export interface SoakWindow {
  readonly start_minutes: number;
  readonly end_minutes: number;
  readonly ticks: number;
  /** Decisions the planner made (the others babbled or held): babbling is faster, so compare windows with alike shares. */
  readonly planned: number;
  /** Commands sent per second of the window. */
  readonly control_hz: number;
  readonly latency_ms_p50: number;
  readonly latency_ms_p99: number;
  readonly plan_ms_p99: number;
  readonly safe_stops: number;
}

export interface SoakResult {
  readonly minutes: number;
  readonly window_minutes: number;
  readonly warmup_minutes: number;
  readonly sample_seconds: number;
  /** Slopes after warm-up; null where fewer than two samples came after it. */
  readonly slopes: Readonly<Record<(typeof SLOPED)[number], SoakSlope | null>>;
  readonly windows: readonly SoakWindow[];
  readonly samples: readonly SoakSample[];
  readonly episodes: number;
  readonly learner_steps: number;
  readonly learner_restarts: number;
  readonly bag: { readonly bytes: number; readonly files: number; readonly written: number; readonly dropped: number };
  readonly backend: string;
  readonly learner_backend: string;
  readonly planner: string;
  readonly load_average_1m: number;
}

const SLOPED = ['rss_bytes', 'js_heap_bytes', 'wasm_heap_bytes', 'tensors', 'replay_buffer_bytes', 'open_handles'] as const;

/**
 * The main job's loop for a long time: the simulation in lockstep, practice episodes one after
 * another (babbling, then planning with exploration), frames to the learner in its worker
 * (restarted from its checkpoint if it crashes), and a recorder writing every sensor stream and
 * transition into a bag that rotates its files. Memory and handles are sampled every
 * `sampleSeconds`; their slopes after warm-up say whether anything grows, and control rate and
 * latency per window say whether the loop slows down.
 */
export async function benchSoak(config: Readonly<Config>, options: SoakOptions): Promise<SoakResult> {
  const { logger } = options;
  for (const [name, v] of [['minutes', options.minutes], ['windowMinutes', options.windowMinutes], ['sampleSeconds', options.sampleSeconds], ['splitMb', options.splitMb]] as const) {
    if (!(v > 0)) throw new RangeError(`bench soak: ${name} must be a positive number, got ${v}`);
  }
  if (!(options.warmupMinutes >= 0)) throw new RangeError(`bench soak: warmupMinutes must be >= 0, got ${options.warmupMinutes}`);
  const engine = await initBackend({ backend: config.engine.backend, planning: config.engine.planning, logger });
  const mj = await loadMujoco();
  const env = await SimEnv.create(config.sim, { logger });
  const model = new WorldModel(config.model, { seed: config.seed });
  const scratch = mkdtempSync(join(tmpdir(), 'jepa-soak-'));
  const bagDir = options.bagDir ?? join(scratch, 'bag');
  const supervisor = await LearnerSupervisor.start(config, { logger, checkpointDir: join(scratch, 'checkpoint') });
  const learner = workerLearner(supervisor, model);
  const learnerBackend = supervisor.backend;
  const recorder = await BagRecorder.start({ dir: bagDir, splitBytes: options.splitMb * 2 ** 20, logger });
  const world = new SimWorld(env, { clock: 'lockstep', endOnSuccess: true });
  const controller = PlanningController.fromConfig(model, config, env.actionSpace, new Rng(config.seed).fork('controller'));
  controller.explore = true;
  // As in the main job: lockstep time stands still while the agent thinks.
  const loop = controlLoop(world, world, controller, { ...config.agent, watchdog: { observationTimeoutMs: 60_000, planTimeoutMs: 60_000 } });

  const started = performance.now();
  const minutesNow = (): number => (performance.now() - started) / 60_000;
  let ticks: Array<{ atMin: number; latencyMs: number; planMs: number; sent: boolean; planned: boolean }> = [];
  let safeStops = 0;
  const windows: SoakWindow[] = [];
  let windowStart = 0;
  const closeWindow = (end: number): void => {
    const inWindow = ticks;
    ticks = [];
    const seconds = (end - windowStart) * 60;
    windows.push({
      start_minutes: round(windowStart, 3),
      end_minutes: round(end, 3),
      ticks: inWindow.length,
      planned: inWindow.filter((t) => t.planned).length,
      control_hz: round(inWindow.filter((t) => t.sent).length / seconds, 2),
      latency_ms_p50: round(percentile(inWindow.map((t) => t.latencyMs), 0.5), 2),
      latency_ms_p99: round(percentile(inWindow.map((t) => t.latencyMs), 0.99), 2),
      plan_ms_p99: round(percentile(inWindow.map((t) => t.planMs), 0.99), 2),
      safe_stops: safeStops,
    });
    safeStops = 0;
    windowStart = end;
  };

  let previous: Observation | undefined;
  let episode = 0;
  const sources = recordSource(recorder, world, { episode: () => episode });
  const worldEvents = world.events$.subscribe((e) => {
    if (e.type === 'reset') {
      previous = e.observation;
      return;
    }
    const result = e.result!;
    if (previous !== undefined) {
      learner.add(previous, result.action.values, episode);
      recorder.writeAgent('/agent/transition', {
        stamp: previous.stamp,
        episode,
        step: e.step - 1,
        actionSpace: world.actionSpace.kind,
        actionNames: world.actionSpace.names,
        action: [...result.action.values],
        appliedAction: [...result.action.values],
        cost: Number.NaN,
        done: result.done || result.success,
        success: result.success,
        nextStamp: result.observation.stamp,
      });
    }
    previous = result.observation;
    if (result.done || result.success) {
      learner.add(result.observation, undefined, episode);
      episode++;
      controller.resetEpisode();
      world.reset((config.seed * 1_000_003 + episode) >>> 0, { task: episode % 2 === 0 ? 'reach' : 'push' });
    }
  });
  const loopEvents = loop.events$.subscribe((e) => {
    if (e.type === 'tick') ticks.push({ atMin: minutesNow(), latencyMs: e.latencyMs, planMs: e.decision.planningMs, sent: e.sent, planned: (e.decision.mode ?? 'plan') === 'plan' });
    else if (e.type === 'safe_stop') safeStops++;
  });
  world.reset(config.seed >>> 0, { task: 'reach' });

  const samples: SoakSample[] = [];
  const sample = (): SoakSample => {
    const memory = process.memoryUsage();
    const s: SoakSample = {
      minutes: round(minutesNow(), 4),
      rss_bytes: memory.rss,
      js_heap_bytes: memory.heapUsed,
      wasm_heap_bytes: tfjsWasmBytes() + mujocoWasmBytes(mj),
      tensors: tf.memory().numTensors,
      replay_buffer_bytes: supervisor.stats.bufferBytes,
      replay_buffer_frames: supervisor.stats.bufferSize,
      open_handles: openHandles(),
    };
    samples.push(s);
    options.onSample?.(s, minutesNow());
    return s;
  };
  try {
    sample();
    const end = options.minutes;
    let nextWindow = options.windowMinutes;
    while (minutesNow() < end) {
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(options.sampleSeconds * 1000, (end - minutesNow()) * 60_000))));
      sample();
      while (minutesNow() >= nextWindow - 1e-9 && nextWindow <= end + 1e-9) {
        closeWindow(nextWindow);
        nextWindow += options.windowMinutes;
      }
    }
    // A last, shorter window only when it holds something worth a rate.
    if (minutesNow() - windowStart > options.windowMinutes / 2) closeWindow(minutesNow());
  } finally {
    loopEvents.unsubscribe();
    worldEvents.unsubscribe();
    sources.unsubscribe();
    world.close();
  }
  const recording = await recorder.close();
  learner.close();
  const learnerSteps = supervisor.stats.steps;
  await supervisor.close({ checkpoint: false });
  model.dispose();
  env.close();
  const bagBytes = readdirSync(bagDir).reduce((n, f) => n + statSync(join(bagDir, f)).size, 0);
  if (options.bagDir === undefined && options.keepBag !== true) rmSync(scratch, { recursive: true, force: true });
  else rmSync(join(scratch, 'checkpoint'), { recursive: true, force: true });

  const after = samples.filter((s) => s.minutes >= options.warmupMinutes);
  const slopes = Object.fromEntries(SLOPED.map((k) => [k, slopeOf(after.map((s) => [s.minutes, s[k]] as const))])) as SoakResult['slopes'];
  return {
    minutes: options.minutes,
    window_minutes: options.windowMinutes,
    warmup_minutes: options.warmupMinutes,
    sample_seconds: options.sampleSeconds,
    slopes,
    windows,
    samples,
    episodes: episode,
    learner_steps: learnerSteps,
    learner_restarts: supervisor.restarts,
    bag: { bytes: bagBytes, files: recording.files.ros.length + recording.files.agent.length, written: recording.stats.written, dropped: recording.stats.dropped },
    backend: engine.backend,
    learner_backend: learnerBackend,
    planner: `${config.plan.planner} ${config.plan.samples}x${config.plan.horizon}x${config.plan.iterations}`,
    load_average_1m: round(loadavg()[0], 2),
  };
}

/** Least-squares slope of (minutes, value) per 10 minutes, also as percent of the mean; null with fewer than two points. */
export function slopeOf(points: ReadonlyArray<readonly [number, number]>): SoakSlope | null {
  if (points.length < 2) return null;
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  const perMinute = sxx > 0 ? sxy / sxx : 0;
  return {
    per_10min: round(10 * perMinute, 4),
    percent_per_10min: my !== 0 ? round((1000 * perMinute) / my, 4) : 0,
    first: points[0][1],
    last: points[n - 1][1],
  };
}

function tfjsWasmBytes(): number {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return backend.wasm?.HEAPU8?.buffer.byteLength ?? 0;
}

/** MuJoCo's wasm memory: its HEAP views are not exported, but a module buffer's view spans it. */
function mujocoWasmBytes(mj: Awaited<ReturnType<typeof loadMujoco>>): number {
  const probe = new mj.DoubleBuffer(1);
  try {
    return (probe.GetView() as Float64Array).buffer.byteLength;
  } finally {
    probe.delete();
  }
}

function openHandles(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return process.getActiveResourcesInfo().length;
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
