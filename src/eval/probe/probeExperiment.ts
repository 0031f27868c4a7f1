import type { SplitName } from '../../core/config/simConfig.js';
import type { Logger } from '../../core/Logger.js';
import { silentLogger } from '../../core/Logger.js';
import { Rng } from '../../core/Rng.js';
import type { ModelFrames } from '../../model/index.js';
import type { SimEnv } from '../../sim/SimEnv.js';
import { accuracy, knnClassify, ridgeClassify } from '../common/classifiers.js';
import { encodeLatents } from '../common/encodeLatents.js';
import type { ExperimentModels } from '../common/experimentModels.js';
import { fitInputStats } from '../common/experimentModels.js';
import { packFrames } from '../../learn/packFrames.js';
import { OBJECT_VIEW_HISTOGRAM, pixelFeatures, pointHistogram } from '../common/rawFeatures.js';
import { fitStandardizer, meanStd } from '../common/stats.js';
import { probeScenes } from './probeScenes.js';
import type { ProbeScenes, ProbeView } from './probeScenes.js';

export interface ProbeOptions {
  /** Shape classes (catalogue names); at least 2. */
  readonly shapes: readonly string[];
  /** Splits tested; the labelled pool always comes from 'train'. */
  readonly splits: readonly SplitName[];
  /** Labelled pool per class (train split): the few shots are drawn from it. */
  readonly poolPerClass: number;
  /** Test scenes per class and split. */
  readonly testPerClass: number;
  /** Labelled examples per class; the full pool is always added as 'all'. */
  readonly shots: readonly number[];
  /** Few-shot draws per shot count (mean ± std over them). */
  readonly repeats: number;
  /** Neighbours of the k-NN classifier (capped at the labelled examples). */
  readonly k: number;
  /** Side of the downsampled raw-pixel baseline. */
  readonly pixelSide: number;
  readonly minPixels: number;
  readonly view: ProbeView;
  /** Render resolution factor of the glimpse view. */
  readonly zoom: number;
  readonly seed: number;
  readonly logger?: Logger;
  readonly onProgress?: (done: number, total: number, line: string) => void;
}

export type ProbeClassifier = 'linear' | 'knn';

export interface ProbeCell {
  readonly representation: string;
  readonly classifier: ProbeClassifier;
  /** Labelled examples per class, or 'all' (the whole pool). */
  readonly shots: number | 'all';
  readonly split: SplitName;
  readonly mean: number;
  readonly std: number;
  readonly draws: number;
}

export interface ProbeReport {
  readonly classes: readonly string[];
  readonly chance: number;
  readonly splits: readonly SplitName[];
  readonly representations: readonly string[];
  readonly cells: readonly ProbeCell[];
  readonly data: {
    readonly poolPerClass: number;
    readonly testPerClass: number;
    /** Mean visible object pixels per split (scene camera). */
    readonly meanVisiblePixels: Readonly<Record<string, number>>;
    readonly redrawn: Readonly<Record<string, number>>;
  };
  readonly options: Omit<ProbeOptions, 'logger' | 'onProgress'>;
  readonly examples: ReadonlyArray<{ split: SplitName; images: ReadonlyArray<{ width: number; height: number; rgb: Uint8Array }> }>;
}

const POOL_SEED = 11_000_000;
const TEST_SEED = 12_000_000;

/**
 * Few-label object recognition from frozen representations. Scenes hold one object of a
 * known shape (the class); a labelled pool from the training split supplies 1, 5, 10 (or
 * all) examples per class to a linear probe (closed-form ridge onto one-hot labels) and a
 * k-NN classifier; accuracy is measured on fresh training-split scenes and on each unseen
 * split. Representations: the trained encoder's fused state and per-modality embeddings
 * (the object view's among them), the same for a randomly initialised encoder, and raw
 * pixels / raw points / the raw object view (an occupancy histogram of its centred points). Features are
 * standardised with the statistics of the (unlabelled) pool. Few-shot draws repeat over
 * seeds; every random choice comes from `seed`.
 */
