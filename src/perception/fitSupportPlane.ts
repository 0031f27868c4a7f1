import { Rng } from '../core/Rng.js';
import { checkNumber, checkPositions } from './checkInputs.js';
import { smallestEigenvector } from './smallestEigenvector.js';

/** A plane dot(normal, p) + offset = 0, normal a unit vector with normal.z >= 0: the signed height of p above it is dot(normal, p) + offset. */
export interface SupportPlane {
  readonly normal: readonly [number, number, number];
  readonly offset: number;
  /** Points within the tolerance of the plane. */
  readonly inliers: number;
}

export interface FitSupportPlaneOptions {
  /** Most hypotheses tried; fewer when the best plane's inlier share makes a better one unlikely. */
  readonly iterations: number;
  /** Inlier distance, metres. */
  readonly tolerance: number;
  /** Planes whose normal is further than this from +z are rejected, degrees. */
  readonly maxTiltDeg: number;
  /** Seed of the hypothesis draws; fixed so that the same cloud always gives the same plane. */
  readonly seed?: number;
}

const DEFAULT_SEED = 0x5e1f;
const CONFIDENCE = 0.999;
const DEG = Math.PI / 180;

/**
 * The dominant near-horizontal plane of `positions` ([count, 3], finite): seeded RANSAC
 * over planes through 3 points (stopping early at 99.9% confidence), best by inlier count,
 * then a least-squares (total) refit on
 * its inliers. Undefined when no hypothesis within `maxTiltDeg` of +z was found.
 */
export function fitSupportPlane(positions: Float32Array, count: number, options: FitSupportPlaneOptions): SupportPlane | undefined {
  checkPositions('fitSupportPlane', 'positions', positions, count);
  const { iterations, tolerance, maxTiltDeg } = options;
  checkNumber('fitSupportPlane', 'iterations', iterations, 1);
  checkNumber('fitSupportPlane', 'tolerance', tolerance, 0);
  checkNumber('fitSupportPlane', 'maxTiltDeg', maxTiltDeg, 0, 90);
  if (count < 3) return undefined;
  const minNz = Math.cos(maxTiltDeg * DEG);
  const rng = new Rng(options.seed ?? DEFAULT_SEED);
  let best: SupportPlane | undefined;
  // Adaptive stop: once the best plane's inlier fraction w makes a miss unlikely
  // ((1 - w^3)^it < 1 - CONFIDENCE), more hypotheses cannot be expected to beat it.
  let needed = iterations;
  for (let it = 0; it < needed; it++) {
    const i = rng.int(0, count);
    const j = rng.int(0, count);
    const k = rng.int(0, count);
    if (i === j || j === k || i === k) continue;
    const ax = positions[3 * i], ay = positions[3 * i + 1], az = positions[3 * i + 2];
    const ux = positions[3 * j] - ax, uy = positions[3 * j + 1] - ay, uz = positions[3 * j + 2] - az;
    const vx = positions[3 * k] - ax, vy = positions[3 * k + 1] - ay, vz = positions[3 * k + 2] - az;
    let nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    const len = Math.hypot(nx, ny, nz);
    if (!(len > 1e-12)) continue; // collinear or repeated points
    const s = nz < 0 ? -1 / len : 1 / len;
    nx *= s;
    ny *= s;
    nz *= s;
    if (nz < minNz) continue;
    const offset = -(nx * ax + ny * ay + nz * az);
    const inliers = countWithin(positions, count, nx, ny, nz, offset, tolerance);
    if (best === undefined || inliers > best.inliers) {
      best = { normal: [nx, ny, nz], offset, inliers };
      const w3 = (inliers / count) ** 3;
      if (w3 >= 1) break;
      needed = Math.min(iterations, Math.ceil(Math.log(1 - CONFIDENCE) / Math.log(1 - w3)));
    }
  }
  if (best === undefined) return undefined;
  const refit = refitOnInliers(positions, count, best, tolerance);
  // A refit that tilts past the limit or loses inliers keeps the hypothesis.
  return refit !== undefined && refit.normal[2] >= minNz && refit.inliers >= best.inliers ? refit : best;
}

function countWithin(p: Float32Array, count: number, nx: number, ny: number, nz: number, offset: number, tolerance: number): number {
  let n = 0;
  for (let i = 0; i < count; i++) {
    const h = nx * p[3 * i] + ny * p[3 * i + 1] + nz * p[3 * i + 2] + offset;
    if (h <= tolerance && h >= -tolerance) n++;
  }
  return n;
}

function refitOnInliers(p: Float32Array, count: number, plane: SupportPlane, tolerance: number): SupportPlane | undefined {
  const [nx, ny, nz] = plane.normal;
  let n = 0, sx = 0, sy = 0, sz = 0;
  for (let i = 0; i < count; i++) {
    const x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
    const h = nx * x + ny * y + nz * z + plane.offset;
    if (h > tolerance || h < -tolerance) continue;
    n++;
    sx += x;
    sy += y;
    sz += z;
  }
  if (n < 3) return undefined;
  const cx = sx / n, cy = sy / n, cz = sz / n;
  const c = [0, 0, 0, 0, 0, 0];
  for (let i = 0; i < count; i++) {
    const x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
    const h = nx * x + ny * y + nz * z + plane.offset;
    if (h > tolerance || h < -tolerance) continue;
    const dx = x - cx, dy = y - cy, dz = z - cz;
    c[0] += dx * dx;
    c[1] += dx * dy;
    c[2] += dx * dz;
    c[3] += dy * dy;
    c[4] += dy * dz;
    c[5] += dz * dz;
  }
  let [rx, ry, rz] = smallestEigenvector(c);
  if (rz < 0) {
    rx = -rx;
    ry = -ry;
    rz = -rz;
  }
  if (!(Number.isFinite(rx) && Number.isFinite(ry) && Number.isFinite(rz))) return undefined;
  const offset = -(rx * cx + ry * cy + rz * cz);
  return { normal: [rx, ry, rz], offset, inliers: countWithin(p, count, rx, ry, rz, offset, tolerance) };
}
