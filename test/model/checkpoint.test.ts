import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/core/index.js';
import {
  CHECKPOINT_VERSION,
  CheckpointError,
  framesFromObservations,
  loadCheckpoint,
  restoreCheckpoint,
  saveCheckpoint,
  Trainer,
  WorldModel,
} from '../../src/model/index.js';
import { observation, take, tinyConfig, useTestBackend } from './fixtures.js';

/** Encodes a few observations, rolls out and decodes: everything a checkpoint must preserve. */
function predictions(model: WorldModel): Float32Array[] {
  const frames = framesFromObservations([observation(1), observation(2, ['rgb', 'proprio']), observation(3)], model.config);
  return tf.tidy(() => {
    const states = model.encodeFrames(frames);
    const actions = tf.tensor3d(new Rng(4).fillUniform(new Float32Array(3 * 2 * 3), -1, 1), [3, 2, 3]);
    const weights = Float32Array.from(Object.values(model.fusionWeights()));
    return [take(tf.clone(states)), take(model.rollout(states, actions)), take(decode(model, states)), weights];
  });
}

/** A checkpoint's manifest as read back for editing. */
interface Manifest {
  config: {
    modalities: Record<string, unknown>;
    objectView: Record<string, unknown>;
    predictor: Record<string, unknown>;
    image: Record<string, unknown>;
    augment?: unknown;
    objectHead?: boolean;
    objectHeadReads?: string;
    proprioHeadReads?: string;
  };
  variables: Array<{ name: string; shape: number[] }>;
}

