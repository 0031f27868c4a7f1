/**
 * Speed of the world model and the planner as the product runs them (`jepa-agent bench model`):
 * one training step of the configured model (default: batch 32 of 64x64 RGB + 512-point cloud
 * + proprio + 64-point object view sequences, 3-step rollout), one CEM plan through its
 * predictor (default 512 samples x horizon 8 x 4 iterations), one frame's encoding; medians
 * after warm-up. bench/model_peer.py builds the same model in PyTorch 2.x (pip's build: MKL,
 * oneDNN), in a venv the bench creates once (peerVenv) or the interpreter `python` names, and
 * times the same three things at the same thread count, so one run gives the ratios.
 * Timings belong here, never in tests.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { makeActionSpace, modelConfigSchema, planConfigSchema, Rng, silentLogger, timestampFromSeconds } from '../src/core/index.js';
import type { Config, Logger, ModelConfig, ModelConfigInput, Observation, PlanConfig } from '../src/core/index.js';
import { initBackend, uninstallWasmKernelFixes } from '../src/model/engine/index.js';
import { selectPlanningEngine } from '../src/model/onnx/index.js';
import { batchFrames, needsObjectMotion, needsObjectPlace, Trainer, WorldModel } from '../src/model/index.js';
import type { ModelFrames, TrainingBatch } from '../src/model/index.js';
import { getPlanner, plannerConfig } from '../src/plan/index.js';
import type { LatentDynamics, PlannerConfig } from '../src/plan/index.js';

/** The speed targets of issue 3 on the 2-core reference machine. */
export const MODEL_BENCH_TARGETS = { trainStepRatioMax: 1.5, planMsMax: 100 } as const;

export interface ModelBenchOptions {
  /** Timed runs per figure; the median is reported (default 10). */
  readonly iterations?: number;
  /** Untimed runs before timing (default 3). */
  readonly warmup?: number;
  /** Sequences per training batch (default 32). */
  readonly batchSize?: number;
  /** Run the PyTorch peer (default true). */
  readonly peer?: boolean;
  /**
   * Interpreter of the peer, with torch importable. Default: the venv at `peerVenv()`
   * (created with `pip install torch numpy` on first use).
   */
  readonly python?: string;
  /** torch.set_num_threads of the peer (default: the threads of our tensor backend, engine.threads). */
  readonly torchThreads?: number;
  /**
   * A folder with an optimised libblas.so.3 (e.g. OpenBLAS's) put first on the peer's
   * LD_LIBRARY_PATH: Debian's torch calls whatever libblas.so.3 the loader finds, and the
   * reference BLAS makes its matMuls ~10x slower than OpenBLAS.
   */
  readonly peerBlas?: string;
  /** Replace the wasm kernel fixes by the shipped kernels (a before/after comparison). */
  readonly kernelFixes?: boolean;
  /** Run the wasm backend's native kernels on onnxruntime when it loads (default true; engine/nativeKernels.ts). */
  readonly nativeKernels?: boolean;
  /** Time the run's own plan config instead of BENCH_PLAN. */
  readonly runPlan?: boolean;
  /** Extra figures: train steps per modality, transformer predictor, EMA; MPPI and gradient plans. */
  readonly all?: boolean;
  /** Also profile the train step per kernel (tf.profile over `iterations` steps): `train_step_profile`. */
  readonly profile?: boolean;
  readonly logger?: Logger;
}

/** What the PyTorch peer prints (bench/model_peer.py). */
export interface PeerResult {
  readonly train_step_ms: number;
  readonly plan_ms: number;
  readonly encode_ms: number;
  readonly params_torch: number;
  readonly torch_version: string;
  readonly torch_threads: number;
  /** The BLAS library the peer process loaded. */
  readonly torch_blas: string;
}

