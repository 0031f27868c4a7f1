import type { SplitName, TaskName } from '../../core/config/simConfig.js';
import type { Logger } from '../../core/Logger.js';
import { silentLogger } from '../../core/Logger.js';
import { Rng } from '../../core/Rng.js';
import { predictionErrorPerHorizon } from './predictionErrorPerHorizon.js';
import type { HorizonError } from './predictionErrorPerHorizon.js';
import { scriptedPolicy } from '../../sim/scriptedPolicy.js';
import type { SimEnv, TrueState } from '../../sim/SimEnv.js';
import { babbleEpisodes } from '../common/babble.js';
import type { BabbleEpisode, BabbleOptions } from '../common/babble.js';
import { objectMotionPerHorizon } from './objectMotion.js';
import type { ObjectMotionCell } from './objectMotion.js';
import { encodeLatents } from '../common/encodeLatents.js';
import type { Latents } from '../common/encodeLatents.js';
import { MODEL_MODALITIES } from '../../model/frames.js';
import type { ModelFrames } from '../../model/frames.js';
import type { ExperimentModels } from '../common/experimentModels.js';
import { fitInputStats } from '../common/experimentModels.js';
import { packFrames } from '../../learn/packFrames.js';
import { fitRidge } from '../common/ridge.js';
import { fitStandardizer, meanStd, rowDistances, rSquared } from '../common/stats.js';

export interface PredictOptions {
  /** Open-loop prediction steps measured (1..horizon). */
  readonly horizon: number;
  /** Splits tested (held-out episodes); probes are always fitted on separate training-split episodes. */
  readonly splits: readonly SplitName[];
  /** Babbling episodes the pose probes are fitted on (training split). */
  readonly fitEpisodes: number;
  /** Held-out babbling episodes per tested split. */
  readonly testEpisodes: number;
  /**
   * Push episodes per tested split acted by the true-state scripted pusher (a labelled data
   * source, so that the object moves): how well the model foresees the object moving (objectMotion).
   */
  readonly pushEpisodes: number;
  /** Actions per push episode (the pusher first goes behind the object); the sim's episode length when omitted. */
  readonly pushSteps?: number;
  /** Actions per episode. */
  readonly steps: number;
  readonly tasks: readonly TaskName[];
  readonly holdSteps: number;
  readonly seed: number;
  readonly logger?: Logger;
  readonly onProgress?: (done: number, total: number, line: string) => void;
}

export type PredictEncoder = 'trained' | 'random';

/** Latent prediction error at one horizon, normalised by the latents' variance (1 = as far as two random states' spread). */
export interface HorizonCell extends HorizonError {
  readonly encoder: PredictEncoder;
  readonly split: SplitName;
}

/** A linear read-out of true state from a frozen latent. */
export type PoseCell = PositionCell | YawCell;

export interface PositionCell {
  readonly representation: string;
  readonly target: 'object' | 'end effector';
  readonly split: SplitName;
  readonly r2: number;
  /** Mean Euclidean error, centimetres, and its std over frames. */
  readonly errorCm: number;
  readonly errorCmStd: number;
  readonly frames: number;
}

/** The object's yaw read out as (sin, cos): R² over both, and the angle error. Symmetric shapes make yaw ambiguous. */
export interface YawCell {
  readonly representation: string;
  readonly target: 'object yaw';
  readonly split: SplitName;
  readonly r2: number;
  /** Mean absolute angle error, degrees, and its std over frames. */
  readonly errorDeg: number;
  readonly errorDegStd: number;
  readonly frames: number;
}

export type MeanBaselineCell =
  | { readonly target: 'object' | 'end effector'; readonly split: SplitName; readonly errorCm: number }
  | { readonly target: 'object yaw'; readonly split: SplitName; readonly errorDeg: number };

export interface PredictReport {
  readonly horizons: readonly HorizonCell[];
  readonly poses: readonly PoseCell[];
  /** Predicting the fit set's mean position: the floor of the pose probes. */
  readonly meanBaseline: readonly MeanBaselineCell[];
  /** The trained model's object head on predicted states during scripted pushes, per split and horizon (none without an object head). */
  readonly objectMotion: readonly ObjectMotionCell[];
  readonly data: { fitFrames: number; testFrames: Readonly<Record<string, number>> };
  readonly options: Omit<PredictOptions, 'logger' | 'onProgress'>;
}

const FIT_SEED = 21_000_000;
const TEST_SEED = 22_000_000;
const PUSH_SEED = 23_000_000;

/**
 * How much of the world the representation holds and how well the predictor moves it:
 * (1) open-loop latent prediction error for horizons 1..H on held-out babbling sequences of
 * the training split and of unseen splits, against the copy-last baseline; (2) ridge probes
 * from frozen latents to the true object position and end-effector position (R^2, error in
 * cm) and to the object's yaw as (sin, cos) (R^2, angle error in degrees), for the trained and a random encoder of the same architecture.
 */
