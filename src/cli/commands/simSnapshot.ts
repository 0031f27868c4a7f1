import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Observation, PointCloud } from '../../core/Observation.js';
import { perceptionConfigSchema } from '../../core/config/perceptionConfig.js';
import type { PerceptionConfig } from '../../core/config/perceptionConfig.js';
import { perceiveCloud } from '../../perception/index.js';
import type { PerceivedCloud } from '../../perception/index.js';
import type { Runtime } from '../runtime.js';
import { SimEnv } from '../../sim/SimEnv.js';
import { depthToColorMap, encodePng, pointCloudTopView, tileImages } from '../../viz/index.js';
import type { Bitmap } from '../../viz/index.js';

export interface SnapshotOptions {
  out: string;
  /** Perception settings; the defaults when omitted. */
  perception?: PerceptionConfig;
  /** Samples of the perceived cloud (the model's points.count). */
  sampleCount?: number;
}

/** Points on the objects before and after perception, counted with the true segment ids (measurement only). */
export interface PerceptionMeasurement {
  readonly objectPointsBefore: number;
  readonly pointsBefore: number;
  readonly objectPointsAfter: number;
  readonly pointsAfter: number;
  readonly objectShareBefore: number;
  readonly objectShareAfter: number;
  readonly kept: number;
  readonly stats: PerceivedCloud['stats'];
}

const TOP_RANGE = { xmin: 0, xmax: 0.7, ymin: -0.4, ymax: 0.4 };
const HIGHLIGHT = [255, 220, 0];

/**
 * Writes PNGs of what the agent sees at the start of an episode and of its goal: RGB,
 * colour-mapped depth, the point cloud from above, the wrist camera, and the true state as
 * JSON, so a person can check a scene, a split or a task at a glance. The perceived top views
 * show the raw cloud in grey and the points the perception stage kept in colour; the JSON's
 * `perception` block counts the object's points before and after it.
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
    // model.perception once the model config carries it (its defaults until then).
    const perceptionConfig = options.perception ?? perceptionConfigSchema.parse((config.model as { perception?: unknown }).perception ?? {});
    const sampleCount = options.sampleCount ?? config.model.points.count;
    const start = env.reset(config.seed);
    const goal = env.goalObservation();
    const objectGeoms = objectGeomIds(env);
    const perception: Record<string, PerceptionMeasurement> = {};
    for (const [prefix, obs] of [['start', start], ['goal', goal]] as Array<[string, Observation]>) {
      const rgb = requireBitmap(obs);
      const depth = obs.depth!;
      const depthRgb = depthToColorMap(depth.data, depth.width, depth.height);
      write(`${prefix}_rgb.png`, rgb);
      write(`${prefix}_depth.png`, { width: depth.width, height: depth.height, rgb: depthRgb });
      if (obs.points && obs.points.count > 0) {
        write(
          `${prefix}_points_top.png`,
          pointCloudTopView(obs.points, { size: 256, range: TOP_RANGE, pointSize: 3, colorBy: 'color' }),
        );
        const perceived = perceiveCloud(obs.points, perceptionConfig, sampleCount, obs.robotShapes);
        perception[prefix] = measure(obs.points, perceived, objectGeoms);
        write(`${prefix}_points_perceived_top.png`, perceivedTopView(obs.points, perceived));
      }
    }
    write('start_vs_goal.png', tileImages([requireBitmap(start), requireBitmap(goal)], { gap: 4 }));
    // A robot without a wrist camera (sim.robot.wristCamera null) has no wrist picture.
    if (config.sim.robot.wristCamera !== null) {
      const wrist = env.render('wrist');
      write('start_wrist_rgb.png', { width: wrist.width, height: wrist.height, rgb: wrist.rgb });
    }
    const state = env.trueState();
    const statePath = join(out, 'true_state.json');
    writeFileSync(
      statePath,
      `${JSON.stringify({ seed: config.seed, task: state.task, split: state.split, goal: { ...state.goal, armPositions: undefined }, toolPosition: state.toolPosition, objects: state.objects, perception: { sampleCount, config: perceptionConfig, ...perception } }, null, 2)}\n`,
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

/** Segment ids of the episode's objects: the geoms of their bodies. */
function objectGeomIds(env: SimEnv): Set<number> {
  const { mj, model } = env.mujoco;
  const bodyOf = model.geom_bodyid as Int32Array;
  const objectBodies = new Set(env.trueState().objects.map((o) => mj.mj_name2id(model, mj.mjtObj.mjOBJ_BODY.value as unknown as number, o.name)));
  const ids = new Set<number>();
  for (let g = 0; g < model.ngeom; g++) if (objectBodies.has(bodyOf[g])) ids.add(g);
  return ids;
}

function measure(cloud: PointCloud, perceived: PerceivedCloud, objectGeoms: Set<number>): PerceptionMeasurement {
  const segments = cloud.segments;
  if (!segments) throw new Error('snapshot: the point cloud has no segment ids to count object points with');
  let before = 0;
  for (let i = 0; i < cloud.count; i++) if (objectGeoms.has(segments[i])) before++;
  let after = 0;
  const pointsAfter = perceived.kept > 0 ? perceived.indices.length : 0;
  for (let j = 0; j < pointsAfter; j++) if (objectGeoms.has(segments[perceived.indices[j]])) after++;
  const share = (k: number, n: number): number => (n > 0 ? Math.round((k / n) * 1e4) / 1e4 : 0);
  return {
    objectPointsBefore: before,
    pointsBefore: cloud.count,
    objectPointsAfter: after,
    pointsAfter,
    objectShareBefore: share(before, cloud.count),
    objectShareAfter: share(after, pointsAfter),
    kept: perceived.kept,
    stats: perceived.stats,
  };
}

/** The raw cloud in grey from above, the perceived samples over it in yellow. */
function perceivedTopView(cloud: PointCloud, perceived: PerceivedCloud): Bitmap {
  const grey = new Uint8Array(3 * cloud.count).fill(90);
  const base = pointCloudTopView({ ...cloud, colors: grey }, { size: 256, range: TOP_RANGE, pointSize: 3, colorBy: 'color' });
  if (perceived.kept === 0) return base;
  const n = perceived.indices.length;
  const colors = new Uint8Array(3 * n);
  for (let j = 0; j < n; j++) colors.set(HIGHLIGHT, 3 * j);
  const top = pointCloudTopView(
    { ...cloud, count: n, positions: perceived.points, colors, segments: undefined },
    { size: 256, range: TOP_RANGE, pointSize: 5, colorBy: 'color' },
  );
  for (let p = 0; p < base.width * base.height; p++) {
    const r = top.rgb[3 * p], g = top.rgb[3 * p + 1], b = top.rgb[3 * p + 2];
    if (r === 0 && g === 0 && b === 0) continue;
    base.rgb.set([r, g, b], 3 * p);
  }
  return base;
}