/** Saves `model` under `path`, edits its manifest as a checkpoint written before some setting existed would read, and loads it back. */
async function loadAsWrittenBefore(model: WorldModel, path: string, edit: (manifest: Manifest) => void): Promise<WorldModel> {
  await saveCheckpoint(model, path);
  const manifestPath = join(path, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
  edit(manifest);
  await writeFile(manifestPath, JSON.stringify(manifest));
  return loadCheckpoint(path);
}

describe('checkpoint', () => {
  let dir: string;
  let trained: WorldModel;
  before(async () => {
    await useTestBackend();
    dir = await mkdtemp(join(tmpdir(), 'jepa-checkpoint-'));
    // Train a little so that weights, EMA copies, normaliser statistics and fusion errors all differ from init.
    trained = new WorldModel(tinyConfig({ ema: { enabled: true } }), { seed: 1 });
    const trainer = new Trainer(trained);
    const rng = new Rng(2);
    const frames = 2 * 3;
    for (let i = 0; i < 3; i++) {
      trainer.trainStep({
        batchSize: 2,
        horizon: 2,
        rgb: new Uint8Array(frames * 8 * 8 * 3).map(() => rng.int(0, 256)),
        points: rng.fillNormal(new Float32Array(frames * 16 * 3), 1, 2),
        proprio: rng.fillNormal(new Float32Array(frames * 10), 3, 0.5),
        actions: rng.fillUniform(new Float32Array(2 * 2 * 3), -1, 1),
      });
    }
    trainer.dispose();
    await saveCheckpoint(trained, join(dir, 'good'), { steps: 3 });
  });
  after(async () => {
    trained.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test('a round trip gives identical encodings, rollouts, decodings and fusion weights', async () => {
    const loaded = await loadCheckpoint(join(dir, 'good'));
    assert.deepEqual(loaded.config, trained.config);
    assert.deepEqual(predictions(loaded), predictions(trained));
    for (const name of trained.params.names()) {
      assert.deepEqual(loaded.params.get(name).dataSync(), trained.params.get(name).dataSync(), name);
    }
    loaded.dispose();
    // Restoring into a freshly initialised model of the same config gives the same again.
    const fresh = new WorldModel(tinyConfig({ ema: { enabled: true } }), { seed: 99 });
    assert.notDeepEqual(predictions(fresh)[0], predictions(trained)[0]);
    await restoreCheckpoint(fresh, join(dir, 'good'));
    assert.deepEqual(predictions(fresh), predictions(trained));
    fresh.dispose();
  });

  test('the manifest records format, version, config, shapes and extras', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'good', 'manifest.json'), 'utf8'));
    assert.equal(manifest.format, 'jepa-agent/world-model');
    assert.equal(manifest.version, CHECKPOINT_VERSION);
    assert.equal(manifest.config.latentDim, 8);
    assert.deepEqual(manifest.meta, { steps: 3 });
    const embed = manifest.variables.find((v: { name: string }) => v.name === 'enc.rgb.embed.w');
    assert.deepEqual(embed.shape, [48, 8]);
    const weights = await readFile(join(dir, 'good', 'weights.bin'));
    assert.equal(weights.byteLength, 4 * trained.params.names().reduce((a, n) => a + trained.params.get(n).size, 0));
  });

  test('a shape mismatch names the variable and both shapes, and leaves the model untouched', async () => {
    const other = new WorldModel(tinyConfig({ ema: { enabled: true }, latentDim: 12 }), { seed: 5 });
    const before = predictions(other);
    await assert.rejects(
      restoreCheckpoint(other, join(dir, 'good')),
      (e: unknown) =>
        e instanceof CheckpointError && /variable 'enc\.rgb\.head\.w' has shape \[24, 8\] but the model expects \[24, 12\]/.test(e.message),
    );
    assert.deepEqual(predictions(other), before);
    other.dispose();
    const noEma = new WorldModel(tinyConfig(), { seed: 5 });
    await assert.rejects(restoreCheckpoint(noEma, join(dir, 'good')), /variables unknown to the model: target\.enc\.rgb\.embed\.w/);
    noEma.dispose();
  });

  test('a checkpoint written before image keypoints and augmentation loads with them off, as it was trained', async () => {
    const plain = new WorldModel(tinyConfig({ objectHead: false, image: { keypoints: false }, augment: { brightness: 0, contrast: 0, color: 0, hue: 0, saturation: 0, shift: 0 } }), { seed: 6 });
    const loaded = await loadAsWrittenBefore(plain, join(dir, 'before-keypoints'), (manifest) => {
      delete manifest.config.image.keypoints;
      delete manifest.config.augment;
      delete manifest.config.objectHead;
    });
    assert.equal(loaded.config.image.keypoints, false);
    assert.equal(loaded.config.augment.brightness, 0);
    assert.deepEqual(predictions(loaded), predictions(plain));
    assert.equal(loaded.config.objectHead, false, 'no object head before there was one');
    assert.equal(loaded.decodeObject, undefined);
    loaded.dispose();
    plain.dispose();
  });

  test('a checkpoint written with three modalities loads without the object view, its fusion statistics kept', async () => {
    const three = new WorldModel(tinyConfig(), { seed: 6 });
    three.params.get('fusion.error').assign(tf.tensor1d([0.5, 0.25, 0.125, 1]));
    const loaded = await loadAsWrittenBefore(three, join(dir, 'three-modalities'), (manifest) => {
      // As written before the object view: no 'object' key, per-modality statistics of three entries.
      delete manifest.config.modalities.object;
      for (const v of manifest.variables) if (v.name.startsWith('fusion.') && v.shape.length === 1 && v.shape[0] === 4) v.shape = [3];
    });
    assert.equal(loaded.config.modalities.object, false, 'no object view before there was one');
    assert.deepEqual(Array.from(loaded.params.get('fusion.error').dataSync()), [0.5, 0.25, 0.125, 1], 'three written, the fourth at its initial value');
    assert.deepEqual(predictions(loaded), predictions(three));
    loaded.dispose();
    three.dispose();
  });

  test('an object view written before objectView.place loads where-blind, its head reading the whole state, as it was trained', async () => {
    const blind = new WorldModel(tinyConfig({ modalities: { object: true }, objectView: { count: 8, hidden: [8], place: false } }), { seed: 6 });
    const loaded = await loadAsWrittenBefore(blind, join(dir, 'before-place'), (manifest) => {
      delete manifest.config.objectView.place;
      delete manifest.config.objectHeadReads;
    });
    assert.equal(loaded.config.objectView.place, false);
    assert.equal(loaded.config.objectHeadReads, 'state', 'the head read the whole state then');
    assert.deepEqual(predictions(loaded), predictions(blind));
    loaded.dispose();
    blind.dispose();
  });

  test('an object view written before objectView.motion loads without the motion, as it was trained; one with it keeps it', async () => {
    const still = new WorldModel(tinyConfig({ modalities: { object: true }, objectView: { count: 8, hidden: [8], motion: false } }), { seed: 6 });
    const loaded = await loadAsWrittenBefore(still, join(dir, 'before-motion'), (manifest) => delete manifest.config.objectView.motion);
    assert.equal(loaded.config.objectView.motion, false);
    assert.deepEqual(predictions(loaded), predictions(still));
    const moving = new WorldModel(tinyConfig({ modalities: { object: true }, objectView: { count: 8, hidden: [8], motion: true } }), { seed: 6 });
    await saveCheckpoint(moving, join(dir, 'with-motion'));
    const reloaded = await loadCheckpoint(join(dir, 'with-motion'));
    assert.equal(reloaded.config.objectView.motion, true);
    assert.ok(reloaded.params.has('norm.objectView.motion.mean'));
    for (const m of [loaded, still, moving, reloaded]) m.dispose();
  });

  test('a proprio head written before proprioHeadReads loads reading the whole state, as it was trained; one reading its part keeps it', async () => {
    const whole = new WorldModel(tinyConfig({ proprioHeadReads: 'state' }), { seed: 6 });
    const loaded = await loadAsWrittenBefore(whole, join(dir, 'before-proprio-part'), (manifest) => delete manifest.config.proprioHeadReads);
    assert.equal(loaded.config.proprioHeadReads, 'state');
    assert.deepEqual(predictions(loaded), predictions(whole));
    const part = new WorldModel(tinyConfig({ proprioHeadReads: 'proprioPart' }), { seed: 6 });
    await saveCheckpoint(part, join(dir, 'proprio-part'));
    const reloaded = await loadCheckpoint(join(dir, 'proprio-part'));
    assert.equal(reloaded.config.proprioHeadReads, 'proprioPart');
    assert.deepEqual(predictions(reloaded), predictions(part));
    for (const m of [loaded, whole, part, reloaded]) m.dispose();
  });

  test('a predictor written before predictor.objectRelation loads without the relation (or the interaction module), as it was trained', async () => {
    const old = new WorldModel(tinyConfig({ predictor: { width: 16, depth: 1, objectRelation: false } }), { seed: 8 });
    const loaded = await loadAsWrittenBefore(old, join(dir, 'before-relation'), (manifest) => {
      delete manifest.config.predictor.objectRelation;
      delete manifest.config.predictor.objectInteraction;
    });
    assert.equal(loaded.config.predictor.objectRelation, false);
    assert.equal(loaded.config.predictor.objectInteraction, false, 'nor the interaction module, which came later');
    assert.equal(loaded.readsObjectRelation, false);
    assert.deepEqual(predictions(loaded), predictions(old));
    loaded.dispose();
    old.dispose();
  });

  test('missing files are named by path', async () => {
    const empty = join(dir, 'nothing-here');
    const named = (e: unknown): boolean => e instanceof CheckpointError && e.message.includes(`missing file ${join(empty, 'manifest.json')}`);
    await assert.rejects(loadCheckpoint(empty), named);
    await saveCheckpoint(trained, join(dir, 'no-weights'));
    await unlink(join(dir, 'no-weights', 'weights.bin'));
    await assert.rejects(loadCheckpoint(join(dir, 'no-weights')), new RegExp(`missing file ${join(dir, 'no-weights', 'weights\\.bin')}`));
  });

  test('another format version names both versions; a truncated file names the variable', async () => {
    const path = join(dir, 'v2');
    await saveCheckpoint(trained, path);
    const manifest = JSON.parse(await readFile(join(path, 'manifest.json'), 'utf8'));
    await writeFile(join(path, 'manifest.json'), JSON.stringify({ ...manifest, version: 2 }));
    await assert.rejects(loadCheckpoint(path), new RegExp(`format version 2 is not supported \\(this build reads version ${CHECKPOINT_VERSION}\\)`));
    await writeFile(join(path, 'manifest.json'), JSON.stringify(manifest));
    await writeFile(join(path, 'weights.bin'), new Uint8Array(100));
    await assert.rejects(loadCheckpoint(path), /weights\.bin: variable '.*' needs bytes \d+\.\.\d+ but the file has 100/);
    await writeFile(join(path, 'manifest.json'), '{ not json');
    await assert.rejects(loadCheckpoint(path), /manifest\.json: not valid JSON/);
  });
});

function decode(model: WorldModel, states: tf.Tensor2D): tf.Tensor {
  assert.ok(model.decodeProprio !== undefined, 'model has a proprio head');
  return model.decodeProprio(states);
}
