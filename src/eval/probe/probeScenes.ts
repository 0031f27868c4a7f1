import { perceivedObject } from '../../perception/index.js';
import type { SplitName } from '../../core/config/simConfig.js';
import type { ModelConfig } from '../../core/config/modelConfig.js';
import type { Observation, PointCloud } from '../../core/Observation.js';
import { inversePose, transformPoint } from '../../core/Pose.js';
import type { Pose } from '../../core/Pose.js';
import { compactFrame } from '../../learn/CompactFrame.js';
import type { CompactFrame } from '../../learn/CompactFrame.js';
import { requireId } from '../../sim/mujoco.js';
import type { SimEnv } from '../../sim/SimEnv.js';

export type ProbeView = 'scene' | 'glimpse';

/** Labelled scenes of one split: one object of a known shape each, the arm at home. */
export interface ProbeScenes {
  readonly split: SplitName;
  readonly frames: readonly CompactFrame[];
  /** Class index (into the shape list) of each scene. */
  readonly labels: Int32Array;
  /** Pixels of the scene image on which the object is seen. */
  readonly visiblePixels: Int32Array;
  /** Seeds that were redrawn because the object was (nearly) hidden. */
  readonly redrawn: number;
  /** The first observation of each class, for the report's picture. */
  readonly examples: readonly Observation[];
}

export interface ProbeSceneOptions {
  readonly split: SplitName;
  readonly shapes: readonly string[];
  readonly perClass: number;
  readonly seedBase: number;
  /** A scene whose object covers fewer scene-camera pixels is redrawn (the arm may hide it). */
  readonly minPixels: number;
  /**
   * 'scene': the agent's own observation. 'glimpse': its image replaced by a crop, of the
   * camera's size, centred where the perception stage sees the object (the middle of what it
   * keeps of the cloud, projected through the calibrated camera) in a render `zoom` times
   * finer (a fovea), so that the shape covers many pixels; the cloud keeps only the points
   * within GLIMPSE_CLOUD_RADIUS of that middle, so the object's points are not diluted by the arm's.
   */
  readonly view: ProbeView;
  readonly zoom: number;
  readonly onScene?: () => void;
}

const MAX_DRAWS_PER_SCENE = 20;
/** The glimpse's cloud: points this close to the perceived object's middle, metres (the catalogue's objects are under 8 cm across). */
const GLIMPSE_CLOUD_RADIUS = 0.08;

/**
 * Scenes for few-label recognition: the push task's placement (one object on the table,
 * position and orientation drawn from the split) with the object's shape fixed by the label.
 * As in the seed paper's dataset, samples where the thing to recognise is not visible are
 * discarded and redrawn.
 */
export function probeScenes(env: SimEnv, model: ModelConfig, options: ProbeSceneOptions): ProbeScenes {
  const frames: CompactFrame[] = [];
  const labels: number[] = [];
  const visible: number[] = [];
  const examples: Observation[] = [];
  let redrawn = 0;
  options.shapes.forEach((shape, c) => {
    let kept = 0;
    for (let draw = 0; kept < options.perClass; draw++) {
      if (draw >= options.perClass * MAX_DRAWS_PER_SCENE) {
        throw new Error(`probe scenes: shape '${shape}' on split ${options.split} was visible in only ${kept} of ${draw} scenes (need ${options.perClass} with >= ${options.minPixels} pixels)`);
      }
      const seed = options.seedBase + c * 100_000 + draw;
      const scene = env.reset(seed, { task: 'push', split: options.split, shape });
      const pixels = objectPixels(env, scene.segmentation?.data);
      if (pixels < options.minPixels) {
        redrawn++;
        continue;
      }
      const obs = options.view === 'glimpse' ? glimpse(env, scene, options.zoom, model) : scene;
      if (kept === 0) examples.push(obs);
      frames.push(compactFrame(obs, model));
      labels.push(c);
      visible.push(pixels);
      kept++;
      options.onScene?.();
    }
  });
  return { split: options.split, frames, labels: Int32Array.from(labels), visiblePixels: Int32Array.from(visible), redrawn, examples };
}

/** Pixels of a segmentation image that see a geom of the episode's first object (object_0). */
function objectPixels(env: SimEnv, seg: Int32Array | undefined, each?: (i: number) => void): number {
  if (seg === undefined) return 0;
  const { mj, model } = env.mujoco;
  const body = requireId(mj, model, 'body', 'object_0');
  const bodyOf = model.geom_bodyid as Int32Array;
  let n = 0;
  for (let i = 0; i < seg.length; i++) {
    const g = seg[i];
    if (g >= 0 && bodyOf[g] === body) {
      n++;
      each?.(i);
    }
  }
  return n;
}

/**
 * The observation with its image replaced by a camera-sized crop from a finer render, centred
 * where the perception stage sees the object: what a robot with a calibrated camera can do,
 * with no simulator truth (the frame's centre when perception keeps nothing).
 */
function glimpse(env: SimEnv, obs: Observation, zoom: number, model: ModelConfig): Observation {
  const rgb = obs.rgb;
  if (rgb === undefined) return obs;
  const { width: w, height: h } = rgb;
  const frame = env.render('scene', { width: w * zoom, height: h * zoom });
  const W = frame.width;
  const middle = perceivedObject(obs, model.perception);
  const centre = (middle && perceivedPixel(env, middle, frame.pose, frame.intrinsics)) ?? [W / 2, frame.height / 2];
  const x0 = Math.min(W - w, Math.max(0, Math.round(centre[0] - w / 2)));
  const y0 = Math.min(frame.height - h, Math.max(0, Math.round(centre[1] - h / 2)));
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) data.set(frame.rgb.subarray(((y0 + y) * W + x0) * 3, ((y0 + y) * W + x0 + w) * 3), y * w * 3);
  return { ...obs, rgb: { ...rgb, data }, ...(middle && obs.points ? { points: cloudAround(obs.points, middle, GLIMPSE_CLOUD_RADIUS) } : {}) };
}

/** The points of `cloud` within `radius` of `centre` (the cloud's own frame). */
function cloudAround(cloud: PointCloud, centre: readonly number[], radius: number): PointCloud {
  const kept: number[] = [];
  const p = cloud.positions;
  for (let i = 0; i < cloud.count; i++) {
    if (Math.hypot(p[3 * i] - centre[0], p[3 * i + 1] - centre[1], p[3 * i + 2] - centre[2]) <= radius) kept.push(p[3 * i], p[3 * i + 1], p[3 * i + 2]);
  }
  return { stamp: cloud.stamp, frameId: cloud.frameId, count: kept.length / 3, positions: Float32Array.from(kept) };
}

/** Pixel of the perceived object's middle (the cloud is in the robot base frame) in a camera of this pose and intrinsics. */
function perceivedPixel(env: SimEnv, middle: [number, number, number], cameraPose: Pose, k: { fx: number; fy: number; cx: number; cy: number }): [number, number] | undefined {
  const [x, y, z] = transformPoint(inversePose(cameraPose), transformPoint(env.basePose(), middle));
  if (!(z > 0)) return undefined;
  return [k.fx * (x / z) + k.cx, k.fy * (y / z) + k.cy];
}
