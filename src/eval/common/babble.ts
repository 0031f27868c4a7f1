import type { SplitName, TaskName } from '../../core/config/simConfig.js';
import type { ModelConfig } from '../../core/config/modelConfig.js';
import { quatYaw } from '../../core/Pose.js';
import type { Rng } from '../../core/Rng.js';
import { Babbler } from '../../agent/controllers/Babbler.js';
import { compactFrame, withObjectMotion } from '../../learn/CompactFrame.js';
import type { CompactFrame } from '../../learn/CompactFrame.js';
import type { SimEnv, TrueState } from '../../sim/SimEnv.js';

/** One babbling episode as model-ready frames, with the true state beside each frame (for probes only). */
export interface BabbleEpisode {
  readonly task: TaskName;
  readonly split: SplitName;
  readonly seed: number;
  /** T + 1 frames. */
  readonly frames: readonly CompactFrame[];
  /** The T actions between them (as applied, after clipping). */
  readonly actions: readonly Float32Array[];
  /** [T + 1, 3] tool (end-effector) positions, metres, base frame. */
  readonly tool: Float64Array;
  /** [T + 1, 3] positions of the scene's first object, metres. */
  readonly object: Float64Array;
  /** [T + 1] yaw of the scene's first object about the vertical axis, radians. */
  readonly objectYaw: Float64Array;
}

export interface BabbleOptions {
  readonly episodes: number;
  /** Actions per episode; default the sim's episodeSteps. */
  readonly steps?: number;
  readonly tasks: readonly TaskName[];
  readonly split: SplitName;
  /** Seed of episode k is seedBase + k. */
  readonly seedBase: number;
  readonly holdSteps: number;
  readonly rng: Rng;
  /**
   * Who acts, given the episode's task and the true state: a labelled data source for
   * measurement (e.g. the true-state scripted pusher, so that objects move); babbling when omitted.
   */
  readonly actor?: (task: TaskName) => (state: TrueState) => Float32Array;
  readonly onEpisode?: (done: number, total: number) => void;
}

/**
 * Motor babbling in the simulation (held uniform random actions, as the agent does when
 * young): the data a short training budget learns from, and the held-out sequences that
 * prediction is measured on.
 */
export function babbleEpisodes(env: SimEnv, model: ModelConfig, options: BabbleOptions): BabbleEpisode[] {
  const out: BabbleEpisode[] = [];
  const steps = options.steps ?? env.config.episodeSteps;
  for (let e = 0; e < options.episodes; e++) {
    const task = options.tasks[e % options.tasks.length];
    const seed = options.seedBase + e;
    const babbler = new Babbler(env.actionSpace, options.holdSteps, options.rng.fork(`babble:${seed}`));
    const act = options.actor?.(task);
    const frames: CompactFrame[] = [compactFrame(env.reset(seed, { task, split: options.split }), model)];
    const actions: Float32Array[] = [];
    const tool = new Float64Array((steps + 1) * 3);
    const object = new Float64Array((steps + 1) * 3);
    const objectYaw = new Float64Array(steps + 1);
    const record = (t: number): void => {
      const s = env.trueState();
      tool.set(s.toolPosition, 3 * t);
      if (s.objects[0]) {
        object.set(s.objects[0].position, 3 * t);
        objectYaw[t] = quatYaw(s.objects[0].quaternion);
      }
    };
    record(0);
    for (let t = 1; t <= steps; t++) {
      const result = env.step(act === undefined ? babbler.next() : act(env.trueState()));
      actions.push(Float32Array.from(result.action.values));
      frames.push(compactFrame(result.observation, model));
      record(t);
    }
    out.push({ task, split: options.split, seed, frames: withObjectMotion(frames), actions, tool, object, objectYaw });
    options.onEpisode?.(e + 1, options.episodes);
  }
  return out;
}
