import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { applyWeights, compactFrame, snapshotWeights } from '../../src/learn/index.js';
import { WorldModel } from '../../src/model/index.js';
import { observation, take, useTestBackend } from '../model/fixtures.js';
import { tinyConfig } from './fixtures.js';

const config = tinyConfig().model;

function encode(model: WorldModel): Float32Array {
  const frame = compactFrame(observation(1), config);
  return take(model.encodeFrames({ count: 1, ...frame }));
}

describe('applyWeights', () => {
  before(useTestBackend);

  test('makes one model compute what another computes, without leaving tensors behind', () => {
    const source = new WorldModel(config, { seed: 1 });
    const target = new WorldModel(config, { seed: 2 });
    assert.notDeepEqual(encode(target), encode(source));
    const update = snapshotWeights(source, 7);
    const tensors = tf.memory().numTensors;
    applyWeights(target, update);
    applyWeights(target, update);
    assert.equal(tf.memory().numTensors, tensors, 'applying weights leaks no tensor');
    assert.deepEqual(encode(target), encode(source));
    assert.deepEqual(target.fusionWeights(), source.fusionWeights());
    source.dispose();
    target.dispose();
  });

  test('a bad update is refused whole, naming the variable', () => {
    const model = new WorldModel(config, { seed: 1 });
    const before = encode(model);
    const other = new WorldModel(config, { seed: 5 });
    const good = snapshotWeights(other, 3).values;
    other.dispose();
    const [first, second] = model.params.names();
    assert.throws(
      () => applyWeights(model, { steps: 3, values: { ...good, 'no.such.weight': new Float32Array(1) } }),
      /weights update \(step 3\): variable 'no.such.weight' is not in the model/,
    );
    assert.throws(
      () => applyWeights(model, { steps: 3, values: { [first]: good[first], [second]: new Float32Array(1) } }),
      new RegExp(`variable '${second.replace(/\./g, '\\.')}' has 1 values, expected \\d+ float32 for shape \\[`),
    );
    assert.deepEqual(encode(model), before, 'nothing was written');
    model.dispose();
  });

  test('a partial update changes only the variables it names', () => {
    const model = new WorldModel(config, { seed: 1 });
    const [name, other] = model.params.trainableNames();
    const otherBefore = Float32Array.from(model.params.get(other).dataSync());
    const values = new Float32Array(model.params.get(name).size).fill(0.5);
    applyWeights(model, { steps: 1, values: { [name]: values } });
    assert.deepEqual(model.params.get(name).dataSync(), values);
    assert.deepEqual(model.params.get(other).dataSync(), otherBefore);
    model.dispose();
  });
});
