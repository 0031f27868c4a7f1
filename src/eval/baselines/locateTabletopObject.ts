import type { PointCloud } from '../../core/Observation.js';
import type { Vec3 } from '../../core/Pose.js';

/** Where to look for an object on the table, in the cloud's frame (the robot base frame). */
export interface TabletopRegion {
  readonly regionMin: readonly [number, number];
  readonly regionMax: readonly [number, number];
  readonly heightMin: number;
  readonly heightMax: number;
  /** Points this close to the tool belong to the gripper. */
  readonly toolClearance: number;
  readonly minPoints: number;
  /** Where the camera is: with `surfaceBias`, the estimate is moved away from it horizontally by that much. */
  readonly cameraPosition?: readonly [number, number, number];
  /** How much nearer the camera the visible surface's median is than the object's centre, metres. */
  readonly surfaceBias?: number;
}

export interface LocatedObject {
  /** Medians: robust to a few stray points of the arm. */
  readonly position: Vec3;
  readonly points: number;
  /** Median red and green shares of the object's colour (0 when the cloud has no colours). */
  readonly chroma: readonly [number, number];
}

/**
 * The single object on the table, from a point cloud in the base frame: the points in a
 * height band above the table, inside the table region, away from the tool (a geometric
 * self-filter for the gripper) and, when `near` is given, close to where it was (tracking).
 * Returns undefined when fewer than `minPoints` remain (the arm hides the object, or the
 * cloud is in another frame). With `chroma`, only points of that colour count (the object's,
 * learnt from a clear view): the arm's points near the object do not. The estimate is the visible surface's median, which lies nearer the camera than the
 * object's centre (about 1.3 cm here): with `cameraPosition` and `surfaceBias` it is moved back
 * by that much, horizontally, away from the camera.
 */
export function locateTabletopObject(
  cloud: PointCloud,
  tool: Vec3 | undefined,
  region: TabletopRegion,
  near?: { readonly position: Vec3; readonly radius: number },
  chroma?: { readonly value: readonly [number, number]; readonly tolerance: number },
): LocatedObject | undefined {
  const xs: number[] = [];
  const rs: number[] = [];
  const gs: number[] = [];
  const colors = cloud.colors;
  const ys: number[] = [];
  const zs: number[] = [];
  const p = cloud.positions;
  for (let i = 0; i < cloud.count; i++) {
    const x = p[3 * i];
    const y = p[3 * i + 1];
    const z = p[3 * i + 2];
    if (!(z > region.heightMin && z < region.heightMax)) continue;
    if (x < region.regionMin[0] || x > region.regionMax[0] || y < region.regionMin[1] || y > region.regionMax[1]) continue;
    if (tool !== undefined && Math.hypot(x - tool[0], y - tool[1], z - tool[2]) < region.toolClearance) continue;
    if (near !== undefined && Math.hypot(x - near.position[0], y - near.position[1]) > near.radius) continue;
    const [cr, cg] = colors === undefined ? [0, 0] : chromaOf(colors[3 * i], colors[3 * i + 1], colors[3 * i + 2]);
    if (chroma !== undefined && colors !== undefined && Math.hypot(cr - chroma.value[0], cg - chroma.value[1]) > chroma.tolerance) continue;
    xs.push(x);
    ys.push(y);
    zs.push(z);
    rs.push(cr);
    gs.push(cg);
  }
  if (xs.length < region.minPoints) return undefined;
  const position: [number, number, number] = [median(xs), median(ys), median(zs)];
  const cam = region.cameraPosition;
  const bias = region.surfaceBias ?? 0;
  if (cam !== undefined && bias > 0) {
    // The camera sees the object's near side and top: the centre lies farther along the view ray.
    const hx = position[0] - cam[0];
    const hy = position[1] - cam[1];
    const h = Math.hypot(hx, hy);
    if (h > 0) {
      position[0] += (hx / h) * bias;
      position[1] += (hy / h) * bias;
    }
  }
  return { position, points: xs.length, chroma: [median(rs), median(gs)] };
}

/** Red and green shares of a colour: the same under the shading that varies over an object's faces. */
function chromaOf(r: number, g: number, b: number): [number, number] {
  const sum = r + g + b + 1;
  return [r / sum, g / sum];
}

function median(values: number[]): number {
  const sorted = values.sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
