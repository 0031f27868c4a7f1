import type { PointCloud } from '../../core/index.js';
import { quatToMatrix } from '../../core/index.js';
import type { TransformBuffer } from './TransformBuffer.js';

/**
 * `cloud` with its points in `frame`, through the tf buffer at the cloud's stamp (a camera
 * driver publishes its cloud in the camera's optical frame; perception fits the table plane
 * and crops the workspace in the robot's base frame). A cloud already in `frame` is returned
 * as it is; one tf cannot place is an error naming both frames and why.
 */
export function cloudInFrame(cloud: PointCloud, frame: string, tf: TransformBuffer, toleranceS: number): { readonly cloud: PointCloud } | { readonly error: string } {
  const from = cloud.frameId.replace(/^\//, '');
  if (from === frame) return { cloud };
  const found = tf.lookup(frame, from, cloud.stamp, toleranceS);
  if ('error' in found) return { error: `a cloud in frame '${cloud.frameId}' cannot be brought into '${frame}': ${found.error}` };
  const r = quatToMatrix(found.pose.quaternion);
  const [tx, ty, tz] = found.pose.position;
  const p = cloud.positions;
  const out = new Float32Array(p.length);
  for (let i = 0; i < p.length; i += 3) {
    const x = p[i], y = p[i + 1], z = p[i + 2];
    out[i] = r[0] * x + r[1] * y + r[2] * z + tx;
    out[i + 1] = r[3] * x + r[4] * y + r[5] * z + ty;
    out[i + 2] = r[6] * x + r[7] * y + r[8] * z + tz;
  }
  return { cloud: { ...cloud, frameId: frame, positions: out } };
}
