import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { modelConfigSchema } from '../../../src/core/config/modelConfig.js';
import { simConfigSchema } from '../../../src/core/config/simConfig.js';
import { collectShapeScenes, shapeProbeAccuracy } from '../../../src/eval/ablate/index.js';
import { WorldModel } from '../../../src/model/worldModel.js';
import { SimEnv } from '../../../src/sim/SimEnv.js';
import { useTestBackend } from '../../backend.js';

let env: SimEnv;
before(async () => {
  await useTestBackend();
  env = await SimEnv.create(simConfigSchema.parse({ camera: { width: 16, height: 16 }, pointCount: 64 }));
});
after(() => env.close());

test('scenes: every shape of the split, labelled truly, the same scenes for the same seeds', () => {
  const scenes = collectShapeScenes(env, { perClassTrain: 2, perClassTest: 1, split: 'train' });
  assert.deepEqual(scenes.classes, ['box', 'cylinder', 'sphere', 'capsule', 'ellipsoid', 'tee', 'wedge']);
  assert.equal(scenes.train.observations.length, 14);
  assert.equal(scenes.test.observations.length, 7);
  assert.deepEqual([...scenes.test.labels], [0, 1, 2, 3, 4, 5, 6]);
  env.reset(9_000_000 + 500 + 3 * 1000, { task: 'push', split: 'train', shape: 'capsule' });
  assert.equal(env.trueState().objects[0].shape, 'capsule');
  const again = collectShapeScenes(env, { perClassTrain: 2, perClassTest: 1, split: 'train' });
  assert.deepEqual(again.train.observations[5].rgb?.data, scenes.train.observations[5].rgb?.data);
  assert.notDeepEqual(scenes.train.observations[0].rgb?.data, scenes.train.observations[1].rgb?.data, 'two scenes of a class differ');
  assert.throws(() => collectShapeScenes(env, { perClassTrain: 0, perClassTest: 1, split: 'train' }), /perClassTrain and perClassTest must be positive integers, got 0 and 1/);
});

test('probe accuracy of a model is a fraction, chance is one over the classes, nothing leaks', () => {
  const model = new WorldModel(
    modelConfigSchema.parse({ latentDim: 8, image: { size: 16, patchSize: 8, width: 8, tokenHidden: 8, channelHidden: 8 }, points: { count: 64, hidden: [8, 8] }, proprio: { hidden: 8 } }),
    { seed: 1 },
  );
  const scenes = collectShapeScenes(env, { perClassTrain: 3, perClassTest: 2, split: 'train' });
  const tensors = tf.memory().numTensors;
  const { accuracy, chance } = shapeProbeAccuracy(model, scenes);
  assert.equal(tf.memory().numTensors, tensors);
  assert.ok(accuracy >= 0 && accuracy <= 1, `accuracy ${accuracy}`);
  assert.equal(chance, 1 / 7);
  assert.equal(shapeProbeAccuracy(model, scenes).accuracy, accuracy, 'closed form: the same features, the same accuracy');
  model.dispose();
});
