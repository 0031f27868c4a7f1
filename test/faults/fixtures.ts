// The loop under faults: the real simulation (real-time clock), the real planning controller
// and world model, and a real bag recorder on what the agent receives, all on one virtual-time
// scheduler so that a fault starts and ends at a known tick. A fault is a map over one sensor
// stream between the world and the loop (and its recorder), as a faulty driver would send.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, map, share } from 'rxjs';
import type { Observable, Subscription } from 'rxjs';
import { VirtualTimeScheduler } from 'rxjs';
import { controlLoop } from '../../src/agent/controlLoop.js';
import type { ControlLoop, LoopEvent } from '../../src/agent/controlLoop.js';
import { PlanningController } from '../../src/agent/controllers/PlanningController.js';
import { SimWorld } from '../../src/agent/sources/SimWorld.js';
import type { SensorSource } from '../../src/agent/Source.js';
import { BagReader, BagRecorder, recordSource } from '../../src/bag/index.js';
import type { BagRecording } from '../../src/bag/index.js';
import { applyOverrides, parseConfig, Rng } from '../../src/core/index.js';
import type { Config, DepthImage, Modality, PointCloud, Proprioception, RgbImage } from '../../src/core/index.js';
import { WorldModel } from '../../src/model/index.js';
import { SimEnv } from '../../src/sim/index.js';
import { TEST_ENGINE_OVERRIDE, useTestBackend } from '../backend.js';

/** The experiments' quick world and model, a planner small enough for many ticks, a long episode. */
export function faultConfig(...overrides: string[]): Readonly<Config> {
  return parseConfig(
    applyOverrides({}, [
      'seed=3',
      'sim.episodeSteps=100000',
      'sim.camera.width=24',
      'sim.camera.height=24',
      'sim.pointCount=96',
      'model.latentDim=16',
      'model.image.size=16',
      'model.image.patchSize=8',
      'model.image.width=16',
      'model.image.tokenHidden=16',
      'model.image.channelHidden=16',
      'model.points.count=64',
      'model.points.hidden=[16,16]',
      'model.proprio.hidden=16',
      'model.predictor.width=32',
      'plan.samples=16',
      'plan.elites=4',
      'plan.horizon=2',
      'plan.iterations=1',
      'agent.exploration.babbleSteps=10',
      // Wall-clock planning time must not decide anything in virtual time.
      'agent.watchdog.planTimeoutMs=600000',
      TEST_ENGINE_OVERRIDE,
      ...overrides,
    ]),
    'fault test config',
  );
}

/** Stamped sensor messages by modality, as the source's streams carry them. */
interface Messages {
  readonly rgb: RgbImage;
  readonly depth: DepthImage;
  readonly points: PointCloud;
  readonly proprio: Proprioception;
}
type Message<M extends Modality> = Messages[M];

/** What a fault does to one stream's message at virtual time `nowMs`: a changed message, the same, or none (lost). */
export type Fault = { readonly [M in Modality]?: (message: Message<M>, nowMs: number) => Message<M> | undefined };

/** `source` with `fault` applied to its streams. */
export function faultySource(source: SensorSource, fault: Fault, now: () => number): SensorSource {
  const apply = <M extends Modality>(m: M, stream: Observable<Message<M>> | undefined): Observable<Message<M>> | undefined => {
    const f = fault[m] as ((message: Message<M>, nowMs: number) => Message<M> | undefined) | undefined;
    if (stream === undefined || f === undefined) return stream;
    // Shared: the loop and the recorder see the same faulty message (a fault may keep state).
    return stream.pipe(
      map((message) => f(message, now())),
      filter((message): message is Message<M> => message !== undefined),
      share(),
    );
  };
  return {
    name: `${source.name} (faulty)`,
    actionSpace: source.actionSpace,
    goal$: source.goal$,
    ...(source.rgb$ === undefined ? {} : { rgb$: apply('rgb', source.rgb$ as Observable<Message<'rgb'>>)! }),
    ...(source.depth$ === undefined ? {} : { depth$: apply('depth', source.depth$ as Observable<Message<'depth'>>)! }),
    ...(source.points$ === undefined ? {} : { points$: apply('points', source.points$ as Observable<Message<'points'>>)! }),
    ...(source.proprio$ === undefined ? {} : { proprio$: apply('proprio', source.proprio$ as Observable<Message<'proprio'>>)! }),
  };
}