export function runProbeExperiment(env: SimEnv, models: ExperimentModels, options: ProbeOptions): ProbeReport {
  const logger = options.logger ?? silentLogger;
  const maxShots = Math.max(...options.shots);
  if (options.shapes.length < 2) throw new RangeError(`probe: need at least 2 shape classes, got ${options.shapes.length}`);
  if (maxShots > options.poolPerClass) throw new RangeError(`probe: ${maxShots} shots need a pool of at least ${maxShots} per class, got ${options.poolPerClass}`);
  const config = models.trained.config;
  const classes = options.shapes.length;
  const totalScenes = classes * (options.poolPerClass + options.testPerClass * options.splits.length);
  let scenes = 0;
  const tick = (): void => options.onProgress?.(++scenes, totalScenes + 1, `scene ${scenes}/${totalScenes}`);

  const pool = probeScenes(env, config, { split: 'train', shapes: options.shapes, perClass: options.poolPerClass, seedBase: POOL_SEED + options.seed * 1000, minPixels: options.minPixels, view: options.view, zoom: options.zoom, onScene: tick });
  const tests = options.splits.map((split, i) =>
    probeScenes(env, config, {
      split,
      shapes: options.shapes,
      perClass: options.testPerClass,
      seedBase: TEST_SEED + (i + 1) * 1_000_000 + options.seed * 1000,
      minPixels: options.minPixels,
      view: options.view,
      zoom: options.zoom,
      onScene: tick,
    }),
  );
  const poolFrames = packFrames(pool.frames, config);
  fitInputStats(models.random, poolFrames);

  // Every representation of every scene set, as rows of features.
  const represent = (set: ProbeScenes): Map<string, { x: Float64Array; d: number }> => {
    const frames: ModelFrames = set === pool ? poolFrames : packFrames(set.frames, config);
    const out = new Map<string, { x: Float64Array; d: number }>();
    for (const [name, model] of [['trained', models.trained], ['random', models.random]] as const) {
      const lat = encodeLatents(model, frames);
      out.set(`${name} fused`, { x: Float64Array.from(lat.state), d: lat.dim });
      for (const m of ['rgb', 'points', 'object'] as const) {
        const e = lat.modalities[m];
        if (e !== undefined) out.set(`${name} ${m}`, { x: Float64Array.from(e), d: lat.embeddingDim });
      }
    }
    if (frames.rgb !== undefined) {
      out.set('raw pixels', { x: pixelFeatures(frames.rgb, frames.count, config.image.size, options.pixelSide), d: options.pixelSide ** 2 * 3 });
    }
    if (frames.points !== undefined) {
      const hist = pointHistogram(frames.points, frames.count, config.points.count);
      out.set('raw points', { x: hist, d: hist.length / frames.count });
    }
    if (frames.object !== undefined) {
      const hist = pointHistogram(frames.object, frames.count, config.objectView.count, OBJECT_VIEW_HISTOGRAM);
      out.set('raw object view', { x: hist, d: hist.length / frames.count });
    }
    return out;
  };
  const poolFeatures = represent(pool);
  const testFeatures = tests.map(represent);
  const representations = [...poolFeatures.keys()];
  logger.info('probe features ready', { representations, pool: pool.frames.length, tests: tests.map((t) => t.frames.length) });

  const rng = new Rng(options.seed).fork('probe:shots');
  // The same labelled draws for every representation, so rows of the table are paired.
  const draws = new Map<number | 'all', number[][]>();
  const byClass = Array.from({ length: classes }, (_, c) => Array.from(pool.labels.keys()).filter((i) => pool.labels[i] === c));
  for (const shots of options.shots) {
    draws.set(
      shots,
      Array.from({ length: options.repeats }, () => byClass.flatMap((idx) => rng.shuffle([...idx]).slice(0, shots))),
    );
  }
  draws.set('all', [Array.from(pool.labels.keys())]);

  const cells: ProbeCell[] = [];
  for (const rep of representations) {
    const { x: poolX, d } = poolFeatures.get(rep)!;
    const std = fitStandardizer(poolX, pool.frames.length, d);
    const poolZ = std.apply(poolX, pool.frames.length);
    const testZ = testFeatures.map((f, i) => std.apply(f.get(rep)!.x, tests[i].frames.length));
    for (const [shots, sets] of draws) {
      const acc: Record<ProbeClassifier, number[][]> = { linear: tests.map(() => []), knn: tests.map(() => []) };
      for (const rows of sets) {
        const train = { x: gather(poolZ, rows, d), labels: Int32Array.from(rows, (r) => pool.labels[r]), n: rows.length, d };
        tests.forEach((t, i) => {
          const m = t.frames.length;
          acc.linear[i].push(accuracy(ridgeClassify(train, classes, testZ[i], m), t.labels));
          acc.knn[i].push(accuracy(knnClassify(train, classes, testZ[i], m, options.k), t.labels));
        });
      }
      for (const classifier of ['linear', 'knn'] as const) {
        tests.forEach((t, i) => {
          const s = meanStd(acc[classifier][i]);
          cells.push({ representation: rep, classifier, shots, split: t.split, mean: s.mean, std: s.std, draws: sets.length });
        });
      }
    }
  }
  options.onProgress?.(totalScenes + 1, totalScenes + 1, 'probes fitted');

  const mean = (a: Int32Array): number => a.reduce((s, v) => s + v, 0) / Math.max(a.length, 1);
  const { logger: _l, onProgress: _p, ...recorded } = options;
  return {
    classes: options.shapes,
    chance: 1 / classes,
    splits: options.splits,
    representations,
    cells,
    data: {
      poolPerClass: options.poolPerClass,
      testPerClass: options.testPerClass,
      meanVisiblePixels: Object.fromEntries([['train (pool)', mean(pool.visiblePixels)], ...tests.map((t) => [t.split, mean(t.visiblePixels)])]),
      redrawn: Object.fromEntries([['train (pool)', pool.redrawn], ...tests.map((t) => [t.split, t.redrawn])]),
    },
    options: recorded,
    examples: tests.map((t) => ({ split: t.split, images: t.examples.map((o) => ({ width: o.rgb!.width, height: o.rgb!.height, rgb: o.rgb!.data })) })),
  };
}

function gather(x: Float64Array, rows: readonly number[], d: number): Float64Array {
  const out = new Float64Array(rows.length * d);
  rows.forEach((r, i) => out.set(x.subarray(r * d, (r + 1) * d), i * d));
  return out;
}

/** One cell of the report (throws when absent: a typo in a test or report should not read as NaN). */
export function probeCell(report: ProbeReport, representation: string, classifier: ProbeClassifier, shots: number | 'all', split: SplitName): ProbeCell {
  const cell = report.cells.find((c) => c.representation === representation && c.classifier === classifier && c.shots === shots && c.split === split);
  if (cell === undefined) throw new RangeError(`probe report: no cell ${representation} / ${classifier} / ${shots} shots / ${split}`);
  return cell;
}
