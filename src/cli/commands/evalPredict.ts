import { SPLIT_NAMES, TASK_NAMES } from '../../core/config/simConfig.js';
import { runPredictExperiment } from '../../eval/predict/predictExperiment.js';
import { predictMarkdown, predictPlots } from '../../eval/predict/predictReport.js';
import type { Runtime } from '../runtime.js';
import { runEvalCommand } from './evalCommon.js';
import type { EvalCommonOptions } from './evalCommon.js';
import { nonNegativeInt, parseList, positiveInt } from './parseList.js';

export interface EvalPredictOptions extends EvalCommonOptions {
  horizon?: string;
  splits?: string;
  tasks: string;
  fitEpisodes?: string;
  testEpisodes?: string;
  pushEpisodes?: string;
  steps?: string;
}

/** `jepa-agent eval predict`: latent prediction error per horizon vs copy-last, and pose probes. */
export async function evalPredict(runtime: Runtime, options: EvalPredictOptions): Promise<string> {
  return runEvalCommand(runtime, 'predict', options, ({ config, env, models, quick, progress }) => {
    const report = runPredictExperiment(env, models, {
      horizon: positiveInt(options.horizon ?? (quick ? '3' : '8'), '--horizon'),
      splits: parseList(options.splits ?? (quick ? 'train,unseen_all' : SPLIT_NAMES.join(',')), SPLIT_NAMES, 'split'),
      tasks: parseList(options.tasks, TASK_NAMES, 'task'),
      fitEpisodes: positiveInt(options.fitEpisodes ?? (quick ? '8' : '120'), '--fit-episodes'),
      testEpisodes: positiveInt(options.testEpisodes ?? (quick ? '2' : '12'), '--test-episodes'),
      pushEpisodes: nonNegativeInt(options.pushEpisodes ?? (quick ? '2' : '12'), '--push-episodes'),
      steps: positiveInt(options.steps ?? (quick ? '12' : '20'), '--steps'),
      holdSteps: config.agent.exploration.babbleHoldSteps,
      seed: config.seed,
      logger: runtime.logger,
      onProgress: progress,
    });
    return { json: { report }, markdown: (meta) => predictMarkdown(report, meta), plots: predictPlots(report) };
  });
}