/** One message the recorder was handed: its topic and log time. */
export interface Recorded {
  readonly topic: string;
  readonly logTime: bigint;
}

export interface FaultRun {
  readonly config: Readonly<Config>;
  readonly scheduler: VirtualTimeScheduler;
  readonly world: SimWorld;
  readonly model: WorldModel;
  readonly loop: ControlLoop;
  readonly events: LoopEvent[];
  readonly bagDir: string;
  /** Every message the recorder accepted, in order, with the virtual time it was handed over. */
  readonly recorded: Array<Recorded & { readonly atMs: number }>;
  /** Runs `ms` of virtual time, then lets the recorder's threads take what was queued. */
  advance(ms: number): Promise<void>;
  /** Stops the loop, closes the recorder, frees the simulation and the model; the bag is kept until `cleanup`. */
  close(): Promise<BagRecording>;
  cleanup(): void;
}

/**
 * Starts the loop on the faulty source: the world resets (seed 0), the loop and the recorder
 * subscribe; nothing runs until `advance`. The recorder records the faulty streams (what the
 * agent received), as a robot's recorder would.
 */
export async function startFaultRun(config: Readonly<Config>, fault: Fault): Promise<FaultRun> {
  await useTestBackend();
  const scheduler = new VirtualTimeScheduler();
  const env = await SimEnv.create(config.sim);
  const world = new SimWorld(env, { clock: 'realtime', scheduler });
  const source = faultySource(world, fault, () => scheduler.now());
  const model = new WorldModel(config.model, { seed: config.seed });
  const controller = PlanningController.fromConfig(model, config, env.actionSpace, new Rng(config.seed).fork('controller'));
  const loop = controlLoop(source, world, controller, config.agent, scheduler);
  const bagDir = mkdtempSync(join(tmpdir(), 'jepa-fault-'));
  const recorder = await BagRecorder.start({ dir: join(bagDir, 'bag'), chunkBytes: 16 << 10 });
  const recorded: Array<Recorded & { atMs: number }> = [];
  const write = recorder.write.bind(recorder);
  recorder.write = (entry, transfer) => {
    const ok = write(entry, transfer);
    if (ok) recorded.push({ topic: entry.topic, logTime: entry.logTime, atMs: scheduler.now() });
    return ok;
  };
  const events: LoopEvent[] = [];
  const subscriptions: Subscription[] = [recordSource(recorder, source), loop.events$.subscribe((e) => events.push(e))];
  world.reset(0);
  let closed: Promise<BagRecording> | undefined;
  return {
    config,
    scheduler,
    world,
    model,
    loop,
    events,
    bagDir: join(bagDir, 'bag'),
    recorded,
    advance: async (ms) => {
      const until = scheduler.now() + ms;
      // In steps of a control period, so the recorder's queue never holds more than a few frames.
      const step = 1000 / config.sim.controlHz;
      for (let t = scheduler.now() + step; t <= until + 1e-9; t += step) {
        scheduler.maxFrames = t;
        scheduler.flush();
        await new Promise((r) => setImmediate(r));
      }
    },
    close: () => {
      closed ??= (async () => {
        subscriptions.forEach((s) => s.unsubscribe());
        world.close();
        try {
          return await recorder.close();
        } finally {
          model.dispose();
          env.close();
        }
      })();
      return closed;
    },
    cleanup: () => rmSync(bagDir, { recursive: true, force: true }),
  };
}

/** Log times per topic of a multiset of messages, for comparing what was recorded with what a bag holds. */
export function byTopic(messages: Iterable<Recorded>): Map<string, bigint[]> {
  const out = new Map<string, bigint[]>();
  for (const m of messages) {
    let list = out.get(m.topic);
    if (list === undefined) out.set(m.topic, (list = []));
    list.push(m.logTime);
  }
  for (const list of out.values()) list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return out;
}

/** Every message of the bag, as (topic, log time). */
export async function readBack(dir: string): Promise<Recorded[]> {
  const reader = await BagReader.open(dir);
  const out: Recorded[] = [];
  for await (const m of reader.messages()) out.push({ topic: m.topic, logTime: m.logTime });
  return out;
}

/** Ticks of the loop's events. */
export function ticks(events: readonly LoopEvent[]): Array<Extract<LoopEvent, { type: 'tick' }>> {
  return events.filter((e): e is Extract<LoopEvent, { type: 'tick' }> => e.type === 'tick');
}
