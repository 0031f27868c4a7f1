/**
 * Speed of the world model (src/model) with the default config: one training step at batch 32
 * (64x64 RGB + 512 points + proprio, 3-step rollout), the same step per single modality, one
 * observation's encoding, and a planner-sized predict call. Median ms of a few runs.
 * Run: npx tsc -p . && node dist/bench/modelTrainStep.js [backend]  (prints one JSON object).
 */
import * as tf from '@tensorflow/tfjs';
import { modelConfigSchema, Rng, timestampFromSeconds } from '../src/core/index.js';
import type { EngineBackend, ModelConfigInput, Observation } from '../src/core/index.js';
import { initBackend } from '../src/model/engine/index.js';
import { Trainer, WorldModel } from '../src/model/index.js';
import type { TrainingBatch } from '../src/model/index.js';

const REPEATS = 5;
const BATCH = 32;
const rng = new Rng('modelTrainStep');

function median(f: () => void): number {
  f();
  const runs = Array.from({ length: REPEATS }, () => {
    const start = performance.now();
    f();
    return performance.now() - start;
  }).sort((a, b) => a - b);
  return Math.round(runs[Math.floor(REPEATS / 2)]);
}

function randomBatch(config: ModelConfigInput): TrainingBatch {
  const cfg = modelConfigSchema.parse(config);
  const h = cfg.horizon;
  const frames = BATCH * (h + 1);
  const s = cfg.image.size;
  const rgb = new Uint8Array(frames * s * s * 3).map(() => rng.int(0, 256));
  return {
    batchSize: BATCH,
    horizon: h,
    rgb,
    points: rng.fillNormal(new Float32Array(frames * cfg.points.count * 3)),
    proprio: rng.fillNormal(new Float32Array(frames * cfg.proprio.dim)),
    actions: rng.fillUniform(new Float32Array(BATCH * h * cfg.actionDim), -1, 1),
  };
}

function trainStepMs(config: ModelConfigInput): { ms: number; parameters: number } {
  const model = new WorldModel(config, { seed: 1 });
  const trainer = new Trainer(model);
  const batch = randomBatch(config);
  const ms = median(() => trainer.trainStep(batch));
  const parameters = model.params.trainableSize();
  trainer.dispose();
  model.dispose();
  return { ms, parameters };
}

function observation(): Observation {
  const stamp = timestampFromSeconds(0);
  const header = { stamp, frameId: 'bench' };
  return {
    stamp,
    rgb: { ...header, width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).map(() => rng.int(0, 256)) },
    points: { ...header, count: 512, positions: rng.fillNormal(new Float32Array(512 * 3)) },
    proprio: {
      ...header,
      jointNames: ['j1', 'j2', 'j3', 'j4', 'j5', 'j6', 'j7'],
      positions: new Float64Array(7),
      velocities: new Float64Array(7),
      endEffector: { position: [0.4, 0, 0.3], quaternion: [1, 0, 0, 0] },
      gripper: 1,
    },
  };
}

async function main(): Promise<void> {
  const backend = (process.argv[2] ?? 'wasm') as EngineBackend;
  const description = await initBackend({ backend });
  const only = (m: 'rgb' | 'points' | 'proprio'): ModelConfigInput => ({
    modalities: { rgb: m === 'rgb', points: m === 'points', proprio: m === 'proprio' },
  });
  const results: Record<string, unknown> = {
    trainStepDefault: trainStepMs({}),
    trainStepRgbOnly: trainStepMs(only('rgb')),
    trainStepPointsOnly: trainStepMs(only('points')),
    trainStepProprioOnly: trainStepMs(only('proprio')),
    trainStepTransformerPredictor: trainStepMs({ predictor: { kind: 'transformer', history: 3, width: 128 } }),
    trainStepEma: trainStepMs({ ema: { enabled: true } }),
  };
  const model = new WorldModel({}, { seed: 1 });
  const obs = observation();
  results.encodeObservationMs = median(() => model.encodeObservation(obs));
  const states = tf.tensor2d(rng.fillNormal(new Float32Array(1024 * model.latentDim)), [1024, model.latentDim]);
  const actions = tf.tensor2d(rng.fillUniform(new Float32Array(1024 * model.actionDim), -1, 1), [1024, model.actionDim]);
  results.predict1024Ms = median(() => model.predict(states, actions).dispose());
  tf.dispose([states, actions]);
  model.dispose();
  const { backend: used, kernelFixes } = description;
  const out = { bench: 'modelTrainStep', backend: used, kernelFixes, batch: BATCH, repeats: REPEATS, results };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

await main();
