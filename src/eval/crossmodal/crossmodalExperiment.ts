import * as tf from '@tensorflow/tfjs';
import type { SplitName } from '../../core/config/simConfig.js';
import type { Logger } from '../../core/Logger.js';
import { silentLogger } from '../../core/Logger.js';
import { Rng } from '../../core/Rng.js';
import { proprioLayout } from '../../model/proprioVector.js';
import type { WorldModel } from '../../model/worldModel.js';
import type { SimEnv } from '../../sim/SimEnv.js';
import { encodeLatents, keepModalities } from '../common/encodeLatents.js';
import type { ExperimentModels } from '../common/experimentModels.js';
import { fitInputStats } from '../common/experimentModels.js';
import { packFrames } from '../../learn/packFrames.js';
import { pixelFeatures } from '../common/rawFeatures.js';
import { fitRidge } from '../common/ridge.js';
import { meanStd, rowMae } from '../common/stats.js';
import { armPoses, defaultSpread } from './armPoses.js';
import { Autoencoder } from './autoencoder.js';
import { MultimodalSom } from './MultimodalSom.js';

export interface CrossmodalOptions {
  readonly samples: number;
  /** Fraction of the samples used for training (the rest is the test set). */
  readonly trainFraction: number;
  readonly split: SplitName;
  /** Side of the images the autoencoder reconstructs and vision errors are measured on. */
  readonly imageSide: number;
  readonly ae: { readonly hidden: number; readonly latent: number; readonly epochs: number; readonly batchSize: number; readonly learningRate: number };
  readonly som: { readonly width: number; readonly height: number; readonly epochs: number; readonly batchSize: number; readonly learningRate: readonly [number, number]; readonly sigma: readonly [number, number] };
  readonly spread?: readonly number[];
  readonly seed: number;
  readonly logger?: Logger;
  readonly onProgress?: (done: number, total: number, line: string) => void;
}

export const MAPPINGS = ['vision->vision', 'vision->joints', 'joints->vision', 'joints->joints'] as const;
export type Mapping = (typeof MAPPINGS)[number];

/** One method's four mapping errors (MAE per test sample, mean ± std over samples), time and memory. */
export interface CrossmodalRow {
  readonly method: string;
  readonly errors: Readonly<Partial<Record<Mapping, { mean: number; std: number }>>>;
  /** Mean of the four (or those the method has). */
  readonly overall: { mean: number; std: number };
  readonly somSeconds?: number;
  readonly aeSeconds?: number;
  readonly somBytes?: number;
  readonly aeBytes?: number;
  readonly note?: string;
}

export interface CrossmodalReport {
  readonly rows: readonly CrossmodalRow[];
  /** Vision decoders applied to a sample's own latent: the floor of every vision error of that latent. */
  readonly decoderFloor: Readonly<Record<string, { mean: number; std: number }>>;
  readonly data: { train: number; test: number; rejected: number; jointLow: number[]; jointHigh: number[] };
  readonly aeLosses: readonly number[];
  readonly somQuantisation: Readonly<Record<string, readonly number[]>>;
  readonly options: Omit<CrossmodalOptions, 'logger' | 'onProgress'>;
  /** Test samples: image, and its reconstructions through the SOM-AE mappings, for the picture. */
  readonly examples: ReadonlyArray<{ name: string; side: number; pixels: Float32Array }>;
}

const POSE_SEED = 31_000_000;

/**
 * Bidirectional mapping between vision and proprioception, after Jülg et al. (AMAM 2023):
 * random arm poses (camera image + joint angles) from one scene; a multi-modal SOM trained on
 * (a) a small autoencoder's latent of the image and (b) the JEPA encoder's camera-only latent
 * (trained and random encoder), each beside the normalised joint angles. Errors, as in the
 * paper's table: MAE per test sample between the target and the winner's weights of the other
 * modality, images in [0, 1] at `imageSide` (latents decoded: the autoencoder's decoder, a
 * ridge decoder for JEPA latents), joints normalised to [0, 1] over their sampling range.
 * Compared with the world model's own heads (decodeProprio of the camera-only latent, the
 * ridge image decoder) and a mean predictor.
 */
