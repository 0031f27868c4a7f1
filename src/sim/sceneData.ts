import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { SPLIT_NAMES } from '../core/config/simConfig.js';
import type { RobotConfig } from '../core/config/robotConfig.js';
import { defaultRobotConfig } from '../core/config/robotConfig.js';
import { SceneLoadError } from './mujoco.js';
import type { RobotMjcf } from './robotMjcf.js';
import { composeScene, loadRobotMjcf } from './robotMjcf.js';

/**
 * The simulation's data files (sim/): scene MJCF, object catalogue, task definitions and
 * randomisation splits. Validated here so that a hand-edited file fails with the key that
 * is wrong rather than as a physics surprise later.
 */

/** sim/ of the installed package: dist/src/sim/ -> package root. */
export const SIM_DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../sim');

const vec3 = z.tuple([z.number(), z.number(), z.number()]);
const range = z.tuple([z.number(), z.number()]).refine(([a, b]) => a <= b, 'range min must be <= max');

const geomSchema = z.strictObject({
  type: z.enum(['box', 'cylinder', 'sphere', 'capsule', 'ellipsoid', 'mesh']),
  size: z.array(z.number().positive()).min(1).max(3).optional(),
  pos: vec3.optional(),
  quat: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional(),
});
const shapeSchema = z.strictObject({
  $comment: z.string().optional(),
  geoms: z.array(geomSchema).min(1),
  mesh: z.array(z.number()).min(12).refine((v) => v.length % 3 === 0, 'mesh vertices must be x,y,z triples').optional(),
});
export const objectCatalogueSchema = z.strictObject({
  $comment: z.string().optional(),
  shapes: z.record(z.string().regex(/^[a-z_]+$/), shapeSchema),
});
export type ObjectCatalogue = z.infer<typeof objectCatalogueSchema>;
export type ShapeSpec = z.infer<typeof shapeSchema>;

const region3 = z.strictObject({ min: vec3, max: vec3 });
const region2 = z.strictObject({ min: z.tuple([z.number(), z.number()]), max: z.tuple([z.number(), z.number()]) });
export const taskDefinitionsSchema = z.strictObject({
  $comment: z.string().optional(),
  reach: z.strictObject({
    successDistance: z.number().positive(),
    minGoalDistance: z.number().nonnegative(),
    goalRegion: region3,
    objects: z.number().int().min(0).max(4),
  }),
  push: z.strictObject({
    successDistance: z.number().positive(),
    minGoalDistance: z.number().nonnegative(),
    maxGoalDistance: z.number().positive(),
    objectRegion: region2,
    goalRegion: region2,
    objects: z.number().int().min(1).max(4),
    /** Tool position of the arm in the goal image: parked where it hides none of the table from the scene camera. */
    goalToolPosition: z.tuple([z.number(), z.number(), z.number()]),
  }),
  pick: z.strictObject({
    liftHeight: z.number().positive(),
    holdSteps: z.number().int().min(1),
    objectRegion: region2,
    goalLift: z.number().positive(),
    objects: z.number().int().min(1).max(4),
  }),
});
export type TaskDefinitions = z.infer<typeof taskDefinitionsSchema>;

