import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Observation } from '../../core/Observation.js';
import type { Runtime } from '../runtime.js';
import { SimEnv } from '../../sim/SimEnv.js';
import { depthToColorMap, encodePng, pointCloudTopView, tileImages } from '../../viz/index.js';
import type { Bitmap } from '../../viz/index.js';

export interface SnapshotOptions {
  out: string;
}

/**
 * Writes PNGs of what the agent sees at the start of an episode and of its goal: RGB,
 * colour-mapped depth, the point cloud from above, the wrist camera, and the true state as
 * JSON, so a person can check a scene, a split or a task at a glance.
 */
export async function simSnapshot(runtime: Runtime, options: SnapshotOptions): Promise<string[]> {
  const { config, logger } = runtime;
  const out = resolve(options.out);
  mkdirSync(out, { recursive: true });
  const env = await SimEnv.create(config.sim, { logger });
  const written: string[] = [];
  const write = (name: string, bitmap: Bitmap): void => {
    const path = join(out, name);
    writeFileSync(path, encodePng(bitmap.width, bitmap.height, bitmap.rgb, 3));
    written.push(path);
  };
  try {
    const start = env.reset(config.seed);
    const goal = env.goalObservation();
    for (const [prefix, obs] of [['start', start], ['goal', goal]] as Array<[string, Observation]>) {
      const rgb = requireBitmap(obs);
      const depth = obs.depth!;
      const depthRgb = depthToColorMap(depth.data, depth.width, depth.height);
      write(`${prefix}_rgb.png`, rgb);
      write(`${prefix}_depth.png`, { width: depth.width, height: depth.height, rgb: depthRgb });
      if (obs.points && obs.points.count > 0) {
        write(
          `${prefix}_points_top.png`,
          pointCloudTopView(obs.points, { size: 256, range: { xmin: 0, xmax: 0.7, ymin: -0.4, ymax: 0.4 }, pointSize: 3, colorBy: 'color' }),
        );
      }
    }
    write('start_vs_goal.png', tileImages([requireBitmap(start), requireBitmap(goal)], { gap: 4 }));
    const wrist = env.render('wrist');
    write('start_wrist_rgb.png', { width: wrist.width, height: wrist.height, rgb: wrist.rgb });
    const state = env.trueState();
    const statePath = join(out, 'true_state.json');
    writeFileSync(
      statePath,
      `${JSON.stringify({ seed: config.seed, task: state.task, split: state.split, goal: { ...state.goal, armPositions: undefined }, toolPosition: state.toolPosition, objects: state.objects }, null, 2)}\n`,
    );
    written.push(statePath);
    logger.info(`snapshot of ${state.task} / ${state.split} / seed ${config.seed} written`, { out, files: written.length });
    return written;
  } finally {
    env.close();
  }
}

function requireBitmap(obs: Observation): Bitmap {
  if (!obs.rgb) throw new Error('snapshot: the observation has no RGB image');
  return { width: obs.rgb.width, height: obs.rgb.height, rgb: obs.rgb.data };
}