export function runCrossmodalExperiment(env: SimEnv, models: ExperimentModels, options: CrossmodalOptions): CrossmodalReport {
  const logger = options.logger ?? silentLogger;
  const rng = new Rng(options.seed).fork('crossmodal');
  const config = models.trained.config;
  const somCount = 3;
  const total = options.samples + options.ae.epochs + somCount * options.som.epochs + 1;
  let done = 0;
  const tick = (line: string): void => options.onProgress?.(++done, total, line);

  const poses = armPoses(env, config, { count: options.samples, split: options.split, seed: POSE_SEED + options.seed, spread: options.spread ?? defaultSpread(env.config.robot), rng: rng.fork('poses'), onPose: () => tick(`pose ${done + 1}/${options.samples}`) });
  const nTrain = Math.round(options.samples * options.trainFraction);
  const nTest = options.samples - nTrain;
  if (nTrain < 2 || nTest < 1) throw new RangeError(`crossmodal: ${options.samples} samples with train fraction ${options.trainFraction} leave ${nTrain} to train and ${nTest} to test`);
  const j = poses.jointCount;
  const frames = packFrames(poses.frames, config);
  const side = options.imageSide;
  const pixelDim = side * side * 3;
  if (frames.rgb === undefined) throw new RangeError('crossmodal: the encoder has no rgb modality');
  const images = Float32Array.from(pixelFeatures(frames.rgb, frames.count, config.image.size, side));
  const joints01 = new Float32Array(options.samples * j);
  for (let i = 0; i < options.samples; i++) for (let k = 0; k < j; k++) joints01[i * j + k] = (poses.joints[i * j + k] - poses.low[k]) / (poses.high[k] - poses.low[k]);
  const head = <T extends Float32Array>(x: T, d: number): T => x.subarray(0, nTrain * d) as T;
  const tail = <T extends Float32Array>(x: T, d: number): T => x.subarray(nTrain * d) as T;
  const testImages = tail(images, pixelDim);
  const testJoints = tail(joints01, j);
  const mae = (pred: ArrayLike<number>, truth: ArrayLike<number>, d: number): { mean: number; std: number } => meanStd(rowMae(pred, truth, nTest, d));

  const rows: CrossmodalRow[] = [];
  const decoderFloor: Record<string, { mean: number; std: number }> = {};
  const somQuantisation: Record<string, number[]> = {};
  const examples: Array<{ name: string; side: number; pixels: Float32Array }> = [];

  const runSom = (name: string, latents: Float32Array, dim: number, decode: (z: Float32Array, n: number) => Float32Array): CrossmodalRow => {
    // Latents to [0, 1] per dimension (train min/max), so both modalities weigh alike in the activity.
    const lo = new Float32Array(dim).fill(Infinity);
    const hi = new Float32Array(dim).fill(-Infinity);
    for (let i = 0; i < nTrain; i++) for (let k = 0; k < dim; k++) {
      lo[k] = Math.min(lo[k], latents[i * dim + k]);
      hi[k] = Math.max(hi[k], latents[i * dim + k]);
    }
    const norm = latents.map((v, q) => (v - lo[q % dim]) / Math.max(hi[q % dim] - lo[q % dim], 1e-9));
    const denorm = (z: Float32Array): Float32Array => z.map((v, q) => lo[q % dim] + v * (hi[q % dim] - lo[q % dim]));
    const som = new MultimodalSom(options.som.width, options.som.height, [dim, j]);
    const somRng = rng.fork(`som:${name}`);
    som.initFromSamples([head(norm, dim), head(joints01, j)], nTrain, somRng);
    const started = performance.now();
    somQuantisation[name] = som.train([head(norm, dim), head(joints01, j)], nTrain, {
      ...options.som,
      rng: somRng,
      onEpoch: (e, n) => tick(`SOM ${name} epoch ${e}/${n}`),
    });
    const somSeconds = (performance.now() - started) / 1000;
    const testLatents = tail(norm, dim);
    const v2v = decode(denorm(som.map(testLatents, nTest, 0, 0)), nTest);
    const v2j = som.map(testLatents, nTest, 0, 1);
    const j2v = decode(denorm(som.map(testJoints, nTest, 1, 0)), nTest);
    const j2j = som.map(testJoints, nTest, 1, 1);
    if (name === 'SOM-AE') {
      examples.push({ name: 'image', side, pixels: testImages.slice(0, 6 * pixelDim) });
      examples.push({ name: 'vision->vision', side, pixels: v2v.slice(0, 6 * pixelDim) });
      examples.push({ name: 'joints->vision', side, pixels: j2v.slice(0, 6 * pixelDim) });
    }
    const errors = {
      'vision->vision': mae(v2v, testImages, pixelDim),
      'vision->joints': mae(v2j, testJoints, j),
      'joints->vision': mae(j2v, testImages, pixelDim),
      'joints->joints': mae(j2j, testJoints, j),
    };
    return { method: name, errors, overall: overall(errors), somSeconds, somBytes: som.bytes };
  };

  // (a) SOM-AE
  let aeLosses: number[] = [];
  const ae = new Autoencoder({ inputDim: pixelDim, hidden: options.ae.hidden, latent: options.ae.latent, rng: rng.fork('ae:init') });
  try {
    const started = performance.now();
    const trained = ae.train(head(images, pixelDim), nTrain, {
      epochs: options.ae.epochs,
      batchSize: options.ae.batchSize,
      learningRate: options.ae.learningRate,
      rng: rng.fork('ae:order'),
      onEpoch: (e, n, loss) => tick(`autoencoder epoch ${e}/${n} loss ${loss.toFixed(4)}`),
    });
    const aeSeconds = (performance.now() - started) / 1000;
    const aeLatents = ae.encode(images, options.samples);
    decoderFloor['autoencoder'] = mae(ae.decode(tail(aeLatents, options.ae.latent), nTest), testImages, pixelDim);
    const row = runSom('SOM-AE', aeLatents, options.ae.latent, (z, n) => ae.decode(z, n));
    // Parameters plus Adam's two moments: what training held.
    rows.push({ ...row, aeSeconds, aeBytes: 3 * 4 * ae.parameterCount, note: `peak tensor memory during AE training ${(trained.peakBytes / 2 ** 20).toFixed(1)} MiB` });
    logger.info('crossmodal: SOM-AE done', { aeSeconds });
    aeLosses = trained.losses;
  } finally {
    ae.dispose();
  }

  // (b) SOM on the JEPA camera-only latent, trained and random encoder
  fitInputStats(models.random, packFrames(poses.frames.slice(0, nTrain), config));
  const camera = keepModalities(frames, ['rgb', 'points', 'object']);
  const proprioOnly = keepModalities(frames, ['proprio']);
  for (const [encoder, model] of [['trained', models.trained], ['random', models.random]] as const) {
    const lat = encodeLatents(model, camera);
    const d = lat.dim;
    const decoder = ridgeDecoder(head(lat.state, d), nTrain, d, head(images, pixelDim), pixelDim);
    decoderFloor[`ridge decoder of the ${encoder} JEPA latent`] = mae(decoder(tail(lat.state, d), nTest), testImages, pixelDim);
    rows.push(runSom(`SOM-JEPA (${encoder} encoder)`, lat.state, d, decoder));
    if (encoder === 'trained') rows.push(worldModelHeads(model, lat.state, encodeLatents(model, proprioOnly).state, d, decoder, poses, nTrain, nTest, testImages, testJoints, pixelDim));
  }

  // Mean predictor: the training mean image / joint vector for every test sample.
  const meanOf = (x: Float32Array, d: number): Float32Array => {
    const m = new Float32Array(d);
    for (let i = 0; i < nTrain; i++) for (let k = 0; k < d; k++) m[k] += x[i * d + k] / nTrain;
    return m;
  };
  const repeat = (m: Float32Array): Float32Array => {
    const out = new Float32Array(nTest * m.length);
    for (let i = 0; i < nTest; i++) out.set(m, i * m.length);
    return out;
  };
  const meanImage = repeat(meanOf(images, pixelDim));
  const meanJoints = repeat(meanOf(joints01, j));
  const meanErrors = {
    'vision->vision': mae(meanImage, testImages, pixelDim),
    'vision->joints': mae(meanJoints, testJoints, j),
    'joints->vision': mae(meanImage, testImages, pixelDim),
    'joints->joints': mae(meanJoints, testJoints, j),
  };
  rows.push({ method: 'mean predictor', errors: meanErrors, overall: overall(meanErrors) });
  tick('done');

  const { logger: _l, onProgress: _p, ...recorded } = options;
  return {
    rows,
    decoderFloor,
    data: { train: nTrain, test: nTest, rejected: poses.rejected, jointLow: Array.from(poses.low), jointHigh: Array.from(poses.high) },
    aeLosses,
    somQuantisation,
    options: recorded,
    examples,
  };
}