const hsvRange = z.strictObject({ min: vec3, max: vec3 });
const colorFamily = z.strictObject({
  table: hsvRange,
  backdrop: hsvRange,
  floor: hsvRange,
  objectHues: z.array(range).min(1),
  objectSaturation: range,
  objectValue: range,
});
const lightingFamily = z.strictObject({ azimuth: range, elevation: range, ambient: range, diffuse: range });
const objectFamily = z.strictObject({
  scale: range,
  yaw: range,
  shapes: z.array(z.string()).min(1),
  lyingCylinders: z.boolean(),
});
const cameraFamily = z.strictObject({
  translation: z.number().nonnegative(),
  rotation: z.number().nonnegative(),
  minTranslation: z.number().nonnegative().optional(),
  minRotation: z.number().nonnegative().optional(),
});
const variant = z.enum(['train', 'unseen']);
export const splitDefinitionsSchema = z.strictObject({
  $comment: z.string().optional(),
  families: z.strictObject({
    colors: z.strictObject({ train: colorFamily, unseen: colorFamily }),
    lighting: z.strictObject({ train: lightingFamily, unseen: lightingFamily }),
    objects: z.strictObject({ train: objectFamily, unseen: objectFamily }),
    camera: z.strictObject({ train: cameraFamily, unseen: cameraFamily }),
  }),
  splits: z.record(
    z.enum(SPLIT_NAMES),
    z.strictObject({ colors: variant, lighting: variant, objects: variant, camera: variant }),
  ),
});
export type SplitDefinitions = z.infer<typeof splitDefinitionsSchema>;
export type ColorFamily = z.infer<typeof colorFamily>;
export type LightingFamily = z.infer<typeof lightingFamily>;
export type ObjectFamily = z.infer<typeof objectFamily>;
export type CameraFamily = z.infer<typeof cameraFamily>;

export interface SceneData {
  /** Path of the scene MJCF, for messages. */
  readonly scenePath: string;
  /** The scene with the robot composed in (see composeScene); it includes the episode's objects.xml. */
  readonly sceneXml: string;
  /** Where the scene names compile errors: the scene file, and the robot file when the scene includes it. */
  readonly sceneSource: string;
  /** The robot description and its MJCF. `robotIncluded`: the scene has the `<include file="robot.xml"/>` the robot went into. */
  readonly robot: RobotConfig;
  readonly robotMjcf: RobotMjcf;
  readonly robotIncluded: boolean;
  readonly objects: ObjectCatalogue;
  readonly tasks: TaskDefinitions;
  readonly splits: SplitDefinitions;
}

/**
 * Reads and validates a scene by name (a file under sim/) or by path to an MJCF file, with
 * the robot `robot` describes (default: our arm) composed into it.
 */
export function loadSceneData(scene: string, dataDir = SIM_DATA_DIR, robot: RobotConfig = defaultRobotConfig()): SceneData {
  const scenePath = scene.endsWith('.xml') || isAbsolute(scene) ? resolve(scene) : join(dataDir, `${scene}.xml`);
  const sceneText = readText(scenePath, 'scene');
  const robotMjcf = loadRobotMjcf(robot, dataDir);
  const composed = composeScene(sceneText, robotMjcf);
  const objects = readJson(join(dataDir, 'objects.json'), objectCatalogueSchema);
  const splits = readJson(join(dataDir, 'splits.json'), splitDefinitionsSchema);
  for (const [name, family] of Object.entries(splits.families.objects)) {
    for (const shape of family.shapes) {
      if (!(shape in objects.shapes)) {
        throw new SceneLoadError(
          `${join(dataDir, 'splits.json')}: families.objects.${name}.shapes names '${shape}', which objects.json does not define`,
        );
      }
    }
  }
  for (const split of SPLIT_NAMES) {
    if (!(split in splits.splits)) {
      throw new SceneLoadError(`${join(dataDir, 'splits.json')}: split '${split}' is missing`);
    }
  }
  return {
    scenePath,
    sceneXml: composed.xml,
    sceneSource: composed.included ? `robot ${robotMjcf.path} + ${scenePath}` : scenePath,
    robot,
    robotMjcf,
    robotIncluded: composed.included,
    objects,
    tasks: readJson(join(dataDir, 'tasks.json'), taskDefinitionsSchema),
    splits,
  };
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new SceneLoadError(`${what} file ${path} cannot be read: ${(err as Error).message}`, { cause: err });
  }
}

function readJson<S extends z.ZodType>(path: string, schema: S): z.infer<S> {
  const text = readText(path, 'data');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SceneLoadError(`${path}: not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `'${i.path.join('.')}': ${i.message}`).join('; ');
    throw new SceneLoadError(`${path}: ${issues}`);
  }
  return result.data;
}