export interface ModelBenchResult {
  readonly backend: string;
  /** Threads of the tensor backend (wasm: XNNPACK's thread pool). */
  readonly backend_threads: number;
  readonly kernel_fixes: readonly string[];
  /** Where the wasm backend's native kernels ran (large matMuls, PointNet's forward pass): onnxruntime or none, and why. */
  readonly native_kernels?: string;
  readonly native_kernels_reason?: string;
  readonly params_tfjs: number;
  readonly batch: number;
  readonly horizon: number;
  readonly iterations: number;
  readonly train_step_ms: number;
  /** CEM on the planning engine the run chose (engine.planning: onnxruntime when it loads). */
  readonly plan_ms: number;
  /** Which engine scored the plans above, and why. */
  readonly planning_engine: string;
  readonly planning_reason: string;
  /** The same plans on tfjs, when onnxruntime planned: the speed-up. */
  readonly plan_tfjs_ms?: number;
  readonly plan: { readonly planner: 'cem'; readonly samples: number; readonly horizon: number; readonly iterations: number; readonly predictions: number };
  /** One frame (every modality present) through the encoders and the fusion: the model's work, as the peer times it. */
  readonly encode_ms: number;
  /** The same encodings on tfjs, when onnxruntime encoded. */
  readonly encode_tfjs_ms?: number;
  /** One observation as the agent encodes it: packing, resampling and the perception stage included. */
  readonly encode_observation_ms: number;
  /** Tensors left behind by everything above (must be 0). */
  readonly leaked_tensors: number;
  readonly params_torch?: number;
  readonly torch_train_step_ms?: number;
  readonly torch_plan_ms?: number;
  readonly torch_encode_ms?: number;
  readonly torch_version?: string;
  readonly torch_threads?: number;
  readonly torch_blas?: string;
  /** The peer's interpreter. */
  readonly torch_python?: string;
  /** ours / torch, at the same thread count. */
  readonly ratio_train_step?: number;
  readonly ratio_plan?: number;
  /** plan_tfjs_ms / torch, when onnxruntime planned. */
  readonly ratio_plan_tfjs?: number;
  readonly ratio_encode?: number;
  /** Why the peer did not run. */
  readonly peer_skipped?: string;
  /** Why the peer failed (e.g. its parameter count differs: not the same model). */
  readonly peer_error?: string;
  readonly targets: {
    readonly train_step_ratio_max: number;
    readonly plan_ms_max: number;
    readonly train_step_ratio_met?: boolean;
    readonly plan_ms_met: boolean;
  };
  /** os.loadavg() before and after: other processes share the machine. */
  readonly loadavg_before: readonly number[];
  readonly loadavg_after: readonly number[];
  readonly extra?: Record<string, number>;
  readonly train_step_profile?: TrainStepProfile;
}

/** Where a train step's time goes, per tfjs kernel (forward and backward alike), averaged over the profiled steps. */
export interface TrainStepProfile {
  readonly steps: number;
  /** Wall time per step while profiled (the profiler adds a little). */
  readonly wall_ms: number;
  /** Sum of kernel times per step; the rest of wall_ms is JavaScript outside kernels (augmentation, packing, autodiff bookkeeping, dispatch). */
  readonly kernels_ms: number;
  readonly kernel_calls: number;
  /** Per kernel name, slowest first: ms per step, calls per step, share of wall_ms. */
  readonly by_kernel: ReadonlyArray<{ readonly kernel: string; readonly ms: number; readonly calls: number; readonly share: number }>;
  /** The slowest kernel + input shapes, ms per step. */
  readonly top_calls: ReadonlyArray<{ readonly kernel: string; readonly shapes: string; readonly ms: number; readonly calls: number }>;
}

const PEER_SCRIPT = fileURLToPath(new URL('../../bench/model_peer.py', import.meta.url));

/** The benchmark's planning budget (CEM 512 samples x horizon 8 x 4 iterations), whatever a run's defaults are. */
export const BENCH_PLAN = { samples: 512, horizon: 8, iterations: 4, elites: 64 } as const;

