import type { SplitName } from '../../core/config/simConfig.js';
import type { Observation } from '../../core/Observation.js';
import type { WorldModel } from '../../model/worldModel.js';
import type { SimEnv } from '../../sim/SimEnv.js';
import { accuracy, fitStandardizer, ridgeClassify } from '../common/index.js';

/** Scenes of one object each, labelled with its shape (class index), for fitting and for testing a probe. */
export interface ShapeScenes {
  readonly classes: readonly string[];
  readonly train: { readonly observations: readonly Observation[]; readonly labels: Int32Array };
  readonly test: { readonly observations: readonly Observation[]; readonly labels: Int32Array };
}

export interface ShapeSceneOptions {
  /** Labelled scenes per shape the probe is fitted on. */
  readonly perClassTrain: number;
  /** Scenes per shape it is tested on. */
  readonly perClassTest: number;
  readonly split: SplitName;
  /** Seed of the first scene (default 9_000_000, apart from practice and evaluation seeds). */
  readonly seedBase?: number;
}

const SEED_BASE = 9_000_000;

/**
 * Push-task scenes (one object on the table, the arm at home), each shape of the split's
 * catalogue in turn, from fixed seeds: the same scenes for every ablation arm and seed, so
 * probe accuracies compare representations, not datasets. The observation is what the arm's
 * sensors deliver (faults included).
 */
export function collectShapeScenes(env: SimEnv, options: ShapeSceneOptions): ShapeScenes {
  const { perClassTrain, perClassTest, split } = options;
  if (!(Number.isInteger(perClassTrain) && perClassTrain >= 1 && Number.isInteger(perClassTest) && perClassTest >= 1)) {
    throw new RangeError(`shape probe: perClassTrain and perClassTest must be positive integers, got ${perClassTrain} and ${perClassTest}`);
  }
  const families = env.scene.splits;
  const classes = families.families.objects[families.splits[split].objects].shapes;
  const seedBase = options.seedBase ?? SEED_BASE;
  const take = (offset: number, perClass: number): ShapeScenes['train'] => {
    const observations: Observation[] = [];
    const labels: number[] = [];
    classes.forEach((shape, c) => {
      for (let k = 0; k < perClass; k++) {
        observations.push(env.reset(seedBase + offset + c * 1000 + k, { task: 'push', split, shape }));
        labels.push(c);
      }
    });
    return { observations, labels: Int32Array.from(labels) };
  };
  return { classes, train: take(0, perClassTrain), test: take(500, perClassTest) };
}

/**
 * Accuracy of a linear probe (closed-form ridge on one-hot targets, penalty by leave-one-out,
 * from src/eval/common) from the model's fused latent state to the object's shape; and chance.
 */
export function shapeProbeAccuracy(model: WorldModel, scenes: ShapeScenes): { accuracy: number; chance: number } {
  const d = model.latentDim;
  const train = encodeAll(model, scenes.train.observations);
  const test = encodeAll(model, scenes.test.observations);
  const n = scenes.train.observations.length;
  const m = scenes.test.observations.length;
  const std = fitStandardizer(train, n, d);
  const predicted = ridgeClassify({ x: std.apply(train, n), labels: scenes.train.labels, n, d }, scenes.classes.length, std.apply(test, m), m);
  return { accuracy: accuracy(predicted, scenes.test.labels), chance: 1 / scenes.classes.length };
}

/** Latent states of observations, in batches so that no large tensor lives long. */
function encodeAll(model: WorldModel, observations: readonly Observation[], batch = 32): Float32Array {
  const out = new Float32Array(observations.length * model.latentDim);
  for (let i = 0; i < observations.length; i += batch) {
    const states = model.encodeObservations(observations.slice(i, i + batch));
    out.set(states.dataSync(), i * model.latentDim);
    states.dispose();
  }
  return out;
}
