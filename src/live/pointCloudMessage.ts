import { NumericType } from '@foxglove/schemas';
import type { PointCloud as FoxglovePointCloud } from '@foxglove/schemas';
import type { Timestamp } from '../core/Timestamp.js';
import type { JsonWire } from './wire.js';
import { base64, IDENTITY_POSE, toTime } from './wire.js';

/** x y z float32, then red green blue alpha uint8: 16 bytes a point. */
const STRIDE = 16;
const FIELDS = [
  { name: 'x', offset: 0, type: NumericType.FLOAT32 },
  { name: 'y', offset: 4, type: NumericType.FLOAT32 },
  { name: 'z', offset: 8, type: NumericType.FLOAT32 },
  { name: 'red', offset: 12, type: NumericType.UINT8 },
  { name: 'green', offset: 13, type: NumericType.UINT8 },
  { name: 'blue', offset: 14, type: NumericType.UINT8 },
  { name: 'alpha', offset: 15, type: NumericType.UINT8 },
];

export interface CloudInput {
  readonly stamp: Timestamp;
  readonly frameId: string;
  /** [count, 3] metres. */
  readonly positions: Float32Array;
  readonly count: number;
  /** Colour per point ([n, 3] uint8, read at `indices[k]` when given) or one colour for all. */
  readonly colors?: Uint8Array | readonly [number, number, number];
  /** Which row of `colors` each point takes (e.g. perception's sampled indices into the input cloud). */
  readonly indices?: Int32Array;
}

/** A cloud as foxglove.PointCloud, coloured per point (red/green/blue/alpha fields); non-finite points are left out. */
export function pointCloudMessage(cloud: CloudInput): JsonWire<FoxglovePointCloud> {
  const bytes = new Uint8Array(STRIDE * cloud.count);
  const view = new DataView(bytes.buffer);
  const p = cloud.positions;
  const c = cloud.colors;
  let n = 0;
  for (let i = 0; i < cloud.count; i++) {
    const x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
    if (!(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z))) continue;
    const o = STRIDE * n++;
    view.setFloat32(o, x, true);
    view.setFloat32(o + 4, y, true);
    view.setFloat32(o + 8, z, true);
    if (c === undefined) {
      bytes[o + 12] = bytes[o + 13] = bytes[o + 14] = 200;
    } else if (c instanceof Uint8Array) {
      const row = cloud.indices === undefined ? i : cloud.indices[i];
      bytes[o + 12] = c[3 * row];
      bytes[o + 13] = c[3 * row + 1];
      bytes[o + 14] = c[3 * row + 2];
    } else {
      bytes[o + 12] = c[0];
      bytes[o + 13] = c[1];
      bytes[o + 14] = c[2];
    }
    bytes[o + 15] = 255;
  }
  return {
    timestamp: toTime(cloud.stamp),
    frame_id: cloud.frameId,
    pose: IDENTITY_POSE,
    point_stride: STRIDE,
    fields: FIELDS,
    data: base64(bytes.subarray(0, STRIDE * n)),
  };
}
