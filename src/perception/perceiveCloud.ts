import type { PerceptionConfig } from '../core/config/perceptionConfig.js';
import type { PointCloud, RobotShapes } from '../core/Observation.js';
import { checkNumber, checkPositions, checkVec3 } from './checkInputs.js';
import { cropToBox } from './cropToBox.js';
import { farthestPointSample } from './farthestPointSample.js';
import { filterRobotPoints } from './filterRobotPoints.js';
import type { SupportPlane } from './fitSupportPlane.js';
import { fitSupportPlane } from './fitSupportPlane.js';
import { gatherPoints } from './gatherPoints.js';
import { removeSupportPlane } from './removeSupportPlane.js';

export interface PerceptionStats {
  /** Points in the input cloud. */
  readonly input: number;
  readonly afterCrop: number;
  readonly afterPlane: number;
  readonly afterSelfFilter: number;
  /**
   * The support plane found (or configured); `applied` is false when RANSAC's best plane held
   * fewer than minInlierFraction of the cropped points, and then nothing was removed.
   */
  readonly plane?: SupportPlane & { readonly applied: boolean };
}

export interface PerceivedCloud {
  /** [sampleCount, 3] in the input cloud's frame; zeros when `kept` is 0. */
  readonly points: Float32Array;
  /** Index into the input cloud of each sampled point (-1 when `kept` is 0): for colours, segments, measurement. */
  readonly indices: Int32Array;
  /** Points surviving the filters, before sampling. 0: no object-dense content (the caller marks the modality absent). */
  readonly kept: number;
  readonly stats: PerceptionStats;
}

/**
 * The perception stage, one call per cloud: crop to the workspace box, remove the support
 * plane, drop the robot's own points (when `config.selfFilter.enabled` and `robotShapes` are
 * given), farthest-point-sample to `sampleCount`. Disabled, it resamples the finite points
 * evenly strided, as the model did before this stage. Deterministic: the same cloud gives
 * the same points. Writes into `out` when given.
 */
export function perceiveCloud(
  cloud: PointCloud,
  config: PerceptionConfig,
  sampleCount: number,
  robotShapes?: RobotShapes,
  out?: Float32Array,
): PerceivedCloud {
  const where = 'perceiveCloud';
  if (!Number.isInteger(sampleCount) || sampleCount < 1) throw new RangeError(`${where}: sampleCount must be a positive integer, got ${sampleCount}`);
  checkPositions(where, 'cloud.positions', cloud.positions, cloud.count);
  if (out !== undefined && !(out instanceof Float32Array && out.length >= 3 * sampleCount)) {
    throw new RangeError(`${where}: out must be a Float32Array of at least 3 * sampleCount = ${3 * sampleCount} values, got ${out instanceof Float32Array ? out.length : typeof out}`);
  }
  const points = out === undefined ? new Float32Array(3 * sampleCount) : out.subarray(0, 3 * sampleCount);
  const indices = new Int32Array(sampleCount).fill(-1);
  const input = cloud.count;
  const box = config.workspace;
  checkVec3(where, 'config.workspace.min', box.min);
  checkVec3(where, 'config.workspace.max', box.max);

  if (!config.enabled) {
    const finite = finiteIndices(cloud.positions, input);
    const kept = finite.length;
    stridedSample(cloud.positions, finite, sampleCount, points, indices);
    return { points, indices, kept, stats: { input, afterCrop: kept, afterPlane: kept, afterSelfFilter: kept } };
  }

  const cropped = cropToBox(cloud.positions, input, box.min, box.max);
  const afterCrop = cropped.length;
  // Compact working copy and the map back to input indices; each stage compacts both.
  let pts = gatherPoints(cloud.positions, cropped);
  let orig: Int32Array = cropped;
  let n = afterCrop;

  const planeConfig = config.supportPlane;
  let plane: PerceptionStats['plane'];
  if (planeConfig.mode !== 'none') {
    checkNumber(where, 'config.supportPlane.tolerance', planeConfig.tolerance, 0);
    checkNumber(where, 'config.supportPlane.maxHeight', planeConfig.maxHeight, 0);
    checkNumber(where, 'config.supportPlane.minInlierFraction', planeConfig.minInlierFraction, 0, 1);
    let found: SupportPlane | undefined;
    if (planeConfig.mode === 'height') {
      if (!Number.isFinite(planeConfig.height)) throw new RangeError(`${where}: config.supportPlane.height must be finite, got ${planeConfig.height}`);
      const offset = -planeConfig.height;
      found = { normal: [0, 0, 1], offset, inliers: countNear(pts, n, offset, planeConfig.tolerance) };
    } else {
      found = fitSupportPlane(pts, n, planeConfig);
    }
    if (found !== undefined) {
      const applied = planeConfig.mode === 'height' || found.inliers >= planeConfig.minInlierFraction * n;
      plane = { ...found, applied };
      if (applied) [pts, orig, n] = compact(pts, orig, removeSupportPlane(pts, n, found, planeConfig));
    }
  }
  const afterPlane = n;

  if (config.selfFilter.enabled && robotShapes !== undefined) {
    [pts, orig, n] = compact(pts, orig, filterRobotPoints(pts.subarray(0, 3 * n), robotShapes, config.selfFilter.padding));
  }
  const afterSelfFilter = n;

  if (n > 0) {
    farthestPointSample(pts, n, sampleCount, points, indices);
    for (let j = 0; j < sampleCount; j++) indices[j] = orig[indices[j]];
  } else {
    points.fill(0);
  }
  return { points, indices, kept: n, stats: { input, afterCrop, afterPlane, afterSelfFilter, ...(plane ? { plane } : {}) } };
}

function compact(pts: Float32Array, orig: Int32Array, keep: Int32Array): [Float32Array, Int32Array, number] {
  const next = new Int32Array(keep.length);
  for (let j = 0; j < keep.length; j++) next[j] = orig[keep[j]];
  return [gatherPoints(pts, keep), next, keep.length];
}

function countNear(p: Float32Array, n: number, offset: number, tolerance: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (Math.abs(p[3 * i + 2] + offset) <= tolerance) c++;
  return c;
}

/** Evenly strided when there are more points than samples, cycled when fewer. */
function stridedSample(positions: Float32Array, valid: Int32Array, count: number, out: Float32Array, indices: Int32Array): void {
  const n = valid.length;
  if (n === 0) {
    out.fill(0);
    return;
  }
  for (let j = 0; j < count; j++) {
    const src = n >= count ? valid[Math.floor((j * n) / count)] : valid[j % n];
    out[3 * j] = positions[3 * src];
    out[3 * j + 1] = positions[3 * src + 1];
    out[3 * j + 2] = positions[3 * src + 2];
    indices[j] = src;
  }
}

function finiteIndices(p: Float32Array, count: number): Int32Array {
  const idx = new Int32Array(count);
  let n = 0;
  for (let i = 0; i < count; i++) if (Number.isFinite(p[3 * i]) && Number.isFinite(p[3 * i + 1]) && Number.isFinite(p[3 * i + 2])) idx[n++] = i;
  return idx.subarray(0, n);
}
