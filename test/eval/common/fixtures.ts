import { applyOverrides, parseConfig } from '../../../src/core/config/Config.js';
import type { Config } from '../../../src/core/config/Config.js';
import { experimentModels } from '../../../src/eval/common/experimentModels.js';
import type { ExperimentModels } from '../../../src/eval/common/experimentModels.js';
import { SimEnv } from '../../../src/sim/SimEnv.js';
import { TEST_ENGINE_OVERRIDE, useTestBackend } from '../../backend.js';

/** A tiny but complete setup for experiment tests: small camera, few points, small model. */
export function tinyConfig(extra: string[] = []): Readonly<Config> {
  return parseConfig(
    applyOverrides({}, [
      'seed=3',
      'sim.episodeSteps=12',
      'sim.camera.width=32',
      'sim.camera.height=32',
      'sim.pointCount=64',
      'model.latentDim=16',
      'model.image.size=16',
      'model.image.patchSize=4',
      'model.image.width=16',
      'model.image.tokenHidden=16',
      'model.image.channelHidden=16',
      'model.points.count=64',
      'model.points.hidden=[16,16]',
      'model.proprio.hidden=16',
      'model.predictor.width=32',
      'learn.minFrames=16',
      'learn.batchSize=8',
      TEST_ENGINE_OVERRIDE,
      ...extra,
    ]),
  );
}

/** The simulator and the two encoders (trained briefly on babbling here); call close(). */
export async function tinySetup(config: Readonly<Config>, budget = { babbleEpisodes: 6, trainSteps: 60 }): Promise<{ env: SimEnv; models: ExperimentModels; close(): void }> {
  await useTestBackend();
  const env = await SimEnv.create(config.sim);
  const models = await experimentModels(env, config, budget);
  return {
    env,
    models,
    close: () => {
      models.dispose();
      env.close();
    },
  };
}
