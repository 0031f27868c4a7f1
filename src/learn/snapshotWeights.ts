import type { WorldModel } from '../model/index.js';

/**
 * A copy of every variable of a model (trainable weights, EMA targets, normaliser statistics,
 * fusion errors), keyed by variable name. Each array owns its buffer, so the update can be
 * posted between threads with `weightsTransferList` and nothing is copied on the way.
 */
export interface WeightsUpdate {
  /** Training steps behind these weights. */
  readonly steps: number;
  readonly values: Readonly<Record<string, Float32Array>>;
}

/** Reads the model's variables into a WeightsUpdate (the data is copied out of the backend). */
export function snapshotWeights(model: WorldModel, steps: number): WeightsUpdate {
  const values: Record<string, Float32Array> = {};
  for (const name of model.params.names()) values[name] = Float32Array.from(model.params.get(name).dataSync() as Float32Array);
  return { steps, values };
}

/** The buffers of an update, for postMessage's transfer list. */
export function weightsTransferList(update: WeightsUpdate): ArrayBuffer[] {
  return Object.values(update.values).map((v) => v.buffer as ArrayBuffer);
}
