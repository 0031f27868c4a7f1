import os from 'node:os';
import type { PointCloud, RobotShapes } from '../src/core/Observation.js';
import type { SimConfig } from '../src/core/config/simConfig.js';
import type { PerceptionConfig } from '../src/core/config/perceptionConfig.js';
import { cropToBox, farthestPointSample, filterRobotPoints, fitSupportPlane, gatherPoints, perceiveCloud, removeSupportPlane } from '../src/perception/index.js';
import { SimEnv } from '../src/sim/SimEnv.js';

export interface PerceptionBenchResult {
  load_average_1m: number;
  clouds: number;
  input_points: number;
  sample_count: number;
  /** Mean points after each stage over the clouds. */
  mean_after_crop: number;
  mean_after_plane: number;
  /** Milliseconds per cloud (medians over repeats of the whole set). */
  crop_ms: number;
  plane_fit_ms: number;
  plane_remove_ms: number;
  self_filter_ms: number;
  /** FPS of the filtered points, and of the raw cloud (the worst case: every point). */
  fps_ms: number;
  fps_raw_ms: number;
  /** perceiveCloud as one call, self-filter on. */
  total_ms: number;
}

/**
 * Milliseconds per cloud of each perception stage on real push clouds (start and goal of
 * `episodes` episodes on train and unseen_all), self-filter on with the observation's shapes.
 */
export async function benchPerception(sim: Readonly<SimConfig>, perception: PerceptionConfig, sampleCount: number, repeats = 30, episodes = 8): Promise<PerceptionBenchResult> {
  const env = await SimEnv.create({ ...sim, task: 'push' });
  const frames: Array<{ cloud: PointCloud; shapes: RobotShapes | undefined }> = [];
  try {
    for (const split of ['train', 'unseen_all'] as const) {
      for (let seed = 0; seed < episodes; seed++) {
        const obs = env.reset(seed, { split });
        frames.push({ cloud: obs.points!, shapes: obs.robotShapes });
        const step = env.step(Array.from(env.actionSpace.low, () => 0)).observation;
        frames.push({ cloud: step.points!, shapes: step.robotShapes });
      }
    }
  } finally {
    env.close();
  }
  const config: PerceptionConfig = { ...perception, selfFilter: { ...perception.selfFilter, enabled: true } };
  const plane = config.supportPlane;
  const out = new Float32Array(3 * sampleCount);
  // Each stage's input is the previous stage's output, prepared once.
  const cropped = frames.map((f) => gatherPoints(f.cloud.positions, cropToBox(f.cloud.positions, f.cloud.count, config.workspace.min, config.workspace.max)));
  const planes = cropped.map((p) => fitSupportPlane(p, p.length / 3, plane));
  const onTable = cropped.map((p, i) => (planes[i] ? gatherPoints(p, removeSupportPlane(p, p.length / 3, planes[i], plane)) : p));
  const filtered = onTable.map((p, i) => (frames[i].shapes ? gatherPoints(p, filterRobotPoints(p, frames[i].shapes!, config.selfFilter.padding)) : p));

  const perCloud = (fn: (i: number) => void): number => {
    const times: number[] = [];
    for (let r = 0; r < repeats + 3; r++) {
      const t0 = performance.now();
      for (let i = 0; i < frames.length; i++) fn(i);
      if (r >= 3) times.push((performance.now() - t0) / frames.length);
    }
    times.sort((a, b) => a - b);
    return Math.round(times[Math.floor(times.length / 2)] * 1e4) / 1e4;
  };
  const mean = (xs: Float32Array[]): number => Math.round(xs.reduce((s, p) => s + p.length / 3, 0) / xs.length);
  return {
    load_average_1m: Math.round(os.loadavg()[0] * 100) / 100,
    clouds: frames.length,
    input_points: frames[0].cloud.count,
    sample_count: sampleCount,
    mean_after_crop: mean(cropped),
    mean_after_plane: mean(onTable),
    crop_ms: perCloud((i) => cropToBox(frames[i].cloud.positions, frames[i].cloud.count, config.workspace.min, config.workspace.max)),
    plane_fit_ms: perCloud((i) => fitSupportPlane(cropped[i], cropped[i].length / 3, plane)),
    plane_remove_ms: perCloud((i) => planes[i] && removeSupportPlane(cropped[i], cropped[i].length / 3, planes[i], plane)),
    self_filter_ms: perCloud((i) => frames[i].shapes && filterRobotPoints(onTable[i], frames[i].shapes!, config.selfFilter.padding)),
    fps_ms: perCloud((i) => filtered[i].length > 0 && farthestPointSample(filtered[i], filtered[i].length / 3, sampleCount, out)),
    fps_raw_ms: perCloud((i) => farthestPointSample(frames[i].cloud.positions, frames[i].cloud.count, sampleCount, out)),
    total_ms: perCloud((i) => perceiveCloud(frames[i].cloud, config, sampleCount, frames[i].shapes, out)),
  };
}
