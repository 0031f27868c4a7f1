import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { controlLoop } from '../src/agent/controlLoop.js';
import { PlanningController } from '../src/agent/controllers/PlanningController.js';
import { SimWorld } from '../src/agent/sources/SimWorld.js';
import type { Config } from '../src/core/config/Config.js';
import { Rng } from '../src/core/Rng.js';
import { compareTimestamps } from '../src/core/Timestamp.js';
import type { Logger } from '../src/core/Logger.js';
import type { Observation } from '../src/core/Observation.js';
import { workerLearner } from '../src/eval/onlineLearners.js';
import { LearnerHost } from '../src/learn/LearnerHost.js';
import { initBackend } from '../src/model/engine/initBackend.js';
import { WorldModel } from '../src/model/worldModel.js';
import { getPlanner } from '../src/plan/getPlanner.js';
import { plannerConfig } from '../src/plan/plannerConfig.js';
import { SimEnv } from '../src/sim/SimEnv.js';
import { LiveView } from '../src/live/index.js';
import type { VizAddress } from '../src/live/index.js';

export interface LoopBenchResult {
  control_hz: number;
  latency_ms_p50: number;
  latency_ms_p99: number;
  plan_ms_p50: number;
  learner_updates_per_s: number;
  learner_backend: string;
  backend: string;
  planner: string;
  seconds: number;
  load_average_1m: number;
  /** With a live view (--viz) and a client subscribed to every channel: what it sent, dropped, and what the client received. */
  viz?: { url: string; sent: number; dropped: number; received: number; received_mb: number; channels: number; build_ms_per_tick: Readonly<Record<string, number>> };
}

/**
 * The perception-action loop at full speed with the learner training in its worker: the
 * simulation in lockstep, the default model and planner planning every tick (after a short
 * babbling phase that fills the learner's buffer), frames streaming to the learner.
 */
export async function benchLoop(config: Readonly<Config>, seconds: number, logger: Logger, options: { viz?: VizAddress } = {}): Promise<LoopBenchResult> {
  const engine = await initBackend({ backend: config.engine.backend, planning: config.engine.planning, logger });
  const env = await SimEnv.create(config.sim, { logger });
  const model = new WorldModel(config.model, { seed: config.seed });
  const host = await LearnerHost.start(config, { logger });
  const learner = workerLearner(host, model);
  const world = new SimWorld(env, { clock: 'lockstep' });
  const babbleSteps = Math.max(config.learn.minFrames + 10, 40);
  const controller = new PlanningController(
    model,
    getPlanner(config.plan.planner),
    plannerConfig(config.plan, env.actionSpace),
    env.actionSpace,
    { ...config.agent.exploration, babbleSteps },
    new Rng(config.seed),
    config.agent.planning,
  );
  const loop = controlLoop(world, world, controller, config.agent);
  let previous: Observation | undefined;
  let episode = 0;
  // The live view with a client that subscribes to everything, in its own thread.
  const live = options.viz === undefined ? undefined : await LiveView.start({ address: options.viz, model, actionRepeat: config.plan.actionRepeat, logger });
  const viewer = live === undefined ? undefined : await startViewer(live.url);
  let sensed: Observation | undefined;
  const worldEvents = world.events$.subscribe((e) => {
    sensed = e.type === 'reset' ? e.observation : e.result?.observation;
    if (e.type === 'reset') previous = e.observation;
    else if (e.result) {
      if (previous) learner.add(previous, e.result.action.values, episode);
      previous = e.result.observation;
      if (e.result.done) world.reset(++episode);
    }
  });
  const loopEvents = loop.events$.subscribe((e) => {
    if (live === undefined) return;
    if (e.type === 'goal') live.goal(e.goal);
    if (e.type !== 'tick') return;
    const plan = e.decision.mode === 'plan' && controller.lastPlan !== undefined && controller.lastPlanStart !== undefined ? { result: controller.lastPlan, start: controller.lastPlanStart } : undefined;
    live.tick({ ...e, ...(sensed !== undefined && compareTimestamps(sensed.stamp, e.observation.stamp) === 0 ? { sensed } : {}), ...(plan === undefined ? {} : { plan }), ...(controller.lastLatent === undefined ? {} : { latent: controller.lastLatent }), linkFrames: () => env.linkFrames() });
    controller.keepElites = live.planElites;
  });
  world.reset(0);
  // Warm-up: babbling, the buffer fills, the learner starts.
  while (controller.decisions < babbleSteps) await new Promise((r) => setTimeout(r, 50));
  const metricsBefore = loop.metrics.summary().ticks;
  const stepsBefore = host.stats.steps;
  const start = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = (performance.now() - start) / 1000;
  const summary = loop.metrics.summary();
  const learnerSteps = host.stats.steps - stepsBefore;
  const received = viewer === undefined ? undefined : await viewer.count();
  const liveSummary = live?.summary();
  loopEvents.unsubscribe();
  await viewer?.close();
  await live?.close();
  worldEvents.unsubscribe();
  learner.close();
  await host.close({ checkpoint: false });
  world.close();
  model.dispose();
  env.close();
  return {
    control_hz: Math.round(((summary.ticks - metricsBefore) / elapsed) * 10) / 10,
    latency_ms_p50: round1(summary.latencyMsP50),
    latency_ms_p99: round1(summary.latencyMsP99),
    plan_ms_p50: round1(summary.planMsP50),
    learner_updates_per_s: Math.round((learnerSteps / elapsed) * 100) / 100,
    learner_backend: host.backend,
    backend: engine.backend,
    planner: `${config.plan.planner} ${config.plan.samples}x${config.plan.horizon}x${config.plan.iterations}`,
    seconds: Math.round(elapsed),
    load_average_1m: Math.round(loadavg()[0] * 100) / 100,
    ...(liveSummary === undefined || received === undefined
      ? {}
      : { viz: { url: liveSummary.url, sent: liveSummary.sent, dropped: liveSummary.dropped, received: received.messages, received_mb: Math.round(received.bytes / 2 ** 20), channels: received.channels, build_ms_per_tick: perTick(liveSummary.buildMs, summary.ticks) } }),
  };
}

/** A Foxglove client in a worker thread (bench/vizClientWorker.ts), subscribed to every channel. */
async function startViewer(url: string): Promise<{ count(): Promise<{ messages: number; bytes: number; channels: number }>; close(): Promise<void> }> {
  const worker = new Worker(new URL('./vizClientWorker.js', import.meta.url), { workerData: { url } });
  let channels = 0;
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (m: { type: string; channels?: number; message?: string }) => {
      if (m.type === 'subscribed') {
        channels = m.channels ?? 0;
        resolve();
      } else if (m.type === 'error') {
        reject(new Error(`bench viewer: ${m.message}`));
      }
    });
    worker.once('error', reject);
  });
  return {
    count: () =>
      new Promise((resolve) => {
        const onMessage = (m: { type: string; messages: number; bytes: number }): void => {
          if (m.type !== 'count') return;
          worker.off('message', onMessage);
          resolve({ messages: m.messages, bytes: m.bytes, channels });
        };
        worker.on('message', onMessage);
        worker.postMessage({ type: 'count' });
      }),
    close: async () => {
      worker.postMessage({ type: 'close' });
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

/** Milliseconds per loop tick of each topic, over the whole run (warm-up included). */
function perTick(ms: Readonly<Record<string, number>>, ticks: number): Record<string, number> {
  return Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, round1(v / Math.max(1, ticks))]));
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
