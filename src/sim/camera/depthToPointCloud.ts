import { composePoses, inversePose, quatToMatrix } from '../../core/index.js';
import type { PointCloud, Pose, Rng, Timestamp } from '../../core/index.js';
import type { CameraFrame } from './CameraFrame.js';

export interface DepthToPointCloudOptions {
  /** 'camera': the optical frame of the frame; 'base': the robot base, whose world pose is `basePose`. */
  readonly target: 'camera' | 'base';
  readonly basePose?: Pose;
  /** Points to keep. */
  readonly count: number;
  readonly rng: Rng;
  readonly frameId: string;
  readonly stamp: Timestamp;
}

/**
 * Back-projects the valid depth pixels (finite depth) of a frame and keeps `count` of them,
 * with colour and segment id.
 *
 * Sampling: with at least `count` valid pixels, `count` distinct pixels drawn uniformly (in
 * random order). With fewer, every valid pixel once (in pixel order) followed by draws with
 * replacement up to `count`. With none, an empty cloud (count 0, empty arrays) rather than
 * invented points: a consumer that needs a fixed size pads it knowingly.
 */
export function depthToPointCloud(frame: CameraFrame, options: DepthToPointCloudOptions): PointCloud {
  const { count, rng, target } = options;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`depthToPointCloud: count must be a positive integer, got ${count}`);
  const { width, depth, rgb, segmentation } = frame;
  const { fx, fy, cx, cy } = frame.intrinsics;
  if (depth.length !== width * frame.height) {
    throw new RangeError(`depthToPointCloud: depth has ${depth.length} pixels, expected ${width}x${frame.height}`);
  }

  let transform: Pose | undefined;
  if (target === 'base') {
    if (!options.basePose) throw new Error("depthToPointCloud: target 'base' needs basePose (world pose of the robot base)");
    transform = composePoses(inversePose(options.basePose), frame.pose);
  } else if (target !== 'camera') {
    throw new RangeError(`depthToPointCloud: target must be 'camera' or 'base', got '${String(target)}'`);
  }

  const valid = new Int32Array(depth.length);
  let nValid = 0;
  for (let i = 0; i < depth.length; i++) if (depth[i] === depth[i]) valid[nValid++] = i;
  const header = { frameId: options.frameId, stamp: options.stamp };
  if (nValid === 0) {
    return { ...header, count: 0, positions: new Float32Array(0), colors: new Uint8Array(0), segments: new Int32Array(0) };
  }

  const picks = new Int32Array(count);
  if (nValid >= count) {
    // Partial Fisher-Yates: the first `count` slots become a uniform sample without replacement.
    for (let j = 0; j < count; j++) {
      const r = rng.int(j, nValid);
      const tmp = valid[j];
      valid[j] = valid[r];
      valid[r] = tmp;
      picks[j] = valid[j];
    }
  } else {
    picks.set(valid.subarray(0, nValid));
    for (let j = nValid; j < count; j++) picks[j] = valid[rng.int(0, nValid)];
  }

  const [r0, r1, r2, r3, r4, r5, r6, r7, r8] = transform ? quatToMatrix(transform.quaternion) : [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const [tx, ty, tz] = transform ? transform.position : [0, 0, 0];
  const positions = new Float32Array(3 * count);
  const colors = new Uint8Array(3 * count);
  const segments = new Int32Array(count);
  for (let j = 0; j < count; j++) {
    const i = picks[j];
    const u = i % width, v = (i - u) / width;
    const z = depth[i];
    const x = ((u - cx) * z) / fx, y = ((v - cy) * z) / fy;
    positions[3 * j] = r0 * x + r1 * y + r2 * z + tx;
    positions[3 * j + 1] = r3 * x + r4 * y + r5 * z + ty;
    positions[3 * j + 2] = r6 * x + r7 * y + r8 * z + tz;
    colors[3 * j] = rgb[3 * i];
    colors[3 * j + 1] = rgb[3 * i + 1];
    colors[3 * j + 2] = rgb[3 * i + 2];
    segments[j] = segmentation[i];
  }
  return { ...header, count, positions, colors, segments };
}
