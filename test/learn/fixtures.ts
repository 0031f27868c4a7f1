import { applyOverrides, parseConfig, Rng, sampleAction } from '../../src/core/index.js';
import type { Config, ModelConfig } from '../../src/core/index.js';
import { compactFrame } from '../../src/learn/index.js';
import type { CompactFrame } from '../../src/learn/index.js';
import { SimEnv } from '../../src/sim/index.js';
import { TEST_BACKEND } from '../backend.js';

/**
 * A run config with a tiny world model (16x16 RGB in 8x8 patches, 64 points, proprio of the
 * sim's 5-joint arm) on the suite's backend (test/backend.ts), small sim cameras, and learner settings for tests.
 * `overrides` are 'key.path=value' strings, as on the command line.
 */
export function tinyConfig(...overrides: string[]): Readonly<Config> {
  const raw = {
    seed: 1,
    engine: { backend: TEST_BACKEND },
    sim: { camera: { width: 32, height: 32 }, pointCount: 128, episodeSteps: 80 },
    model: {
      latentDim: 16,
      image: { size: 16, patchSize: 8, width: 16, mixerDepth: 1, tokenHidden: 8, channelHidden: 16 },
      points: { count: 64, hidden: [16, 32] },
      proprio: { dim: 14, hidden: 16 },
      actionDim: 4,
      predictor: { width: 32, depth: 1 },
      horizon: 2,
    },
    learn: { capacityFrames: 256, minFrames: 32, batchSize: 8, publishEverySteps: 5, checkpointEverySteps: 0 },
  };
  return parseConfig(applyOverrides(raw, overrides), 'test config');
}

export interface LivedFrame {
  readonly frame: CompactFrame;
  /** The action taken after the frame; undefined for the last frame of an episode. */
  readonly action: Float32Array | undefined;
  readonly episode: number;
}

/** `count` frames lived in the real simulation under uniformly random actions, episode after episode. */
export async function simFrames(config: Readonly<Config>, count: number, seed = 7): Promise<LivedFrame[]> {
  const env = await SimEnv.create(config.sim);
  const rng = new Rng(seed);
  const out: LivedFrame[] = [];
  try {
    let episode = 0;
    let obs = env.reset(seed);
    while (out.length < count) {
      const action = sampleAction(env.actionSpace, () => rng.next()).values;
      const result = env.step(action);
      out.push({ frame: compactFrame(obs, config.model), action: Float32Array.from(action), episode });
      obs = result.observation;
      if (result.done && out.length < count) {
        out.push({ frame: compactFrame(obs, config.model), action: undefined, episode });
        episode++;
        obs = env.reset(seed + episode);
      }
    }
  } finally {
    env.close();
  }
  return out.slice(0, count);
}

/** A deep copy of a frame (the host transfers, and so detaches, what it is given). */
export function copyFrame(frame: CompactFrame): CompactFrame {
  return {
    ...(frame.rgb ? { rgb: frame.rgb.slice() } : {}),
    ...(frame.points ? { points: frame.points.slice() } : {}),
    ...(frame.proprio ? { proprio: frame.proprio.slice() } : {}),
    ...(frame.object ? { object: frame.object.slice() } : {}),
    ...(frame.objectPlace ? { objectPlace: frame.objectPlace.slice() } : {}),
  };
}

/** A frame whose values all encode `id` (for checking what the buffer returns), at `model`'s sizes. */
export function markedFrame(model: ModelConfig, id: number): CompactFrame {
  const s = model.image.size;
  return {
    rgb: new Uint8Array(s * s * 3).fill(id % 256),
    points: new Float32Array(model.points.count * 3).fill(id),
    proprio: new Float32Array(model.proprio.dim).fill(id),
  };
}