export async function benchModel(runConfig: Readonly<Config>, options: ModelBenchOptions = {}): Promise<ModelBenchResult> {
  const config: Readonly<Config> = options.runPlan ? runConfig : { ...runConfig, plan: { ...runConfig.plan, ...BENCH_PLAN } };
  const logger = (options.logger ?? silentLogger).child({ component: 'bench-model' });
  const iterations = options.iterations ?? 10;
  const warmup = options.warmup ?? 3;
  const batchSize = options.batchSize ?? 32;
  if (!(Number.isInteger(iterations) && iterations >= 1)) throw new RangeError(`bench model: iterations must be an integer >= 1, got ${iterations}`);
  if (!(Number.isInteger(warmup) && warmup >= 0)) throw new RangeError(`bench model: warmup must be an integer >= 0, got ${warmup}`);
  if (!(Number.isInteger(batchSize) && batchSize >= 2)) throw new RangeError(`bench model: batch size must be an integer >= 2, got ${batchSize}`);
  const loadBefore = loadavg();

  const description = await initBackend({
    backend: config.engine.backend,
    threads: config.engine.threads,
    planning: config.engine.planning,
    nativeKernels: options.nativeKernels ?? true,
    logger,
  });
  if (options.kernelFixes === false) uninstallWasmKernelFixes();
  const kernelFixes = options.kernelFixes === false ? [] : description.kernelFixes;
  const time = <T>(f: () => T): number => medianMs(f, warmup, iterations);
  const tensorsBefore = tf.memory().numTensors;
  const rng = new Rng(config.seed).fork('bench-model');
  const cfg = config.model;

  logger.info('timing the training step', { batch: batchSize, horizon: cfg.horizon });
  const train = trainStepMs(cfg, batchSize, rng.fork('batch'), time);
  let profile: TrainStepProfile | undefined;
  if (options.profile === true) {
    logger.info('profiling the training step per kernel', { steps: iterations });
    profile = await profileTrainStep(cfg, batchSize, rng.fork('profile'), warmup, iterations);
  }

  const model = new WorldModel(cfg, { seed: 1 });
  const space = eeDeltaSpace(config, cfg.actionDim);
  const plan: PlanConfig = { ...config.plan, planner: 'cem' };
  logger.info('timing CEM', { samples: plan.samples, horizon: plan.horizon, iterations: plan.iterations });
  const cem = planMs(model, plannerConfig(plan, space), rng.fork('plan'), warmup, iterations);
  const planning = description.planning ?? { engine: 'tfjs', reason: 'no engine.planning given', threads: 1 };
  let planTfjsMs: number | undefined;
  if (planning.engine === 'onnxruntime') {
    logger.info('timing CEM on tfjs too');
    selectPlanningEngine('tfjs');
    planTfjsMs = planMs(model, plannerConfig(plan, space), rng.fork('plan'), warmup, iterations).ms;
    selectPlanningEngine(config.engine.planning, planning.threads);
  }
  logger.info('timing one frame encoding');
  const frame = syntheticFrames(cfg, 1, rng.fork('frame'));
  const encodeMs = time(() => {
    const state = model.encodeFrames(frame);
    const out = Float32Array.from(state.dataSync());
    state.dispose();
    return out;
  });
  let encodeTfjsMs: number | undefined;
  if (planning.engine === 'onnxruntime') {
    selectPlanningEngine('tfjs');
    encodeTfjsMs = time(() => {
      const state = model.encodeFrames(frame);
      const out = Float32Array.from(state.dataSync());
      state.dispose();
      return out;
    });
    selectPlanningEngine(config.engine.planning, planning.threads);
  }
  const obs = observation(cfg, rng.fork('observation'));
  const encodeObservationMs = time(() => model.encodeObservation(obs));

  let extra: Record<string, number> | undefined;
  if (options.all === true) extra = extraFigures(config, model, space, batchSize, rng.fork('extra'), time, warmup, iterations, logger);
  model.dispose();
  const leaked = tf.memory().numTensors - tensorsBefore;

  const tfjs = {
    backend: description.backend,
    backend_threads: description.threads,
    kernel_fixes: kernelFixes,
    ...(description.native === undefined
      ? {}
      : { native_kernels: description.native.engine === 'onnxruntime' ? `onnxruntime ${description.native.version ?? ''}`.trim() : 'none', native_kernels_reason: description.native.reason }),
    params_tfjs: train.parameters,
    batch: batchSize,
    horizon: cfg.horizon,
    iterations,
    train_step_ms: round(train.ms),
    plan_ms: round(cem.ms),
    planning_engine: planning.engine === 'onnxruntime' ? `onnxruntime ${planning.version ?? ''} (${planning.threads} thread${planning.threads === 1 ? '' : 's'})`.replace('  ', ' ') : 'tfjs',
    planning_reason: planning.reason,
    ...(planTfjsMs === undefined ? {} : { plan_tfjs_ms: round(planTfjsMs) }),
    plan: { planner: 'cem' as const, samples: plan.samples, horizon: plan.horizon, iterations: plan.iterations, predictions: cem.predictions },
    encode_ms: round(encodeMs, 2),
    ...(encodeTfjsMs === undefined ? {} : { encode_tfjs_ms: round(encodeTfjsMs, 2) }),
    encode_observation_ms: round(encodeObservationMs, 2),
    leaked_tensors: leaked,
  };

  const torchThreads = options.torchThreads ?? description.threads;
  const peer = options.peer === false ? { skipped: 'disabled (--no-peer)' } : await runPeer(config, { ...options, torchThreads }, {
    batchSize,
    iterations,
    warmup,
    low: Array.from(space.low),
    high: Array.from(space.high),
    paramsTfjs: train.parameters,
  }, logger);

  const result: ModelBenchResult = {
    ...tfjs,
    ...(peer.result === undefined
      ? {}
      : {
          params_torch: peer.result.params_torch,
          torch_train_step_ms: peer.result.train_step_ms,
          torch_plan_ms: peer.result.plan_ms,
          torch_encode_ms: peer.result.encode_ms,
          torch_version: peer.result.torch_version,
          torch_threads: peer.result.torch_threads,
          torch_blas: peer.result.torch_blas,
          ...(peer.python === undefined ? {} : { torch_python: peer.python }),
          ratio_train_step: round(tfjs.train_step_ms / peer.result.train_step_ms, 2),
          ratio_plan: round(tfjs.plan_ms / peer.result.plan_ms, 2),
          ...(planTfjsMs === undefined ? {} : { ratio_plan_tfjs: round(planTfjsMs / peer.result.plan_ms, 2) }),
          ratio_encode: round(tfjs.encode_ms / peer.result.encode_ms, 2),
        }),
    ...(peer.skipped === undefined ? {} : { peer_skipped: peer.skipped }),
    ...(peer.error === undefined ? {} : { peer_error: peer.error }),
    targets: {
      train_step_ratio_max: MODEL_BENCH_TARGETS.trainStepRatioMax,
      plan_ms_max: MODEL_BENCH_TARGETS.planMsMax,
      ...(peer.result === undefined
        ? {}
        : { train_step_ratio_met: tfjs.train_step_ms / peer.result.train_step_ms <= MODEL_BENCH_TARGETS.trainStepRatioMax }),
      plan_ms_met: tfjs.plan_ms <= MODEL_BENCH_TARGETS.planMsMax,
    },
    loadavg_before: loadBefore.map((x) => round(x, 2)),
    loadavg_after: loadavg().map((x) => round(x, 2)),
    ...(extra === undefined ? {} : { extra }),
    ...(profile === undefined ? {} : { train_step_profile: profile }),
  };
  return result;
}

