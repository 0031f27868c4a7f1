import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SPLIT_NAMES, TASK_NAMES } from '../../core/config/simConfig.js';
import { baselineMarkdown, runBaselines } from '../../eval/baselineExperiment.js';
import { SimEnv } from '../../sim/SimEnv.js';
import { encodePng } from '../../viz/encodePng.js';
import { progressBar } from '../progressBar.js';
import { parseList, positiveInt } from './parseList.js';
import type { Runtime } from '../runtime.js';

export interface SimBaselinesOptions {
  tasks: string;
  splits: string;
  episodes: string;
  runsDir: string;
}

/** `jepa-agent sim baselines`: random and scripted controllers in closed loop, written to runs/<time>/. */
export async function simBaselines(runtime: Runtime, options: SimBaselinesOptions): Promise<string> {
  const { config, logger } = runtime;
  const tasks = parseList(options.tasks, TASK_NAMES, 'task');
  const splits = parseList(options.splits, SPLIT_NAMES, 'split');
  const episodes = positiveInt(options.episodes, '--episodes');
  const runDir = resolve(options.runsDir, `baselines-${new Date().toISOString().replace(/[:.]/g, '-')}`);
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
