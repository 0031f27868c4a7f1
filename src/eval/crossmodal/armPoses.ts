import type { SplitName } from '../../core/config/simConfig.js';
import type { ModelConfig } from '../../core/config/modelConfig.js';
import type { Rng } from '../../core/Rng.js';
import { compactFrame } from '../../learn/CompactFrame.js';
import type { CompactFrame } from '../../learn/CompactFrame.js';
import type { SimEnv } from '../../sim/SimEnv.js';

/** Random arm poses in one scene: what the camera sees and the joint angles. */
export interface ArmPoses {
  readonly count: number;
  readonly frames: readonly CompactFrame[];
  /** [count, joints] radians. */
  readonly joints: Float32Array;
  readonly jointCount: number;
  /** The range the angles were drawn from, for normalising to [0, 1]. */
  readonly low: Float64Array;
  readonly high: Float64Array;
  /** Poses redrawn because the tool went below the table top. */
  readonly rejected: number;
}

export interface ArmPoseOptions {
  readonly count: number;
  readonly split: SplitName;
  readonly seed: number;
  /** Half-width of the uniform draw around the home pose, per joint (radians). */
  readonly spread: readonly number[];
  readonly rng: Rng;
  readonly onPose?: () => void;
}

/** Our arm's: wide enough to sweep the workspace the camera frames, narrow enough to keep the arm in view. */
export const DEFAULT_SPREAD: readonly number[] = [1.2, 0.6, 0.8, 0.8, 1.5];
/** Per joint of another arm (sim.robot), where no spread was measured: a middle value of ours. */
const OTHER_ARM_SPREAD = 0.8;

/** The spread to draw poses with when none is given: ours for our arm, a uniform one for another. */
export function defaultSpread(robot: { readonly mjcf: string; readonly joints: readonly string[] }): readonly number[] {
  return robot.mjcf === 'arm5' ? DEFAULT_SPREAD : robot.joints.map(() => OTHER_ARM_SPREAD);
}
/** A pose whose tool is lower than this (metres above the table) is redrawn: no physics stops the arm here. */
const MIN_TOOL_HEIGHT = 0.03;

/**
 * The seed paper's dataset in our world: one scene, poses sampled uniformly in joint space
 * around home (set directly, no physics), each observed by the scene camera with its joint
 * angles. Poses that would put the tool into the table are discarded, as the paper discards
 * poses where the arm is not visible.
 */
export function armPoses(env: SimEnv, model: ModelConfig, options: ArmPoseOptions): ArmPoses {
  env.reset(options.seed, { task: 'reach', split: options.split });
  const ranges = env.armJointRanges();
  const home = env.config.robot.home;
  const j = home.length;
  if (options.spread.length !== j) throw new RangeError(`arm poses: spread needs ${j} values (one per joint), got ${options.spread.length}`);
  const low = Float64Array.from(home, (h, i) => Math.max(ranges.low[i], h - options.spread[i]));
  const high = Float64Array.from(home, (h, i) => Math.min(ranges.high[i], h + options.spread[i]));
  const frames: CompactFrame[] = [];
  const joints = new Float32Array(options.count * j);
  let rejected = 0;
  for (let n = 0; n < options.count; ) {
    if (rejected > 20 * options.count + 100) throw new Error(`arm poses: ${rejected} of the drawn poses put the tool into the table; narrow the spread`);
    const q = Array.from(low, (lo, i) => options.rng.uniform(lo, high[i]));
    const obs = env.poseArm(q);
    if (env.trueState().toolPosition[2] < MIN_TOOL_HEIGHT) {
      rejected++;
      continue;
    }
    frames.push(compactFrame(obs, model));
    joints.set(q, n * j);
    n++;
    options.onPose?.();
  }
  return { count: options.count, frames, joints, jointCount: j, low, high, rejected };
}