export function runPredictExperiment(env: SimEnv, models: ExperimentModels, options: PredictOptions): PredictReport {
  const logger = options.logger ?? silentLogger;
  const config = models.trained.config;
  const rng = new Rng(options.seed).fork('predict');
  const total = options.fitEpisodes + (options.testEpisodes + options.pushEpisodes) * options.splits.length + 1;
  let done = 0;
  const tick = (line: string): void => options.onProgress?.(++done, total, line);
  const collect = (split: SplitName, episodes: number, seedBase: number, actor?: BabbleOptions['actor']): BabbleEpisode[] =>
    babbleEpisodes(env, config, {
      episodes,
      ...(actor === undefined ? { steps: options.steps } : options.pushSteps === undefined ? {} : { steps: options.pushSteps }),
      tasks: actor === undefined ? options.tasks : ['push'],
      ...(actor === undefined ? {} : { actor }),
      split,
      seedBase,
      holdSteps: options.holdSteps,
      rng: rng.fork(`${split}:${seedBase}`),
      onEpisode: (e, n) => tick(`${split} episode ${e}/${n}`),
    });
  const fit = collect('train', options.fitEpisodes, FIT_SEED + options.seed * 1000);
  const tests = options.splits.map((split, i) => ({ split, episodes: collect(split, options.testEpisodes, TEST_SEED + i * 100_000 + options.seed * 1000) }));
  const pusher = (): ((state: TrueState) => Float32Array) => {
    const policy = scriptedPolicy('push', env.actionSpace);
    return (state) => policy.act(state);
  };
  const pushes = options.pushEpisodes === 0 ? [] : options.splits.map((split, i) => ({ split, episodes: collect(split, options.pushEpisodes, PUSH_SEED + i * 100_000 + options.seed * 1000, pusher) }));
  const objectMotion = pushes.flatMap((p) =>
    objectMotionPerHorizon(models.trained, p.split, p.episodes, encodeLatents(models.trained, packFrames(p.episodes.flatMap((e) => e.frames), config)), options.horizon),
  );

  const fitFrames = packFrames(fit.flatMap((e) => e.frames), config);
  fitInputStats(models.random, fitFrames, Float32Array.from(fit.flatMap((e) => e.actions.flatMap((a) => Array.from(a)))));

  const horizons: HorizonCell[] = [];
  const poses: PoseCell[] = [];
  const meanBaseline: MeanBaselineCell[] = [];
  const targets = [
    { target: 'object' as const, of: (e: BabbleEpisode) => e.object },
    { target: 'end effector' as const, of: (e: BabbleEpisode) => e.tool },
  ];
  const concat = (eps: readonly BabbleEpisode[], of: (e: BabbleEpisode) => Float64Array): Float64Array => {
    const out = new Float64Array(eps.reduce((n, e) => n + of(e).length, 0));
    let at = 0;
    for (const e of eps) {
      out.set(of(e), at);
      at += of(e).length;
    }
    return out;
  };

  for (const [encoder, model] of [['trained', models.trained], ['random', models.random]] as const) {
    const fitLatents = encodeLatents(model, fitFrames);
    const testLatents = tests.map((t) => ({ split: t.split, episodes: t.episodes, latents: encodeLatents(model, packFrames(t.episodes.flatMap((e) => e.frames), config)) }));
    // The fused state of the same frames without proprioception: what a goal image gives the planner.
    const cameras = model.modalities.includes('proprio') && model.modalities.length > 1
      ? new Map<string, Float32Array>([
          ['fit', encodeLatents(model, camerasOnly(fitFrames)).state],
          ...tests.map((t): [string, Float32Array] => [t.split, encodeLatents(model, camerasOnly(packFrames(t.episodes.flatMap((e) => e.frames), config))).state]),
        ])
      : undefined;
    const reps = representations(fitLatents, cameras);
    // (1) multi-step prediction, per split
    for (const t of testLatents) {
      horizons.push(...predictionErrorPerHorizon(model, t.episodes, t.latents, options.horizon).map((h) => ({ encoder, split: t.split, ...h })));
    }
    // (2) pose probes
    for (const [name, pick, dim] of reps) {
      const x = pick(fitLatents, 'fit');
      const n = fitLatents.count;
      const std = fitStandardizer(x, n, dim);
      const xz = std.apply(x, n);
      const groups = Int32Array.from(fit.flatMap((e, i) => e.frames.map(() => i)));
      for (const { target, of } of targets) {
        const y = concat(fit, of);
        const probe = fitRidge(xz, n, dim, y, 3, { groups });
        for (const t of testLatents) {
          const m = t.latents.count;
          const pred = probe.predict(std.apply(pick(t.latents, t.split), m), m);
          const truth = concat(t.episodes, of);
          const err = meanStd(rowDistances(pred, truth, m, 3));
          poses.push({ representation: `${encoder} ${name}`, target, split: t.split, r2: rSquared(pred, truth, m, 3), errorCm: 100 * err.mean, errorCmStd: 100 * err.std, frames: m });
        }
      }
      // Yaw as (sin, cos): continuous across the ±180° wrap, which a probe on the angle is not.
      const yawProbe = fitRidge(xz, n, dim, yawTargets(concatYaw(fit)), 2, { groups });
      for (const t of testLatents) {
        const m = t.latents.count;
        const pred = yawProbe.predict(std.apply(pick(t.latents, t.split), m), m);
        const yaw = concatYaw(t.episodes);
        const err = meanStd(angleErrorsDeg(pred, yaw));
        poses.push({ representation: `${encoder} ${name}`, target: 'object yaw', split: t.split, r2: rSquared(pred, yawTargets(yaw), m, 2), errorDeg: err.mean, errorDegStd: err.std, frames: m });
      }
    }
    logger.info('predict: encoder measured', { encoder });
  }
  for (const { target, of } of targets) {
    const y = concat(fit, of);
    const n = y.length / 3;
    const mean = [0, 1, 2].map((j) => y.filter((_, i) => i % 3 === j).reduce((s, v) => s + v, 0) / n);
    for (const t of tests) {
      const truth = concat(t.episodes, of);
      const m = truth.length / 3;
      const pred = new Float64Array(m * 3).map((_, i) => mean[i % 3]);
      meanBaseline.push({ target, split: t.split, errorCm: 100 * meanStd(rowDistances(pred, truth, m, 3)).mean });
    }
  }
  const fitYaw = yawTargets(concatYaw(fit));
  const meanYaw = [0, 1].map((j) => fitYaw.filter((_, i) => i % 2 === j).reduce((s, v) => s + v, 0));
  for (const t of tests) {
    const yaw = concatYaw(t.episodes);
    const pred = new Float64Array(yaw.length * 2).map((_, i) => meanYaw[i % 2]);
    meanBaseline.push({ target: 'object yaw', split: t.split, errorDeg: meanStd(angleErrorsDeg(pred, yaw)).mean });
  }
  tick('probes fitted');
  const { logger: _l, onProgress: _p, ...recorded } = options;
  return {
    horizons,
    poses,
    meanBaseline,
    objectMotion,
    data: { fitFrames: fitFrames.count, testFrames: Object.fromEntries(tests.map((t) => [t.split, t.episodes.reduce((n, e) => n + e.frames.length, 0)])) },
    options: recorded,
  };
}