/** Median wall time in ms of `f` over `iterations` runs after `warmup` untimed ones. */
function medianMs(f: () => unknown, warmup: number, iterations: number): number {
  for (let i = 0; i < warmup; i++) f();
  const runs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    f();
    runs.push(performance.now() - start);
  }
  return median(runs);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** B sequences of H + 1 frames of seeded random content, every modality present. */
export function syntheticBatch(config: ModelConfigInput | ModelConfig, batchSize: number, rng: Rng): TrainingBatch {
  const cfg = modelConfigSchema.parse(config);
  const h = cfg.horizon;
  const frames = batchSize * (h + 1);
  const s = cfg.image.size;
  const rgb = new Uint8Array(frames * s * s * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = rng.int(0, 256);
  return {
    batchSize,
    horizon: h,
    rgb,
    points: rng.fillNormal(new Float32Array(frames * cfg.points.count * 3)),
    proprio: rng.fillNormal(new Float32Array(frames * cfg.proprio.dim)),
    // Object views centred on the object (a few cm across) and the object head's labels.
    ...(cfg.modalities.object ? { object: scaled(rng.fillNormal(new Float32Array(frames * cfg.objectView.count * 3)), 0.03) } : {}),
    ...(needsObjectPlace(cfg) ? { objectPlace: scaled(rng.fillNormal(new Float32Array(frames * 3)), 0.1) } : {}),
    ...(needsObjectMotion(cfg) ? { objectMotion: scaled(rng.fillNormal(new Float32Array(frames * 3)), 0.01) } : {}),
    actions: rng.fillUniform(new Float32Array(batchSize * h * cfg.actionDim), -1, 1),
  };
}

/** `count` frames of seeded random content with every modality present, packed as the model reads them. */
export function syntheticFrames(config: ModelConfig, count: number, rng: Rng): ModelFrames {
  const batch = syntheticBatch({ ...config, horizon: 1 }, 2, rng);
  const frames = batchFrames(batch, modelConfigSchema.parse({ ...config, horizon: 1 }));
  const s = config.image.size;
  const take = <T extends Uint8Array | Float32Array>(x: T | undefined, per: number): T | undefined => (x === undefined ? undefined : (x.slice(0, count * per) as T));
  if (count > frames.count) throw new RangeError(`syntheticFrames: at most ${frames.count} frames, asked for ${count}`);
  const rgb = take(frames.rgb, s * s * 3);
  const points = take(frames.points, config.points.count * 3);
  const proprio = take(frames.proprio, config.proprio.dim);
  const object = take(frames.object, config.objectView.count * 3);
  return {
    count,
    ...(rgb === undefined ? {} : { rgb }),
    ...(points === undefined ? {} : { points }),
    pointCount: config.points.count,
    ...(proprio === undefined ? {} : { proprio }),
    ...(object === undefined ? {} : { object }),
  };
}

function scaled(x: Float32Array, k: number): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] *= k;
  return x;
}

