import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ModelConfigInput } from '../core/index.js';
import type { WorldModelOptions } from './worldModel.js';
import { WorldModel } from './worldModel.js';
import { MODEL_MODALITIES } from './frames.js';

/**
 * Checkpoints are a directory: manifest.json (format, version, model config, and each
 * variable's name, shape and byte offset) and weights.bin (all variables as little-endian
 * float32, in manifest order). Weights, EMA target copies, normaliser statistics and fusion
 * errors are all variables, so a round trip restores the model exactly.
 */
export const CHECKPOINT_FORMAT = 'jepa-agent/world-model';
export const CHECKPOINT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
export const WEIGHTS_FILE = 'weights.bin';

export interface CheckpointVariable {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32';
  /** Byte offset in weights.bin. */
  readonly offset: number;
}

export interface CheckpointManifest {
  readonly format: string;
  readonly version: number;
  readonly config: unknown;
  readonly variables: readonly CheckpointVariable[];
  /** Free-form extras (training step count, wall time...). */
  readonly meta?: Record<string, unknown>;
}

export class CheckpointError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CheckpointError';
  }
}

/** Writes the model to `dir` (created if needed); files are replaced atomically, manifest last. */
export async function saveCheckpoint(model: WorldModel, dir: string, meta: Record<string, unknown> = {}): Promise<void> {
  const names = model.params.names();
  const arrays = names.map((n) => model.params.get(n).dataSync() as Float32Array);
  const bytes = new Uint8Array(arrays.reduce((a, x) => a + x.byteLength, 0));
  const view = new DataView(bytes.buffer);
  const variables: CheckpointVariable[] = [];
  let offset = 0;
  names.forEach((name, i) => {
    variables.push({ name, shape: model.params.get(name).shape, dtype: 'float32', offset });
    for (const v of arrays[i]) {
      view.setFloat32(offset, v, true);
      offset += 4;
    }
  });
  const manifest: CheckpointManifest = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, config: model.config, variables, meta };
  try {
    await mkdir(dir, { recursive: true });
    await writeAtomic(join(dir, WEIGHTS_FILE), bytes);
    await writeAtomic(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  } catch (err) {
    throw new CheckpointError(`checkpoint ${dir}: cannot write: ${(err as Error).message}`, { cause: err });
  }
}