function overall(errors: Partial<Record<Mapping, { mean: number; std: number }>>): { mean: number; std: number } {
  const v = Object.values(errors);
  return { mean: v.reduce((s, e) => s + e!.mean, 0) / v.length, std: v.reduce((s, e) => s + e!.std, 0) / v.length };
}

/** Closed-form linear decoder from latents to images (clipped to [0, 1]): JEPA has no image decoder of its own. */
function ridgeDecoder(latents: Float32Array, n: number, d: number, images: Float32Array, pixelDim: number): (z: Float32Array, m: number) => Float32Array {
  const model = fitRidge(latents, n, d, images, pixelDim, { alphas: [1e-2] });
  return (z, m) => Float32Array.from(model.predict(z, m), (v) => Math.min(1, Math.max(0, v)));
}

/**
 * The mappings through the world model itself: joints from the proprio head applied to the
 * camera-only (vision) or proprio-only (joints) latent; images from the ridge decoder applied
 * to the same latents (the alignment loss puts every modality's embedding in one space).
 */
function worldModelHeads(
  model: WorldModel,
  cameraLatents: Float32Array,
  proprioLatents: Float32Array,
  d: number,
  decoder: (z: Float32Array, m: number) => Float32Array,
  poses: { low: Float64Array; high: Float64Array; jointCount: number },
  nTrain: number,
  nTest: number,
  testImages: Float32Array,
  testJoints: Float32Array,
  pixelDim: number,
): CrossmodalRow {
  const j = poses.jointCount;
  const camTest = cameraLatents.subarray(nTrain * d);
  const proTest = proprioLatents.subarray(nTrain * d);
  const mae = (pred: ArrayLike<number>, truth: ArrayLike<number>, k: number): { mean: number; std: number } => meanStd(rowMae(pred, truth, nTest, k));
  const errors: Partial<Record<Mapping, { mean: number; std: number }>> = {
    'vision->vision': mae(decoder(camTest, nTest), testImages, pixelDim),
    'joints->vision': mae(decoder(proTest, nTest), testImages, pixelDim),
  };
  if (model.decodeProprio !== undefined) {
    const layout = proprioLayout(model.config.proprio.dim);
    const decodeJoints = (z: Float32Array): Float32Array => {
      const p = tf.tidy(() => model.decodeProprio!(tf.tensor2d(z, [nTest, d])).dataSync() as Float32Array);
      const out = new Float32Array(nTest * j);
      for (let i = 0; i < nTest; i++) for (let k = 0; k < j; k++) out[i * j + k] = (p[i * layout.dim + layout.positions[0] + k] - poses.low[k]) / (poses.high[k] - poses.low[k]);
      return out;
    };
    errors['vision->joints'] = mae(decodeJoints(camTest), testJoints, j);
    errors['joints->joints'] = mae(decodeJoints(proTest), testJoints, j);
  }
  return { method: 'world model heads (trained)', errors, overall: overall(errors), note: 'joints: decodeProprio of the camera-only / proprio-only latent; images: ridge decoder of the same latents' };
}