function concatYaw(eps: readonly BabbleEpisode[]): Float64Array {
  return Float64Array.from(eps.flatMap((e) => Array.from(e.objectYaw)));
}

/** [n, 2] rows (sin yaw, cos yaw). */
function yawTargets(yaw: Float64Array): Float64Array {
  const out = new Float64Array(yaw.length * 2);
  yaw.forEach((a, i) => {
    out[2 * i] = Math.sin(a);
    out[2 * i + 1] = Math.cos(a);
  });
  return out;
}

/** Absolute difference, degrees in [0, 180], between the angle of each predicted (sin, cos) row and the true yaw. */
export function angleErrorsDeg(predicted: ArrayLike<number>, yaw: ArrayLike<number>): Float64Array {
  if (predicted.length !== 2 * yaw.length) throw new RangeError(`angleErrorsDeg: ${predicted.length} predicted values for ${yaw.length} angles, expected ${2 * yaw.length}`);
  return Float64Array.from(yaw, (a, i) => {
    const d = Math.atan2(predicted[2 * i], predicted[2 * i + 1]) - a;
    return (180 / Math.PI) * Math.abs(Math.atan2(Math.sin(d), Math.cos(d)));
  });
}

/** How a representation is read: from the latents of some frames, or by the split they come from ('fit' for the probe's own). */
type Pick = (x: Latents, split: string) => Float32Array;

/**
 * Each representation probed: a name, how to read it, and its width. The fused state, the
 * fused state of the frames encoded without proprioception (`cameras`, keyed like Pick's
 * split; as a goal image is encoded), and each modality's own embedding.
 */
function representations(l: Latents, cameras: Map<string, Float32Array> | undefined): Array<[string, Pick, number]> {
  const out: Array<[string, Pick, number]> = [['fused', (x) => x.state, l.dim]];
  if (cameras !== undefined) out.push(['fused, cameras only', (_, split) => cameras.get(split)!, l.dim]);
  for (const m of MODEL_MODALITIES) if (l.modalities[m] !== undefined) out.push([m, (x) => x.modalities[m]!, l.embeddingDim]);
  return out;
}

/** The frames with their proprioception marked absent. */
function camerasOnly(frames: ModelFrames): ModelFrames {
  return { ...frames, present: { ...frames.present, proprio: new Uint8Array(frames.count) } };
}

