import * as tf from '@tensorflow/tfjs';
import type { PerceptionConfig } from '../core/config/perceptionConfig.js';
import type { Logger } from '../core/Logger.js';
import { silentLogger } from '../core/Logger.js';
import type { Observation } from '../core/Observation.js';
import type { Vec3 } from '../core/Pose.js';
import { toNanoseconds } from '../core/Timestamp.js';
import { endEffectorIndices } from '../model/proprioVector.js';
import { NoModalityError } from '../model/worldModel.js';
import type { WorldModel } from '../model/worldModel.js';
import { perceiveCloud, perceivedObject, restingObjects } from '../perception/index.js';
import { LIVE_CHANNELS, LIVE_TOPICS } from './channels.js';
import type { LiveEpisode, LiveFeed, LiveLearnerProgress, LiveTick } from './LiveFeed.js';
import { LiveServer } from './LiveServer.js';
import { imageMessage } from './imageMessage.js';
import { pointCloudMessage } from './pointCloudMessage.js';
import type { PendingMessage } from './PublishQueue.js';
import { PublishQueue } from './PublishQueue.js';
import type { CostedPath, LiveFrame, PlanMarkers } from './sceneMessages.js';
import { frameTransformsMessage, planSceneUpdate, robotShapesUpdate } from './sceneMessages.js';
import type { VizAddress } from './vizAddress.js';

export interface LiveViewOptions {
  readonly address: VizAddress;
  /** The acting model: plan paths, the hand and object it reads, fusion weights. Without it, sensors and timings only. */
  readonly model?: WorldModel;
  /** The perception stage for the kept cloud and the perceived objects; default the model's. */
  readonly perception?: PerceptionConfig;
  /** Points the perception stage samples for the kept cloud; default the model's cloud size. */
  readonly keptPoints?: number;
  /** Messages waiting to be built at most; the oldest is dropped (and counted) beyond. Default 64. */
  readonly queueCapacity?: number;
  /** Unsent bytes a client's socket may hold before its messages are dropped; default 8 MiB. */
  readonly maxClientBufferBytes?: number;
  /** Elites drawn beside the best plan; default 5. */
  readonly elites?: number;
  /** Predictor steps per planned action (plan.actionRepeat), for drawing the paths; default 1. */
  readonly actionRepeat?: number;
  readonly logger?: Logger;
}

/** What the live view did, for the run's summary and log. */
export interface LiveSummary {
  readonly url: string;
  readonly clients: number;
  readonly sent: number;
  /** Dropped because the queue was full (the loop ran ahead of the encoder), per topic. */
  readonly droppedQueue: Readonly<Record<string, number>>;
  /** Dropped for a client whose socket held too much unsent (a slow viewer), per topic. */
  readonly droppedSlowClient: Readonly<Record<string, number>>;
  readonly dropped: number;
  /** Messages whose building failed (logged once per topic). */
  readonly failed: number;
  /** Milliseconds spent building, encoding and sending, per topic (on the loop's thread, between ticks). */
  readonly buildMs: Readonly<Record<string, number>>;
}

const T = LIVE_TOPICS;

/**
 * The live view: a Foxglove WebSocket server fed by a run (LiveFeed). A call from the loop
 * costs a few subscription checks and returns: for each topic someone subscribes to, it queues
 * a closure over the tick's data (PublishQueue: bounded, the oldest dropped and counted); the
 * closures build, encode and send on a later turn of the event loop, and a client that reads
 * too slowly loses messages (counted) rather than buffering them. Nobody watching: nothing is
 * built. Everything shown is what the agent has (its observations, its plans, its model's
 * read-outs) plus, on /tf, the robot's link frames, which a robot has from forward kinematics.
 */
export class LiveView implements LiveFeed {
  readonly #server: LiveServer;
  readonly #queue: PublishQueue;
  readonly #model: WorldModel | undefined;
  readonly #perception: PerceptionConfig | undefined;
  readonly #keptPoints: number;
  readonly #elites: number;
  readonly #repeat: number;
  readonly #log: Logger;
  readonly #failedTopics = new Set<string>();
  readonly #buildMs: Record<string, number> = {};
  #failed = 0;
  #goal: Observation | undefined;
  /** The goal's read-out, per model weights version. */
  #goalRead: { version: number; hand: Vec3 | undefined; objects: Vec3[] } | undefined;
  readonly #episodes: Record<string, { episodes: number; successes: number }> = {};
  #tickTimes: number[] = [];

