import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SPLIT_NAMES, TASK_NAMES } from '../../core/config/simConfig.js';
import { baselineMarkdown, runBaselines } from '../../eval/baselineExperiment.js';
import { SimEnv } from '../../sim/SimEnv.js';
import { encodePng } from '../../viz/encodePng.js';
import { progressBar } from '../progressBar.js';
import type { Runtime } from '../runtime.js';

export interface SimRunOptions {
  tasks: string;
  splits: string;
  episodes: string;
  runsDir: string;
}

/** `jepa-agent sim`: closed-loop episodes in the embedded simulation, written to runs/<time>/. */
export async function simRun(runtime: Runtime, options: SimRunOptions): Promise<string> {
  const { config, logger } = runtime;
  const tasks = parseList(options.tasks, TASK_NAMES, 'task');
  const splits = parseList(options.splits, SPLIT_NAMES, 'split');
  const episodes = Number(options.episodes);
  if (!Number.isInteger(episodes) || episodes < 1) throw new RangeError(`--episodes must be a positive integer, got '${options.episodes}'`);
  const runDir = resolve(options.runsDir, new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(join(runDir, 'frames'), { recursive: true });
  const env = await SimEnv.create(config.sim, { logger });
  try {
    logger.info('closed-loop baseline run', { tasks, splits, episodes, runDir });
    const report = runBaselines(env, config, { tasks, splits, episodes, logger, onProgress: progressBar('episodes') });
    for (const frame of report.frames) {
      writeFileSync(join(runDir, 'frames', `${frame.name}.png`), encodePng(frame.image.width, frame.image.height, frame.image.rgb, 3));
    }
    const { frames: _frames, ...json } = report;
    writeFileSync(join(runDir, 'report.json'), `${JSON.stringify({ ...json, config }, null, 2)}\n`);
    writeFileSync(join(runDir, 'report.md'), baselineMarkdown(report));
    logger.info(`report written to ${join(runDir, 'report.md')}`);
    process.stdout.write(baselineMarkdown(report));
    return runDir;
  } finally {
    env.close();
  }
}

function parseList<T extends string>(text: string, allowed: readonly T[], what: string): T[] {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new RangeError(`unknown ${what} '${item}' (expected one of: ${allowed.join(', ')})`);
    }
  }
  if (items.length === 0) throw new RangeError(`no ${what} given`);
  return items as T[];
}
