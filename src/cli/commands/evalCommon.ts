import type { Config } from '../../core/config/Config.js';
import { describeSource } from '../../eval/common/markdown.js';
import type { ReportMeta } from '../../eval/common/markdown.js';
import { experimentModels } from '../../eval/common/experimentModels.js';
import type { ExperimentModels } from '../../eval/common/experimentModels.js';
import { codeVersion, newExperimentDir, writeRunFolder } from '../../eval/common/runFolder.js';
import type { RunFolderContents } from '../../eval/common/runFolder.js';
import { initBackend } from '../../model/engine/initBackend.js';
import { SimEnv } from '../../sim/SimEnv.js';
import type { ChartSpec } from '../../report/index.js';
import type { Bitmap } from '../../viz/Bitmap.js';
import { progressBar } from '../progressBar.js';
import type { Runtime } from '../runtime.js';
import { positiveInt } from './parseList.js';

/** Options every `eval` experiment takes. */
export interface EvalCommonOptions {
  quick?: boolean;
  ckpt?: string;
  runsDir: string;
  trainSteps?: string;
  babbleEpisodes?: string;
  command: string;
  version: string;
}

export interface EvalContext {
  readonly config: Readonly<Config>;
  readonly env: SimEnv;
  readonly models: ExperimentModels;
  readonly quick: boolean;
  readonly progress: (done: number, total: number, line?: string) => void;
}

export interface EvalOutput {
  readonly json: Record<string, unknown>;
  readonly markdown: (meta: ReportMeta) => string;
  readonly plots?: Readonly<Record<string, ChartSpec>>;
  readonly images?: Readonly<Record<string, Bitmap>>;
}

/**
 * The frame of every `jepa-agent eval <name>` command: backend, simulator, encoders (from
 * --ckpt, or trained here on babbling with a budget that --quick shrinks), the experiment
 * body, then the run folder runs/<time>-<name>/ (report.json, report.md, report.html, plots/, images/).
 * Returns the run folder.
 */
export async function runEvalCommand(runtime: Runtime, name: string, options: EvalCommonOptions, body: (ctx: EvalContext) => EvalOutput): Promise<string> {
  const { config, logger } = runtime;
  const quick = options.quick === true;
  const trainSteps = positiveInt(options.trainSteps ?? (quick ? '40' : '600'), '--train-steps');
  const babbleEpisodes = positiveInt(options.babbleEpisodes ?? (quick ? '6' : '60'), '--babble-episodes');
  const started = performance.now();
  const engine = await initBackend({ backend: config.engine.backend, planning: config.engine.planning, logger });
  const env = await SimEnv.create(config.sim, { logger });
  let models: ExperimentModels | undefined;
  try {
    const trainBar = progressBar('encoder');
    models = await experimentModels(env, config, {
      ...(options.ckpt === undefined ? {} : { ckpt: options.ckpt }),
      babbleEpisodes,
      trainSteps,
      logger,
      onProgress: (done, total, line) => trainBar(done, total, line),
    });
    const bar = progressBar(name);
    const out = body({ config, env, models, quick, progress: (done, total, line) => bar(done, total, line) });
    const dir = newExperimentDir(options.runsDir, name);
    const code = codeVersion();
    const meta: ReportMeta = {
      command: options.command,
      code,
      seed: config.seed,
      durationS: (performance.now() - started) / 1000,
      quick,
      source: models.source,
      configSummary: `Backend ${engine.backend}; latent ${models.trained.latentDim}; modalities ${models.trained.modalities.join(', ')}; camera ${config.sim.camera.width}x${config.sim.camera.height}, model image ${models.trained.config.image.size}.`,
    };
    const markdown = out.markdown(meta);
    const contents: RunFolderContents = {
      json: { experiment: name, ...meta, encoder: describeSource(models.source), engine, config, ...out.json },
      markdown,
      ...(out.plots ? { charts: out.plots } : {}),
      ...(out.images ? { images: out.images } : {}),
    };
    await writeRunFolder(dir, contents);
    process.stdout.write(markdown);
    logger.info(`run folder: ${dir}`);
    return dir;
  } finally {
    models?.dispose();
    env.close();
  }
}

/** A comma-separated list of positive integers, e.g. --shots 1,5,10. */
export function positiveIntList(value: string, flag: string): number[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new RangeError(`${flag} must list positive integers, got '${value}'`);
  return items.map((s) => positiveInt(s, flag));
}