  private constructor(server: LiveServer, options: LiveViewOptions) {
    this.#server = server;
    this.#model = options.model;
    this.#perception = options.perception ?? options.model?.config.perception;
    this.#keptPoints = options.keptPoints ?? options.model?.config.points.count ?? 512;
    this.#elites = options.elites ?? 5;
    this.#repeat = options.actionRepeat ?? 1;
    this.#log = options.logger ?? silentLogger;
    this.#queue = new PublishQueue(options.queueCapacity ?? 64, (m) => this.#send(m));
    // A late subscriber gets the goal at once, not at the next episode.
    server.onSubscribe((topic) => {
      if (this.#goal !== undefined && (topic === T.goalImage || topic === T.goalPoints)) this.#publishGoal(this.#goal);
      if (topic === T.episodes) this.#push(T.episodes, process.hrtime.bigint(), () => this.#episodes);
    });
  }

  /** Starts the server on `options.address` (port 0: a free one; see `url`). */
  static async start(options: LiveViewOptions): Promise<LiveView> {
    const server = await LiveServer.start({
      address: options.address,
      channels: LIVE_CHANNELS,
      ...(options.maxClientBufferBytes === undefined ? {} : { maxClientBufferBytes: options.maxClientBufferBytes }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
    return new LiveView(server, options);
  }

  get address(): VizAddress {
    return this.#server.address;
  }

  /** ws://host:port, what Foxglove's "Open connection" takes. */
  get url(): string {
    const { host, port } = this.address;
    return `ws://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  /** Whether a client subscribes to `topic` now. */
  watching(topic: string): boolean {
    return this.#server.subscribed(topic);
  }

  get planElites(): number {
    return this.#model !== undefined && this.#server.subscribed(T.planMarkers) ? this.#elites : 0;
  }

  tick(t: LiveTick): void {
    const now = performance.now();
    this.#tickTimes.push(now);
    while (this.#tickTimes[0] < now - 2000) this.#tickTimes.shift();
    if (!this.#server.watched) return;
    const o = t.observation;
    const stampNs = toNanoseconds(o.stamp);
    this.#sensors(t.sensed ?? o, t.linkFrames, o);
    if (this.#wants(T.plan)) {
      const d = t.decision;
      this.#push(T.plan, stampNs, () => ({
        tick: t.tick,
        mode: d.mode ?? 'plan',
        ...(d.predictedCost === undefined ? {} : { cost: d.predictedCost }),
        planningMs: d.planningMs,
        action: Array.from(d.values),
        ...(t.plan?.result.elites === undefined ? {} : { eliteCosts: Array.from(t.plan.result.elites.costs) }),
        ...(d.info ?? {}),
      }));
    }
    if (this.#model !== undefined && (this.#wants(T.planMarkers) || this.#wants(T.readout))) {
      const plan = t.plan;
      const latent = t.plan?.start ?? t.latent;
      this.#push(T.planMarkers, stampNs, () => this.#planMarkers(o, plan, latent), [T.readout]);
    }
    if (this.#model !== undefined && this.#wants(T.fusion)) {
      const model = this.#model;
      this.#push(T.fusion, stampNs, () => ({ ...model.fusionWeights() }));
    }
    if (this.#wants(T.loop)) {
      const controlHz = this.#tickTimes.length > 1 ? (1000 * (this.#tickTimes.length - 1)) / (now - this.#tickTimes[0]) : 0;
      const summary = { tick: t.tick, latencyMs: t.latencyMs, planningMs: t.decision.planningMs, mode: t.decision.mode ?? 'plan', sent: t.sent, controlHz };
      this.#push(T.loop, stampNs, () => ({ ...summary, vizDropped: this.#dropped(), vizQueued: this.#queue.length }));
    }
  }

  observation(o: Observation): void {
    if (this.#server.watched) this.#sensors(o, undefined, o);
  }

  goal(goal: Observation): void {
    this.#goal = goal;
    this.#goalRead = undefined;
    if (this.#server.watched) this.#publishGoal(goal);
  }

  episode(e: LiveEpisode): void {
    const key = `${e.practice ? 'practice' : 'eval'}/${e.task}/${e.split}`;
    const cell = (this.#episodes[key] ??= { episodes: 0, successes: 0 });
    cell.episodes++;
    if (e.success) cell.successes++;
    const snapshot = Object.fromEntries(Object.entries(this.#episodes).map(([k, v]) => [k, { ...v, rate: v.successes / v.episodes }]));
    if (this.#wants(T.episodes)) this.#push(T.episodes, process.hrtime.bigint(), () => snapshot);
  }

  learner(p: LiveLearnerProgress): void {
    if (!this.#wants(T.learner)) return;
    const scalar = Object.fromEntries(Object.entries(p.loss ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.reduce((a, b) => a + b, 0) / Math.max(1, v.length) : v]));
    this.#push(T.learner, process.hrtime.bigint(), () => ({ steps: p.steps, frames: p.frames, weightUpdates: p.weightUpdates, loss: scalar }));
  }

  summary(): LiveSummary {
    const s = this.#server.stats();
    const droppedQueue = this.#queue.dropped();
    const buildMs = Object.fromEntries(Object.entries(this.#buildMs).map(([k, v]) => [k, Math.round(v)]));
    return { url: this.url, clients: s.clients, sent: s.sent, droppedQueue, droppedSlowClient: s.droppedSlowClient, dropped: this.#dropped(), failed: this.#failed, buildMs };
  }

  async close(): Promise<void> {
    this.#queue.close();
    await this.#server.close();
  }

  #dropped(): number {
    return this.#queue.droppedTotal + Object.values(this.#server.stats().droppedSlowClient).reduce((a, b) => a + b, 0);
  }

  #wants(topic: string): boolean {
    return this.#server.subscribed(topic);
  }

  /** Queues `build` for `topic` (and the `also` topics it feeds) when someone subscribes to any of them. */
  #push(topic: string, stampNs: bigint, build: () => unknown, also: readonly string[] = []): void {
    this.#queue.push({ topic, stampNs, build: also.length === 0 ? build : this.#fanOut(topic, build, also) });
  }

  /** One build shared by several topics: `build` returns `{ [topic]: message }`. */
  #fanOut(topic: string, build: () => unknown, also: readonly string[]): () => unknown {
    return () => {
      const out = build() as Record<string, unknown>;
      for (const t of also) if (out[t] !== undefined && this.#wants(t)) this.#server.send(t, process.hrtime.bigint(), encode(out[t]));
      return out[topic];
    };
  }

  #send(m: PendingMessage): void {
    const started = performance.now();
    try {
      const message = m.build();
      if (message !== undefined && this.#wants(m.topic)) this.#server.send(m.topic, m.stampNs, encode(message));
      this.#buildMs[m.topic] = (this.#buildMs[m.topic] ?? 0) + performance.now() - started;
    } catch (error) {
      this.#failed++;
      if (!this.#failedTopics.has(m.topic)) {
        this.#failedTopics.add(m.topic);
        this.#log.warn(`live view: ${m.topic}: ${error instanceof Error ? error.message : String(error)} (further failures on this topic counted, not logged)`);
      }
    }
  }

  /** The sensor channels of `o`; the kept cloud is what perception makes of `modelInput`'s cloud, as the model gets it. */
  #sensors(o: Observation, linkFrames: LiveTick['linkFrames'], modelInput: Observation): void {
    const image = (topic: string, part: Parameters<typeof imageMessage>[0] | undefined): void => {
      if (part !== undefined && this.#wants(topic)) this.#push(topic, toNanoseconds(part.stamp), () => imageMessage(part));
    };
    image(T.sceneImage, o.rgb);
    image(T.sceneDepth, o.depth);
    image(T.wristImage, o.views?.wrist?.rgb);
    image(T.wristDepth, o.views?.wrist?.depth);
    const raw = o.points;
    if (raw !== undefined && this.#wants(T.rawPoints)) {
      this.#push(T.rawPoints, toNanoseconds(raw.stamp), () => pointCloudMessage(raw));
    }
    const perception = this.#perception;
    const cloud = modelInput.points;
    if (cloud !== undefined && perception !== undefined && this.#wants(T.keptPoints)) {
      const shapes = modelInput.robotShapes;
      this.#push(T.keptPoints, toNanoseconds(cloud.stamp), () => {
        const kept = perceiveCloud(cloud, perception, this.#keptPoints, shapes);
        // The model's input cloud, in yellow over the raw one (as `sim snapshot` draws it).
        return pointCloudMessage({ stamp: cloud.stamp, frameId: cloud.frameId, positions: kept.points, count: kept.kept > 0 ? this.#keptPoints : 0, colors: [255, 220, 0] });
      });
    }
    if (this.#wants(T.tf)) {
      const frames: LiveFrame[] = [...(linkFrames?.() ?? [])];
      const p = o.proprio;
      if (p !== undefined) frames.push({ parent: p.frameId, child: 'end_effector', pose: p.endEffector });
      if (frames.length > 0) this.#push(T.tf, toNanoseconds(o.stamp), () => frameTransformsMessage(o.stamp, frames));
    }
    const shapes = o.robotShapes;
    if (shapes !== undefined && this.#wants(T.robot)) this.#push(T.robot, toNanoseconds(shapes.stamp), () => robotShapesUpdate(shapes));
  }

  #publishGoal(goal: Observation): void {
    const stampNs = toNanoseconds(goal.stamp);
    const rgb = goal.rgb;
    if (rgb !== undefined && this.#wants(T.goalImage)) this.#push(T.goalImage, stampNs, () => imageMessage(rgb));
    const cloud = goal.points;
    if (cloud !== undefined && this.#wants(T.goalPoints)) this.#push(T.goalPoints, stampNs, () => pointCloudMessage({ ...cloud, colors: cloud.colors ?? [80, 120, 255] }));
  }

  /** Plan paths, goal and read-outs: the markers, and the read-out record beside them. */
  #planMarkers(o: Observation, plan: LiveTick['plan'], given: Float32Array | undefined): Record<string, unknown> {
    const model = this.#model!;
    const hand = o.proprio?.endEffector.position;
    const latent = given ?? encodeOrUndefined(model, o);
    const read = latent === undefined ? undefined : readLatent(model, latent, plan, this.#repeat);
    const objectPerceived = this.#perception === undefined ? undefined : perceivedObject(o, this.#perception);
    // Paths as the model predicts the hand to move, drawn from where the hand is (the read-out's bias cancels).
    const anchor = (points: readonly Vec3[]): Vec3[] => {
      if (hand === undefined || read?.hand === undefined) return [...points];
      const [h, r] = [hand, read.hand];
      return [hand, ...points.map((p): Vec3 => [h[0] + p[0] - r[0], h[1] + p[1] - r[1], h[2] + p[2] - r[2]])];
    };
    const goal = this.#goalReadout();
    const markers: PlanMarkers = {
      stamp: o.stamp,
      frameId: o.proprio?.frameId ?? o.points?.frameId ?? 'base_link',
      ...(read?.best === undefined ? {} : { best: { ...read.best, points: anchor(read.best.points) } }),
      ...(read?.elites === undefined ? {} : { elites: read.elites.map((e) => ({ ...e, points: anchor(e.points) })) }),
      ...(goal?.hand === undefined ? {} : { goalHand: goal.hand }),
      ...(goal === undefined ? {} : { goalObjects: goal.objects }),
      ...(read?.hand === undefined ? {} : { handRead: read.hand }),
      ...(hand === undefined ? {} : { handActual: hand }),
      ...(read?.object === undefined ? {} : { objectRead: read.object }),
      ...(objectPerceived === undefined ? {} : { objectPerceived }),
    };
    const error = (a: Vec3 | undefined, b: Vec3 | undefined): number | undefined => (a === undefined || b === undefined ? undefined : Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]));
    const xyz = (v: Vec3 | undefined): { x: number; y: number; z: number } | undefined => (v === undefined ? undefined : { x: v[0], y: v[1], z: v[2] });
    return {
      [T.planMarkers]: planSceneUpdate(markers),
      [T.readout]: {
        hand: { read: xyz(read?.hand), actual: xyz(hand), error: error(read?.hand, hand) },
        object: { read: xyz(read?.object), perceived: xyz(objectPerceived), error: error(read?.object, objectPerceived) },
        ...(goal?.hand === undefined ? {} : { goalHand: xyz(goal.hand) }),
      },
    };
  }

  /** The hand the model reads in the goal image and the objects in the goal's cloud, for the current weights. */
  #goalReadout(): { hand: Vec3 | undefined; objects: Vec3[] } | undefined {
    const goal = this.#goal;
    const model = this.#model;
    if (goal === undefined || model === undefined) return undefined;
    if (this.#goalRead?.version !== model.weightsVersion) {
      const latent = encodeOrUndefined(model, goal);
      const hand = latent === undefined ? undefined : readLatent(model, latent, undefined, 1).hand;
      const objects = this.#perception === undefined ? [] : restingObjects(goal, this.#perception);
      this.#goalRead = { version: model.weightsVersion, hand, objects };
    }
    return this.#goalRead;
  }
}

function encode(message: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(message));
}

function encodeOrUndefined(model: WorldModel, o: Observation): Float32Array | undefined {
  try {
    return model.encodeObservation(o);
  } catch (error) {
    if (error instanceof NoModalityError) return undefined;
    throw error;
  }
}

interface LatentReadout {
  readonly hand?: Vec3;
  readonly object?: Vec3;
  readonly best?: CostedPath;
  readonly elites?: CostedPath[];
}

/**
 * What the model reads in `latent` (the hand through the proprio head, the object through the
 * object head) and, given a plan, the hand along each predicted rollout of the best sequence
 * and the elites: one batched rollout, read back once.
 */
function readLatent(model: WorldModel, latent: Float32Array, plan: LiveTick['plan'], repeat: number): LatentReadout {
  const decode = model.decodeProprio;
  const D = latent.length;
  const indices = endEffectorIndices(model.config.proprio.dim);
  const sequences: Float32Array[] = [];
  const costs: number[] = [];
  if (plan !== undefined) {
    const { result } = plan;
    const step = result.horizon * result.actionDim;
    sequences.push(result.actions);
    costs.push(result.cost);
    const elites = result.elites;
    for (let k = 0; elites !== undefined && k < elites.costs.length; k++) {
      sequences.push(elites.actions.subarray(k * step, (k + 1) * step));
      costs.push(elites.costs[k]);
    }
  }
  const [handT, objectT, pathT] = tf.tidy(() => {
    const start = tf.tensor2d(latent, [1, D]);
    const handNow = decode === undefined ? undefined : tf.gather(decode(start), indices, 1);
    const objectNow = model.decodeObject?.(start);
    if (decode === undefined || plan === undefined) return [handNow, objectNow, undefined];
    const { horizon: H, actionDim: A } = plan.result;
    const B = sequences.length;
    const flat = new Float32Array(B * H * A);
    sequences.forEach((s, b) => flat.set(s, b * H * A));
    let actions = tf.tensor3d(flat, [B, H, A]);
    if (repeat > 1) actions = tf.reshape(tf.tile(tf.expandDims(actions, 2), [1, 1, repeat, 1]), [B, H * repeat, A]) as tf.Tensor3D;
    const states = model.rollout(tf.tile(start, [B, 1]) as tf.Tensor2D, actions);
    const steps = H * repeat;
    const hands = tf.gather(decode(tf.reshape(states, [B * steps, D]) as tf.Tensor2D), indices, 1);
    return [handNow, objectNow, hands];
  });
  try {
    const vec = (t: tf.Tensor | undefined): Vec3 | undefined => {
      if (t === undefined) return undefined;
      const v = t.dataSync();
      return [v[0], v[1], v[2]];
    };
    const out: { hand?: Vec3; object?: Vec3; best?: CostedPath; elites?: CostedPath[] } = {};
    const hand = vec(handT);
    if (hand !== undefined) out.hand = hand;
    const object = vec(objectT);
    if (object !== undefined) out.object = object;
    if (pathT !== undefined && plan !== undefined) {
      const v = pathT.dataSync();
      const steps = plan.result.horizon * repeat;
      const paths = sequences.map((_, b) => ({
        cost: costs[b],
        points: Array.from({ length: steps }, (_, k): Vec3 => [v[3 * (b * steps + k)], v[3 * (b * steps + k) + 1], v[3 * (b * steps + k) + 2]]),
      }));
      out.best = paths[0];
      out.elites = paths.slice(1);
    }
    return out;
  } finally {
    tf.dispose(([handT, objectT, pathT] as Array<tf.Tensor | undefined>).filter((t): t is tf.Tensor => t !== undefined));
  }
}