function trainStepMs(
  config: ModelConfigInput | ModelConfig,
  batchSize: number,
  rng: Rng,
  time: (f: () => unknown) => number,
): { ms: number; parameters: number } {
  const model = new WorldModel(config, { seed: 1 });
  const trainer = new Trainer(model);
  try {
    const batch = syntheticBatch(config, batchSize, rng);
    return { ms: time(() => trainer.trainStep(batch)), parameters: model.params.trainableSize() };
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

/** tf.profile over `steps` train steps after `warmup`, folded per kernel and per kernel + shapes. */
async function profileTrainStep(config: ModelConfig, batchSize: number, rng: Rng, warmup: number, steps: number): Promise<TrainStepProfile> {
  const model = new WorldModel(config, { seed: 1 });
  const trainer = new Trainer(model);
  try {
    const batch = syntheticBatch(config, batchSize, rng);
    for (let i = 0; i < warmup; i++) trainer.trainStep(batch);
    const byKernel = new Map<string, { ms: number; calls: number }>();
    const byCall = new Map<string, { kernel: string; shapes: string; ms: number; calls: number }>();
    let wall = 0;
    for (let i = 0; i < steps; i++) {
      const start = performance.now();
      const info = await tf.profile(() => {
        trainer.trainStep(batch);
      });
      wall += performance.now() - start;
      for (const k of info.kernels) {
        // tf.profile also lists the scopes of custom ops and customGrad ('unnamed scope', 'forward'), whose kernels it lists as well.
        if (tf.getKernel(k.name, tf.getBackend()) === undefined) continue;
        const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
        const a = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
        byKernel.set(k.name, { ms: a.ms + ms, calls: a.calls + 1 });
        const shapes = k.inputShapes.map((sh: number[] | null) => (sh === null ? '-' : `[${sh.join(',')}]`)).join(' ');
        const key = `${k.name} ${shapes}`;
        const c = byCall.get(key) ?? { kernel: k.name, shapes, ms: 0, calls: 0 };
        byCall.set(key, { ...c, ms: c.ms + ms, calls: c.calls + 1 });
      }
    }
    const wallMs = wall / steps;
    const kernels = [...byKernel.entries()].map(([kernel, v]) => ({ kernel, ms: v.ms / steps, calls: v.calls / steps })).sort((a, b) => b.ms - a.ms);
    const kernelsMs = kernels.reduce((t, k) => t + k.ms, 0);
    return {
      steps,
      wall_ms: round(wallMs),
      kernels_ms: round(kernelsMs),
      kernel_calls: Math.round(kernels.reduce((t, k) => t + k.calls, 0)),
      by_kernel: kernels.map((k) => ({ kernel: k.kernel, ms: round(k.ms, 2), calls: round(k.calls, 1), share: round(k.ms / wallMs, 3) })),
      top_calls: [...byCall.values()].sort((a, b) => b.ms - a.ms).slice(0, 25).map((c) => ({ kernel: c.kernel, shapes: c.shapes, ms: round(c.ms / steps, 2), calls: round(c.calls / steps, 1) })),
    };
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

/**
 * Median wall time of whole plans (validation, sampling, rollouts, read-back), each from a new
 * random start latent and warm-started from the previous plan, as in the control loop.
 */
function planMs(
  model: LatentDynamics,
  config: PlannerConfig,
  rng: Rng,
  warmup: number,
  iterations: number,
): { ms: number; predictions: number } {
  const planner = getPlanner(config.planner);
  const plannerRng = rng.fork('planner');
  const goal = rng.fillNormal(new Float32Array(model.latentDim));
  let warm: Float32Array | undefined;
  let predictions = 0;
  const ms = medianMs(
    () => {
      const result = planner(model, rng.fillNormal(new Float32Array(model.latentDim)), goal, config, plannerRng, warm);
      warm = result.actions;
      predictions = result.predictions;
    },
    warmup,
    iterations,
  );
  return { ms, predictions };
}

/** The sim's ee_delta action space (dx, dy, dz in metres, gripper -1..1) when it has the model's action size. */
function eeDeltaSpace(config: Readonly<Config>, actionDim: number): { low: Float32Array; high: Float32Array } {
  if (actionDim === 4) {
    const e = config.sim.maxEeDelta;
    const space = makeActionSpace('ee_delta', ['dx', 'dy', 'dz', 'gripper'], [-e, -e, -e, -1], [e, e, e, 1]);
    return { low: Float32Array.from(space.low), high: Float32Array.from(space.high) };
  }
  return { low: new Float32Array(actionDim).fill(-1), high: new Float32Array(actionDim).fill(1) };
}

/** One observation at the model's sizes: RGB, a point cloud and a 7-joint arm's proprioception. */
function observation(config: ModelConfig, rng: Rng): Observation {
  const stamp = timestampFromSeconds(0);
  const header = { stamp, frameId: 'bench' };
  const s = config.image.size;
  const n = config.points.count;
  const joints = Math.min(7, (config.proprio.dim - 4) / 2);
  const data = new Uint8Array(s * s * 3);
  for (let i = 0; i < data.length; i++) data[i] = rng.int(0, 256);
  return {
    stamp,
    rgb: { ...header, width: s, height: s, data },
    points: { ...header, count: n, positions: rng.fillNormal(new Float32Array(n * 3)) },
    proprio: {
      ...header,
      jointNames: Array.from({ length: joints }, (_, j) => `j${j + 1}`),
      positions: Float64Array.from({ length: joints }, () => rng.uniform(-1, 1)),
      velocities: Float64Array.from({ length: joints }, () => rng.uniform(-0.1, 0.1)),
      endEffector: { position: [0.4, 0, 0.3], quaternion: [1, 0, 0, 0] },
      gripper: 1,
    },
  };
}

/** `--all`: train-step variants, the predictor alone on a plan's rows, MPPI and the gradient planner. */
function extraFigures(
  config: Readonly<Config>,
  model: WorldModel,
  space: { low: Float32Array; high: Float32Array },
  batchSize: number,
  rng: Rng,
  time: (f: () => unknown) => number,
  warmup: number,
  iterations: number,
  logger: Logger,
): Record<string, number> {
  const base = config.model;
  const only = (m: 'rgb' | 'points' | 'proprio'): ModelConfig =>
    modelConfigSchema.parse({ ...base, modalities: { rgb: m === 'rgb', points: m === 'points', proprio: m === 'proprio' } });
  const variants: Record<string, ModelConfig> = {
    train_step_rgb_only_ms: only('rgb'),
    train_step_points_only_ms: only('points'),
    train_step_proprio_only_ms: only('proprio'),
    train_step_transformer_ms: modelConfigSchema.parse({ ...base, predictor: { kind: 'transformer', history: 3, width: 128 } }),
    train_step_ema_ms: modelConfigSchema.parse({ ...base, ema: { enabled: true } }),
  };
  const out: Record<string, number> = {};
  for (const [name, cfg] of Object.entries(variants)) {
    logger.info(`timing ${name}`);
    out[name] = round(trainStepMs(cfg, batchSize, rng.fork(name), time).ms);
  }
  // The predictor alone on a CEM plan's rows (samples x horizon x iterations): the floor under plan_ms.
  const { samples, horizon, iterations: rounds } = config.plan;
  const states = tf.tensor2d(rng.fillNormal(new Float32Array(samples * model.latentDim)), [samples, model.latentDim]);
  const actions = tf.tensor2d(rng.fillUniform(new Float32Array(samples * model.actionDim), -1, 1), [samples, model.actionDim]);
  out.plan_predictor_floor_ms = round(
    time(() =>
      tf.tidy(() => {
        let x = states;
        for (let k = 0; k < horizon * rounds; k++) x = model.predict(x, actions);
        x.dataSync();
      }),
    ),
  );
  tf.dispose([states, actions]);
  for (const planner of ['mppi', 'gradient'] as const) {
    logger.info(`timing ${planner}`);
    const cfg = plannerConfig(planConfigSchema.parse({ ...config.plan, planner }), space);
    out[`${planner}_plan_ms`] = round(planMs(model, cfg, rng.fork(planner), warmup, iterations).ms);
  }
  return out;
}

interface PeerOutcome {
  readonly result?: PeerResult;
  readonly python?: string;
  readonly skipped?: string;
  readonly error?: string;
}

/**
 * Where the bench keeps the peer's PyTorch: a venv under the user's cache
 * ($XDG_CACHE_HOME or ~/.cache, then jepa-agent/torch-venv), created on first use with
 * `python3 -m venv` and `pip install torch numpy` (pip's torch 2.x: MKL and oneDNN, what a
 * PyTorch user runs). JEPA_AGENT_TORCH_VENV overrides the folder.
 */
export function peerVenv(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JEPA_AGENT_TORCH_VENV !== undefined && env.JEPA_AGENT_TORCH_VENV !== '') return env.JEPA_AGENT_TORCH_VENV;
  const cache = env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(cache, 'jepa-agent', 'torch-venv');
}

/** The interpreter of the venv, after creating it (venv + pip install) when it is missing; a reason when that fails. */
async function ensurePeerVenv(venv: string, logger: Logger): Promise<{ python: string } | { skipped: string }> {
  const python = join(venv, 'bin', 'python');
  if (existsSync(python)) return { python };
  logger.info('creating the PyTorch venv of the peer (once; pip install torch numpy)', { venv });
  mkdirSync(dirname(venv), { recursive: true });
  const steps: Array<[string, string[]]> = [
    ['python3', ['-m', 'venv', venv]],
    [python, ['-m', 'pip', 'install', '--disable-pip-version-check', 'torch', 'numpy']],
  ];
  for (const [cmd, args] of steps) {
    const code = await new Promise<string | undefined>((resolve) => {
      const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
      child.on('error', (error) => resolve(error.message));
      child.on('close', (status) => resolve(status === 0 ? undefined : `exit status ${status}: ${stderr.trim().split('\n').slice(-2).join(' | ')}`));
    });
    if (code !== undefined) return { skipped: `could not create the peer's venv ${venv} (${cmd} ${args.join(' ')}: ${code}); point --python at an interpreter with torch` };
  }
  return { python };
}

/** Spawns bench/model_peer.py with the same model, plan and batch; skips when torch does not import. */
async function runPeer(
  config: Readonly<Config>,
  options: ModelBenchOptions & { readonly torchThreads: number },
  spec: Record<string, unknown>,
  logger: Logger,
): Promise<PeerOutcome> {
  if (config.model.fusion.kind === 'concat') {
    return { skipped: "bench/model_peer.py mirrors model.fusion.kind 'gated' (the default) and 'precision', not 'concat'" };
  }
  let python = options.python;
  if (python === undefined) {
    const venv = await ensurePeerVenv(peerVenv(), logger);
    if ('skipped' in venv) return { skipped: venv.skipped };
    python = venv.python;
  }
  const threads = options.torchThreads;
  // BLAS thread pools (OpenBLAS's, MKL's) held to the same count as torch's.
  const env: NodeJS.ProcessEnv = { OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), ...process.env };
  if (options.peerBlas !== undefined) {
    env.LD_LIBRARY_PATH = [options.peerBlas, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  }
  const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000, env });
  if (probe.error !== undefined) return { skipped: `${python} could not run: ${probe.error.message}` };
  if (probe.status !== 0) {
    const why = probe.stderr.trim().split('\n').pop() ?? `exit status ${probe.status}`;
    return { skipped: `${python} -c "import torch" failed: ${why}` };
  }
  const version = probe.stdout.trim();
  if (!/^[2-9]\./.test(version)) logger.warn('the peer runs a PyTorch older than 2.x: not what a PyTorch user runs', { python, version });
  logger.info('running the PyTorch peer', { python, version, threads, script: PEER_SCRIPT });
  const input = JSON.stringify({ ...spec, model: config.model, plan: config.plan, threads, seed: config.seed });
  return new Promise<PeerOutcome>((resolve) => {
    const child = spawn(python, [PEER_SCRIPT], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30 * 60_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ error: `${python} ${PEER_SCRIPT}: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      if (code !== 0) {
        resolve({ error: `${PEER_SCRIPT} exited with ${code ?? signal}${tail === '' ? '' : `: ${tail}`}` });
        return;
      }
      try {
        resolve({ python, result: JSON.parse(stdout.trim().split('\n').pop() ?? '') as PeerResult });
      } catch (error) {
        resolve({ error: `${PEER_SCRIPT} printed no JSON object (${(error as Error).message}): ${stdout.slice(0, 200)}` });
      }
    });
    child.stdin.end(input);
  });
}