/** Builds a model from the checkpoint's own config and restores its variables. */
export async function loadCheckpoint(dir: string, options: Omit<WorldModelOptions, 'seed' | 'rng'> = {}): Promise<WorldModel> {
  const { manifest, weights } = await readCheckpoint(dir);
  let model: WorldModel;
  try {
    model = new WorldModel(withSettingsOfItsTime(manifest.config as ModelConfigInput), options);
  } catch (err) {
    throw new CheckpointError(`checkpoint ${join(dir, MANIFEST_FILE)}: invalid model config: ${(err as Error).message}`, { cause: err });
  }
  try {
    assign(model, dir, manifest, weights);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

/**
 * A checkpoint's config with the settings it was written under where later defaults differ:
 * configs written before the image keypoints existed had none, and none before augmentation;
 * none before the object head had one, and none before the object view (model.modalities.object);
 * object views before objectView.place had no place and none before objectView.motion a motion, object heads before objectHeadReads
 * and proprio heads before proprioHeadReads read the whole state,
 * and predictors before predictor.objectRelation read no hand-object relation, and none before predictor.objectInteraction had the object's interaction module.
 */
function withSettingsOfItsTime(config: ModelConfigInput): ModelConfigInput {
  const modalities = config.modalities ?? {};
  const withObjectView = 'object' in modalities ? config : { ...config, modalities: { ...modalities, object: false } };
  const withObjectHead = 'objectHead' in withObjectView ? withObjectView : { ...withObjectView, objectHead: false };
  const objectView = withObjectHead.objectView ?? {};
  const withPlace = 'place' in objectView ? withObjectHead : { ...withObjectHead, objectView: { ...objectView, place: false } };
  const placed = withPlace.objectView ?? {};
  const withMotion = 'motion' in placed ? withPlace : { ...withPlace, objectView: { ...placed, motion: false } };
  const withObjectHeadInput = 'objectHeadReads' in withMotion ? withMotion : { ...withMotion, objectHeadReads: 'state' as const };
  const withHeadInput = 'proprioHeadReads' in withObjectHeadInput ? withObjectHeadInput : { ...withObjectHeadInput, proprioHeadReads: 'state' as const };
  const predictor = withHeadInput.predictor ?? {};
  const withRelation = 'objectRelation' in predictor ? withHeadInput : { ...withHeadInput, predictor: { ...predictor, objectRelation: false } };
  const related = withRelation.predictor ?? {};
  const withInteraction = 'objectInteraction' in related ? withRelation : { ...withRelation, predictor: { ...related, objectInteraction: false } };
  const image = withInteraction.image ?? {};
  if ('keypoints' in image) return withInteraction;
  const noAugment = { brightness: 0, contrast: 0, color: 0, hue: 0, saturation: 0, shift: 0 };
  return { ...withInteraction, image: { ...image, keypoints: false }, augment: withInteraction.augment ?? noAugment };
}

/** Restores a checkpoint into an existing model; every variable must match by name and shape. */
export async function restoreCheckpoint(model: WorldModel, dir: string): Promise<void> {
  const { manifest, weights } = await readCheckpoint(dir);
  assign(model, dir, manifest, weights);
}

async function readCheckpoint(dir: string): Promise<{ manifest: CheckpointManifest; weights: Uint8Array }> {
  const manifestPath = join(dir, MANIFEST_FILE);
  const weightsPath = join(dir, WEIGHTS_FILE);
  const text = await readOrThrow(manifestPath);
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(text.toString('utf8')) as CheckpointManifest;
  } catch (err) {
    throw new CheckpointError(`checkpoint ${manifestPath}: not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (manifest.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(`checkpoint ${manifestPath}: format '${String(manifest.format)}' is not '${CHECKPOINT_FORMAT}'`);
  }
  if (manifest.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      `checkpoint ${manifestPath}: format version ${String(manifest.version)} is not supported ` +
        `(this build reads version ${CHECKPOINT_VERSION})`,
    );
  }
  if (!Array.isArray(manifest.variables)) throw new CheckpointError(`checkpoint ${manifestPath}: no 'variables' list`);
  return { manifest, weights: new Uint8Array(await readOrThrow(weightsPath)) };
}

async function readOrThrow(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CheckpointError(`checkpoint: ${missing ? 'missing file' : 'cannot read'} ${path}`, { cause: err });
  }
}

/** Checks everything first, then assigns, so a bad checkpoint leaves the model untouched. */
function assign(model: WorldModel, dir: string, manifest: CheckpointManifest, weights: Uint8Array): void {
  const manifestPath = join(dir, MANIFEST_FILE);
  const byName = new Map(manifest.variables.map((v) => [v.name, v]));
  const view = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
  const values = new Map<string, Float32Array>();
  for (const name of model.params.names()) {
    const expected = model.params.get(name).shape;
    const entry = byName.get(name);
    if (entry === undefined) {
      throw new CheckpointError(`checkpoint ${manifestPath}: variable '${name}' is missing (model expects shape [${expected.join(', ')}])`);
    }
    const legacy = legacyModalityStatistics(name, entry.shape, expected);
    if (legacy && entry.offset + 4 * entry.shape[0] <= weights.byteLength) {
      // Written when there were three modalities: the fourth (object) keeps its initial statistics.
      const out = Float32Array.from(model.params.get(name).dataSync());
      for (let i = 0; i < entry.shape[0]; i++) out[i] = view.getFloat32(entry.offset + 4 * i, true);
      values.set(name, out);
      continue;
    }
    if (entry.shape.length !== expected.length || entry.shape.some((d, i) => d !== expected[i])) {
      throw new CheckpointError(
        `checkpoint ${manifestPath}: variable '${name}' has shape [${entry.shape.join(', ')}] ` +
          `but the model expects [${expected.join(', ')}]`,
      );
    }
    const size = expected.reduce((a, b) => a * b, 1);
    if (entry.offset + 4 * size > weights.byteLength) {
      throw new CheckpointError(
        `checkpoint ${join(dir, WEIGHTS_FILE)}: variable '${name}' needs bytes ${entry.offset}..${entry.offset + 4 * size} ` +
          `but the file has ${weights.byteLength}`,
      );
    }
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) out[i] = view.getFloat32(entry.offset + 4 * i, true);
    values.set(name, out);
  }
  const extra = manifest.variables.filter((v) => !model.params.has(v.name)).map((v) => v.name);
  if (extra.length > 0) throw new CheckpointError(`checkpoint ${manifestPath}: variables unknown to the model: ${extra.join(', ')}`);
  tf.tidy(() => {
    for (const [name, v] of values) {
      const variable = model.params.get(name);
      variable.assign(tf.tensor(v, variable.shape, 'float32'));
    }
  });
}

/** A per-modality fusion statistic written with fewer modalities than MODEL_MODALITIES now has (new ones are appended). */
function legacyModalityStatistics(name: string, written: readonly number[], expected: readonly number[]): boolean {
  return name.startsWith('fusion.') && written.length === 1 && expected.length === 1 && written[0] < expected[0] && expected[0] === MODEL_MODALITIES.length;
}

async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}
