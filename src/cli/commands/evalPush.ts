import { SPLIT_NAMES } from '../../core/config/simConfig.js';
import { DEFAULT_PUSH_DIAGNOSIS, PUSH_STARTS, pushMarkdown, runPushDiagnosis } from '../../eval/push/index.js';
import type { Runtime } from '../runtime.js';
import { runEvalCommand } from './evalCommon.js';
import type { EvalCommonOptions } from './evalCommon.js';
import { nonNegativeInt, parseList, positiveInt } from './parseList.js';

export interface EvalPushOptions extends EvalCommonOptions {
  episodes?: string;
  splits: string;
  starts: string;
  behind?: string;
  maxHeight?: string;
  practice?: string;
}

/** `jepa-agent eval push`: the learned planner's push from home and from the scripted pusher's pre-push pose. */
export async function evalPush(runtime: Runtime, options: EvalPushOptions): Promise<string> {
  return runEvalCommand(runtime, 'push', options, ({ config, env, models, quick, progress }) => {
    const report = runPushDiagnosis(env, models.trained, config, {
      episodes: positiveInt(options.episodes ?? (quick ? '2' : '20'), '--episodes'),
      splits: parseList(options.splits, SPLIT_NAMES, 'split'),
      starts: parseList(options.starts, PUSH_STARTS, 'start'),
      seed: config.seed,
      behind: metres(options.behind, DEFAULT_PUSH_DIAGNOSIS.behind, '--behind'),
      maxHeight: metres(options.maxHeight, DEFAULT_PUSH_DIAGNOSIS.maxHeight, '--max-height'),
      practiceEpisodes: nonNegativeInt(options.practice ?? (quick ? '2' : String(DEFAULT_PUSH_DIAGNOSIS.practiceEpisodes)), '--practice'),
      onProgress: progress,
    });
    return { json: { report }, markdown: (meta) => pushMarkdown(report, meta) };
  });
}

function metres(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const v = Number(value);
  if (!(Number.isFinite(v) && v > 0 && v < 1)) throw new RangeError(`${flag} must be a distance in metres between 0 and 1, got '${value}'`);
  return v;
}
