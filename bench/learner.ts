/**
 * The online learner (src/learn) with the default model and learner config on real simulation
 * frames: how fast the main thread converts and posts frames, how many training steps per
 * second the worker makes, and how late a 20 Hz main-thread tick runs meanwhile (each tick
 * adds a frame, new weights are applied to an acting model as they arrive), against the same
 * learner training inline on the main thread.
 * Run: npx tsc -p . && node dist/bench/learner.js [seconds]  (prints one JSON object).
 */
import { percentile } from '../src/agent/LoopMetrics.js';
import { tickLateness } from '../src/agent/tickLateness.js';
import * as tf from '@tensorflow/tfjs';
import { parseConfig, Rng, sampleAction } from '../src/core/index.js';
import type { Observation } from '../src/core/index.js';
import { applyWeights, InlineLearner, LearnerHost } from '../src/learn/index.js';
import { initBackend, WorldModel } from '../src/model/index.js';
import { SimEnv } from '../src/sim/index.js';

const seconds = Number(process.argv[2] ?? 10);
const config = parseConfig({ engine: { backend: 'wasm' } }, 'bench');
/** The control period of the simulation (20 Hz by default). */
const PERIOD_MS = 1000 / config.sim.controlHz;

interface Lived {
  readonly observation: Observation;
  readonly action: Float32Array | undefined;
  readonly episode: number;
}

async function live(count: number): Promise<Lived[]> {
  const env = await SimEnv.create(config.sim);
  const rng = new Rng('bench-learner');
  const out: Lived[] = [];
  let episode = 0;
  let observation = env.reset(0);
  while (out.length < count) {
    const action = sampleAction(env.actionSpace, () => rng.next()).values;
    const result = env.step(action);
    out.push({ observation, action, episode });
    observation = result.observation;
    if (result.done) {
      out.push({ observation, action: undefined, episode });
      observation = env.reset(++episode);
    }
  }
  env.close();
  return out.slice(0, count);
}


const round = (x: number, digits = 1): number => Number(x.toFixed(digits));

async function main(): Promise<void> {
  await initBackend({ backend: 'wasm' });
  const lived = await live(config.learn.minFrames * 2);
  const host = await LearnerHost.start(config);
  const acting = new WorldModel(config.model, { seed: config.seed });
  let applied = 0;
  let applyMs = 0;
  host.weights$.subscribe((update) => {
    const start = performance.now();
    applyWeights(acting, update);
    applyMs += performance.now() - start;
    applied++;
  });

  // Frames: convert on the main thread and post, as fast as possible.
  const addStart = performance.now();
  for (const f of lived) host.addObservation(f.observation, f.action, f.episode);
  const addMs = performance.now() - addStart;
  await host.requestStats();
  const receivedMs = performance.now() - addStart;

  // The control tick: one new frame per tick while the worker trains.
  let next = 0;
  const episodeOffset = lived[lived.length - 1].episode + 1;
  const before = (await host.requestStats()).steps;
  const t0 = performance.now();
  const withWorker = await tickLateness(PERIOD_MS, seconds * 1000, () => {
    // The recorded frames again, under new episode ids each round.
    const i = next++;
    const f = lived[i % lived.length];
    host.addObservation(f.observation, f.action, f.episode + episodeOffset * Math.floor(i / lived.length));
  });
  const stats = await host.requestStats();
  const workerSteps = stats.steps - before;
  const workerS = (performance.now() - t0) / 1000;
  await host.close({ checkpoint: false });
  acting.dispose();

  // The same learner on the main thread, stepping whenever the event loop is free.
  const inline = await InlineLearner.create(config);
  for (const f of lived) inline.addObservation(f.observation, f.action, f.episode);
  let running = true;
  const pump = (): void => {
    if (!running) return;
    inline.trainStep();
    setImmediate(pump);
  };
  const i0 = performance.now();
  setImmediate(pump);
  const withInline = await tickLateness(PERIOD_MS, Math.min(seconds, 5) * 1000);
  running = false;
  const inlineS = (performance.now() - i0) / 1000;
  const inlineSteps = inline.steps;
  await inline.close();

  const out = {
    bench: 'learner',
    backend: host.backend,
    model: { image: config.model.image.size, points: config.model.points.count, latentDim: config.model.latentDim },
    batchSize: config.learn.batchSize,
    horizon: config.model.horizon,
    learner_updates_per_s: round(workerSteps / workerS, 2),
    frames_per_s_added: Math.round(lived.length / (addMs / 1000)),
    frames_per_s_received_by_worker: Math.round(lived.length / (receivedMs / 1000)),
    main_thread_tick_lateness_ms_p99: round(percentile(withWorker, 0.99)),
    main_thread_tick_lateness_ms_p50: round(percentile(withWorker, 0.5)),
    weights_applied: applied,
    apply_weights_ms_mean: round(applied > 0 ? applyMs / applied : 0, 2),
    inline_updates_per_s: round(inlineSteps / inlineS, 2),
    inline_main_thread_tick_lateness_ms_p99: round(percentile(withInline, 0.99)),
    tick_period_ms: PERIOD_MS,
    seconds,
    numTensorsMainThread: tf.memory().numTensors,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

await main();
