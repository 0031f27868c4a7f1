import * as tf from '@tensorflow/tfjs';
import type { WorldModel } from '../model/index.js';
import type { WeightsUpdate } from './snapshotWeights.js';

/**
 * Writes published weights into a model's variables (e.g. the acting model on the main
 * thread). Every named variable must exist with the same number of values; all are checked
 * before any is written, so a bad update leaves the model untouched. Variables the update
 * does not name keep their values; the model's weightsVersion goes up. Allocates no lasting tensor: each assign replaces the
 * variable's storage and the temporary is freed by the tidy scope.
 */
export function applyWeights(model: WorldModel, update: WeightsUpdate): void {
  const entries = Object.entries(update.values);
  for (const [name, values] of entries) {
    if (!model.params.has(name)) throw new RangeError(`weights update (step ${update.steps}): variable '${name}' is not in the model`);
    const variable = model.params.get(name);
    if (!(values instanceof Float32Array) || values.length !== variable.size) {
      const got = values instanceof Float32Array ? `${values.length} values` : `a ${typeof values}`;
      throw new RangeError(
        `weights update (step ${update.steps}): variable '${name}' has ${got}, expected ${variable.size} float32 for shape [${variable.shape.join(', ')}]`,
      );
    }
  }
  tf.tidy(() => {
    for (const [name, values] of entries) {
      const variable = model.params.get(name);
      variable.assign(tf.tensor(values, variable.shape, 'float32'));
    }
  });
  model.weightsVersion++;
}
