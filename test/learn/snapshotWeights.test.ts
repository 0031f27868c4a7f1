import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { snapshotWeights, weightsTransferList } from '../../src/learn/index.js';
import { WorldModel } from '../../src/model/index.js';
import { useTestBackend } from '../model/fixtures.js';
import { tinyConfig } from './fixtures.js';

describe('snapshotWeights', () => {
  before(useTestBackend);

  test('copies every variable by name, independent of later changes to the model', () => {
    const model = new WorldModel(tinyConfig('model.ema.enabled=true').model, { seed: 3 });
    const names = model.params.names();
    const tensors = tf.memory().numTensors;
    const update = snapshotWeights(model, 12);
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(update.steps, 12);
    assert.deepEqual(Object.keys(update.values), names, 'trainable weights, EMA targets, normalisers and fusion errors alike');
    assert.ok(names.some((n) => n.startsWith('target.')) && names.includes('fusion.error'));
    for (const name of names) assert.deepEqual(update.values[name], model.params.get(name).dataSync());
    const name = model.params.trainableNames()[0];
    const before = update.values[name].slice();
    tf.tidy(() => model.params.get(name).assign(tf.add(model.params.get(name), 1)));
    assert.deepEqual(update.values[name], before);
    model.dispose();
  });

  test('every array owns its whole buffer, so the transfer list moves exactly the values', () => {
    const model = new WorldModel(tinyConfig().model, { seed: 3 });
    const update = snapshotWeights(model, 0);
    const list = weightsTransferList(update);
    assert.equal(list.length, Object.keys(update.values).length);
    Object.values(update.values).forEach((v, i) => {
      assert.equal(v.byteOffset, 0);
      assert.equal(list[i].byteLength, v.byteLength);
    });
    model.dispose();
  });
});
