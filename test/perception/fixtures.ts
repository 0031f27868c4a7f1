import type { Observation, PointCloud } from '../../src/core/Observation.js';
import { timestampFromSeconds } from '../../src/core/Timestamp.js';
import { Rng } from '../../src/core/Rng.js';
import type { SimEnv } from '../../src/sim/SimEnv.js';
import { subtreeGeomIds } from '../../src/sim/robotShapes.js';

/** A cloud in base_link from [x, y, z] triples. */
export function cloudOf(points: ReadonlyArray<readonly number[]>): PointCloud {
  const positions = new Float32Array(3 * points.length);
  points.forEach((p, i) => positions.set(p, 3 * i));
  return { stamp: timestampFromSeconds(0), frameId: 'base_link', count: points.length, positions };
}

/** `count` points uniform on a w x h patch of the plane through `origin` spanned by `u` and `v` (unit vectors). */
export function planePatch(rng: Rng, count: number, origin: readonly number[], u: readonly number[], v: readonly number[], w: number, h: number): number[][] {
  return Array.from({ length: count }, () => {
    const a = rng.uniform(-w / 2, w / 2), b = rng.uniform(-h / 2, h / 2);
    return [0, 1, 2].map((k) => origin[k] + a * u[k] + b * v[k]);
  });
}

/** `count` points uniform in a box. */
export function boxPoints(rng: Rng, count: number, min: readonly number[], max: readonly number[]): number[][] {
  return Array.from({ length: count }, () => [0, 1, 2].map((k) => rng.uniform(min[k], max[k])));
}

export function flatten(points: ReadonlyArray<readonly number[]>): Float32Array {
  const out = new Float32Array(3 * points.length);
  points.forEach((p, i) => out.set(p, 3 * i));
  return out;
}

export { Rng };

/** Geom ids (segment ids) of the episode's objects and of the arm. */
export function sceneSegments(env: SimEnv): { objects: Set<number>; arm: Set<number> } {
  const { mj, model } = env.mujoco;
  const bodyOf = model.geom_bodyid as Int32Array;
  const bodies = new Set(env.trueState().objects.map((o) => mj.mj_name2id(model, mj.mjtObj.mjOBJ_BODY.value as unknown as number, o.name)));
  const objects = new Set<number>();
  for (let g = 0; g < model.ngeom; g++) if (bodies.has(bodyOf[g])) objects.add(g);
  const baseId = mj.mj_name2id(model, mj.mjtObj.mjOBJ_BODY.value as unknown as number, 'base');
  return { objects, arm: new Set(subtreeGeomIds(model, baseId)) };
}

/** Points of `cloud` (or of its entries `indices`) whose segment is in `ids`. */
export function countSegments(cloud: PointCloud, ids: Set<number>, indices?: ArrayLike<number>): number {
  const seg = cloud.segments!;
  let n = 0;
  if (indices) {
    for (let j = 0; j < indices.length; j++) if (ids.has(seg[indices[j]])) n++;
  } else {
    for (let i = 0; i < cloud.count; i++) if (ids.has(seg[i])) n++;
  }
  return n;
}

export function requirePoints(obs: Observation): PointCloud {
  if (!obs.points) throw new Error('observation without points');
  return obs.points;
}
