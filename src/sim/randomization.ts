import type { SplitName } from '../core/config/simConfig.js';
import type { Pose, Quat, Vec3 } from '../core/Pose.js';
import { quatFromAxisAngle, quatMultiply } from '../core/Pose.js';
import type { Rng } from '../core/Rng.js';
import type { Lighting } from './camera/index.js';
import type { CameraFamily, ColorFamily, LightingFamily, ObjectFamily, SplitDefinitions } from './sceneData.js';

export type Rgb = readonly [number, number, number];

/** Appearance of one episode's scene, drawn from a split's ranges. */
export interface SceneAppearance {
  readonly split: SplitName;
  readonly table: Rgb;
  readonly backdrop: Rgb;
  readonly floor: Rgb;
  readonly lighting: Lighting;
  /** Applied in the scene camera's frame to its nominal pose. */
  readonly cameraJitter: Pose;
  /** Draws what each object looks like and how it lies; the task places it. */
  readonly objectFamily: ObjectFamily;
  readonly objectColors: ColorFamily;
}

export interface ObjectLook {
  readonly shape: string;
  readonly scale: number;
  readonly rgba: readonly [number, number, number, number];
  readonly quaternion: Quat;
}

export function sampleAppearance(splits: SplitDefinitions, split: SplitName, rng: Rng): SceneAppearance {
  const spec = splits.splits[split];
  if (!spec) throw new RangeError(`randomisation: unknown split '${split}'`);
  const colors = splits.families.colors[spec.colors];
  const lighting = splits.families.lighting[spec.lighting];
  const camera = splits.families.camera[spec.camera];
  return {
    split,
    table: hsvToRgb(sampleBox(colors.table.min, colors.table.max, rng)),
    backdrop: hsvToRgb(sampleBox(colors.backdrop.min, colors.backdrop.max, rng)),
    floor: hsvToRgb(sampleBox(colors.floor.min, colors.floor.max, rng)),
    lighting: sampleLighting(lighting, rng),
    cameraJitter: sampleJitter(camera, rng),
    objectFamily: splits.families.objects[spec.objects],
    objectColors: colors,
  };
}

export function sampleObjectLook(appearance: SceneAppearance, rng: Rng, shape?: string): ObjectLook {
  const family = appearance.objectFamily;
  const chosen = shape ?? rng.pick(family.shapes);
  const colors = appearance.objectColors;
  const hueRange = rng.pick(colors.objectHues);
  const rgb = hsvToRgb([
    rng.uniform(hueRange[0], hueRange[1]),
    rng.uniform(colors.objectSaturation[0], colors.objectSaturation[1]),
    rng.uniform(colors.objectValue[0], colors.objectValue[1]),
  ]);
  let yaw = rng.uniform(family.yaw[0], family.yaw[1]);
  if (rng.next() < 0.5) yaw += Math.PI; // both ends of the range, so the unseen range is disjoint mod 90 deg
  let quaternion = quatFromAxisAngle([0, 0, 1], yaw);
  if (chosen === 'cylinder' && family.lyingCylinders) {
    quaternion = quatMultiply(quaternion, quatFromAxisAngle([1, 0, 0], Math.PI / 2));
  }
  return {
    shape: chosen,
    scale: rng.uniform(family.scale[0], family.scale[1]),
    rgba: [rgb[0], rgb[1], rgb[2], 1],
    quaternion,
  };
}

function sampleLighting(family: LightingFamily, rng: Rng): Lighting {
  const azimuth = rng.uniform(family.azimuth[0], family.azimuth[1]);
  const elevation = rng.uniform(family.elevation[0], family.elevation[1]);
  // Direction from the light toward the scene: down and away from the azimuth.
  const direction: Vec3 = [
    -Math.cos(elevation) * Math.cos(azimuth),
    -Math.cos(elevation) * Math.sin(azimuth),
    -Math.sin(elevation),
  ];
  return {
    direction,
    ambient: rng.uniform(family.ambient[0], family.ambient[1]),
    diffuse: rng.uniform(family.diffuse[0], family.diffuse[1]),
    background: [0.05, 0.05, 0.07],
  };
}

function sampleJitter(family: CameraFamily, rng: Rng): Pose {
  const translation = sampleInShell(rng, family.minTranslation ?? 0, family.translation);
  const axis = sampleInShell(rng, 1, 1);
  const angle = family.rotation === 0 ? 0 : rng.uniform(family.minRotation ?? 0, family.rotation);
  return {
    position: translation,
    quaternion: angle === 0 ? [1, 0, 0, 0] : quatFromAxisAngle(axis, angle),
  };
}

/** A vector with uniform direction and length uniform in [min, max]. */
function sampleInShell(rng: Rng, min: number, max: number): Vec3 {
  if (max === 0) return [0, 0, 0];
  let v: Vec3;
  let n: number;
  do {
    v = [rng.normal(), rng.normal(), rng.normal()];
    n = Math.hypot(v[0], v[1], v[2]);
  } while (n < 1e-9);
  const r = rng.uniform(min, max);
  return [(v[0] / n) * r, (v[1] / n) * r, (v[2] / n) * r];
}

function sampleBox(min: readonly number[], max: readonly number[], rng: Rng): [number, number, number] {
  return [rng.uniform(min[0], max[0]), rng.uniform(min[1], max[1]), rng.uniform(min[2], max[2])];
}

export function hsvToRgb([h, s, v]: readonly [number, number, number]): Rgb {
  const hh = ((h % 1) + 1) % 1 * 6;
  const i = Math.floor(hh);
  const f = hh - i;
  const p = v * (1 - s);
  const q = v * (1 - s * f);
  const t = v * (1 - s * (1 - f));
  switch (i) {
    case 0: return [v, t, p];
    case 1: return [q, v, p];
    case 2: return [p, v, t];
    case 3: return [p, q, v];
    case 4: return [t, p, v];
    default: return [v, p, q];
  }
}
