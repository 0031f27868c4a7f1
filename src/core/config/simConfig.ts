import { z } from 'zod';
import { robotConfigSchema } from './robotConfig.js';

export const TASK_NAMES = ['reach', 'push', 'pick'] as const;
export type TaskName = (typeof TASK_NAMES)[number];

/**
 * Domain-randomisation splits. `train` is what the agent learns on; each `unseen_*` split
 * changes one family of factors outside the training ranges, `unseen_all` changes all of them.
 */
export const SPLIT_NAMES = [
  'train',
  'unseen_colors',
  'unseen_lighting',
  'unseen_objects',
  'unseen_camera',
  'unseen_all',
] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

const cameraSchema = (side: number) => z.strictObject({
  width: z.number().int().min(8).max(1920).default(side),
  height: z.number().int().min(8).max(1080).default(side),
  /** Vertical field of view in degrees. */
  fovyDeg: z.number().min(10).max(150).default(60),
});

export const noiseConfigSchema = z
  .strictObject({
    /** Gaussian depth noise, std in metres at 1 m, growing with the square of the distance as in structured-light sensors. */
    depthStd: z.number().min(0).max(0.5).default(0),
    /** Probability that a depth pixel returns nothing (NaN). */
    dropout: z.number().min(0).max(1).default(0),
    /** Per-frame colour gain/offset jitter, as a fraction of full scale. */
    colorJitter: z.number().min(0).max(1).default(0),
  })
  .prefault({});
export type NoiseConfig = z.infer<typeof noiseConfigSchema>;

export const simConfigSchema = z
  .strictObject({
    /** Scene file under sim/ (without .xml), or a path to an MJCF file. */
    scene: z.string().min(1).default('tabletop'),
    /** The robot standing in the scene (default: our 5-joint arm); see robotConfig.ts. */
    robot: robotConfigSchema,
    task: z.enum(TASK_NAMES).default('reach'),
    split: z.enum(SPLIT_NAMES).default('train'),
    /** Control ticks per second; physics substeps per tick are derived from the scene's timestep. */
    controlHz: z.number().min(1).max(1000).default(20),
    episodeSteps: z.number().int().min(1).max(100000).default(60),
    actionSpace: z.enum(['joint_delta', 'ee_delta']).default('ee_delta'),
    /** Bound of each joint-position delta per tick, radians. */
    maxJointDelta: z.number().positive().max(1).default(0.08),
    /** Bound of each end-effector translation delta per tick, metres. */
    maxEeDelta: z.number().positive().max(0.2).default(0.025),
    /**
     * The scene camera. 128 px rather than 64: a 5 cm object covers about 50 of its pixels
     * instead of 13, so the perceived cloud holds 25-110 object points instead of 3-14
     * (the model still sees 64 px images: model.image.size).
     */
    camera: cameraSchema(128).prefault({}),
    wristCamera: cameraSchema(64)
      .extend({ enabled: z.boolean().default(false) })
      .prefault({}),
    /**
     * Points kept in the observation's cloud (sampled from the valid depth pixels): every
     * pixel of the 128 px camera, so small objects keep all their points. The model's
     * perception stage crops and samples them to model.points.count.
     */
    pointCount: z.number().int().min(16).max(200000).default(16384),
    /** Frame of the observation's point cloud. */
    pointFrame: z.enum(['base', 'camera']).default('base'),
    noise: noiseConfigSchema,
  })
  .refine((s) => !s.wristCamera.enabled || s.robot.wristCamera !== null, {
    message: 'sim.wristCamera.enabled needs a camera on the robot: sim.robot.wristCamera is null',
    path: ['wristCamera', 'enabled'],
  })
  .prefault({});
export type SimConfig = z.infer<typeof simConfigSchema>;
