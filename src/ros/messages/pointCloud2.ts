import type { PointCloud, Rng } from '../../core/index.js';
import { headerToRos, sensorHeaderFromRos } from './header.js';
import { POINT_FIELD_DATATYPE, type PointCloud2Msg, type PointFieldMsg } from './rosTypes.js';
import { sourceLabel } from './sourceLabel.js';

const TYPE = 'sensor_msgs/PointCloud2';
const { INT8, UINT8, INT16, UINT16, INT32, UINT32, FLOAT32, FLOAT64 } = POINT_FIELD_DATATYPE;
const DATATYPE_NAMES = ['?', 'INT8', 'UINT8', 'INT16', 'UINT16', 'INT32', 'UINT32', 'FLOAT32', 'FLOAT64'];
const DATATYPE_SIZES = [0, 1, 1, 2, 2, 4, 4, 4, 8];

/** Segment id field names tried in order when none is given: ours first, then PCL's `label`. */
export const DEFAULT_SEGMENT_FIELDS: readonly string[] = Object.freeze(['segment', 'label', 'segment_id', 'instance_id']);

export interface PointCloudFromRosOptions {
  /** Topic the message came from, for error messages. */
  readonly topic?: string;
  /** Keep at most this many points, drawn uniformly without replacement (needs `rng`), in their original order. */
  readonly maxPoints?: number;
  /** Seeded source for down-sampling. */
  readonly rng?: Rng;
  /** Names to look for, in order, for a per-point segment id. */
  readonly segmentFields?: readonly string[];
}

type FieldReader = (view: DataView, offset: number) => number;

/**
 * sensor_msgs/PointCloud2 of any layout to a core point cloud. x, y, z may be FLOAT32 or
 * FLOAT64 at any offsets; colour is read from a packed `rgb`/`rgba` field (PCL's 0x00RRGGBB
 * in a FLOAT32 or UINT32) or from separate UINT8 `r`, `g`, `b` fields; the segment id from
 * the first integer field named in `segmentFields`. `point_step`, `row_step`, organised
 * clouds (height > 1) and big-endian data are honoured. Points with a non-finite coordinate
 * (including FLOAT64 values beyond float32 range) are dropped.
 */
export function pointCloudFromRos(msg: PointCloud2Msg, options: PointCloudFromRosOptions = {}): PointCloud {
  const label = sourceLabel(TYPE, msg.header, options.topic);
  const header = sensorHeaderFromRos(msg.header, label);
  const little = !msg.is_bigendian;
  const byName = new Map<string, PointFieldMsg>();
  for (const f of msg.fields) if (!byName.has(f.name)) byName.set(f.name, f);
  const present = msg.fields.map((f) => `${f.name}:${DATATYPE_NAMES[f.datatype] ?? f.datatype}@${f.offset}`).join(', ');

  const used: PointFieldMsg[] = [];
  const need = (name: string, allowed: readonly number[]): FieldReader => {
    const f = byName.get(name);
    if (f === undefined) throw new RangeError(`${label}: no '${name}' field (fields: ${present || 'none'})`);
    return readerFor(f, allowed, little, label, used);
  };
  const readX = need('x', [FLOAT32, FLOAT64]);
  const readY = need('y', [FLOAT32, FLOAT64]);
  const readZ = need('z', [FLOAT32, FLOAT64]);

  // Packed colour: the 4 bytes are the integer 0x00RRGGBB (alpha in the top byte for rgba)
  // whatever the declared type, so they are read as uint32 in the cloud's byte order.
  let readPacked: FieldReader | undefined;
  let readRgb: [FieldReader, FieldReader, FieldReader] | undefined;
  const packed = byName.get('rgb') ?? byName.get('rgba');
  if (packed !== undefined) {
    readerFor(packed, [FLOAT32, UINT32, INT32], little, label, used);
    readPacked = (view, offset) => view.getUint32(offset + packed.offset, little);
  } else if (byName.has('r') && byName.has('g') && byName.has('b')) {
    readRgb = [need('r', [UINT8]), need('g', [UINT8]), need('b', [UINT8])];
  }

  let readSegment: FieldReader | undefined;
  const segmentName = (options.segmentFields ?? DEFAULT_SEGMENT_FIELDS).find((n) => byName.has(n));
  if (segmentName !== undefined) readSegment = need(segmentName, [INT8, UINT8, INT16, UINT16, INT32, UINT32]);

  const { width, height, point_step: pointStep } = msg;
  if (!Number.isInteger(width) || width < 0 || !Number.isInteger(height) || height < 0) {
    throw new RangeError(`${label}: width and height must be integers >= 0, got ${width}x${height}`);
  }
  const total = width * height;
  const fieldEnd = Math.max(...used.map((f) => f.offset + DATATYPE_SIZES[f.datatype]));
  if (pointStep < fieldEnd) throw new RangeError(`${label}: point_step ${pointStep} is shorter than its fields, which end at byte ${fieldEnd}`);
  // An unorganised cloud's single row needs no row_step; some drivers leave it 0.
  const rowStep = height > 1 ? msg.row_step : width * pointStep;
  if (height > 1 && rowStep < width * pointStep) {
    throw new RangeError(`${label}: row_step ${rowStep} is less than width ${width} x point_step ${pointStep}`);
  }
  const needed = total === 0 ? 0 : rowStep * (height - 1) + pointStep * (width - 1) + fieldEnd;
  if (msg.data.length < needed) {
    throw new RangeError(`${label}: data has ${msg.data.length} bytes, expected at least ${needed} for ${width}x${height} points of ${pointStep} bytes (row_step ${rowStep})`);
  }

  // Pass 1: the byte offset and position of every finite point. A cloud of no point may still
  // claim billions of empty rows: the rows are walked only when they hold points.
  const view = new DataView(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength);
  const offsets = new Float64Array(total);
  const xyz = new Float32Array(total * 3);
  let valid = 0;
  for (let row = 0; row < (total === 0 ? 0 : height); row++) {
    for (let col = 0, offset = row * rowStep; col < width; col++, offset += pointStep) {
      const x = Math.fround(readX(view, offset));
      const y = Math.fround(readY(view, offset));
      const z = Math.fround(readZ(view, offset));
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue;
      offsets[valid] = offset;
      xyz[3 * valid] = x;
      xyz[3 * valid + 1] = y;
      xyz[3 * valid + 2] = z;
      valid++;
    }
  }

  const keep = selectPoints(valid, options, label);
  const count = keep === undefined ? valid : keep.length;
  const at = (i: number): number => (keep === undefined ? i : keep[i]);
  const positions = keep === undefined ? xyz.slice(0, 3 * valid) : new Float32Array(3 * count);
  if (keep !== undefined) {
    for (let i = 0; i < count; i++) positions.set(xyz.subarray(3 * keep[i], 3 * keep[i] + 3), 3 * i);
  }
  let colors: Uint8Array | undefined;
  if (readPacked !== undefined || readRgb !== undefined) {
    colors = new Uint8Array(3 * count);
    for (let i = 0; i < count; i++) {
      const offset = offsets[at(i)];
      if (readPacked !== undefined) {
        const v = readPacked(view, offset);
        colors[3 * i] = (v >>> 16) & 0xff;
        colors[3 * i + 1] = (v >>> 8) & 0xff;
        colors[3 * i + 2] = v & 0xff;
      } else if (readRgb !== undefined) {
        colors[3 * i] = readRgb[0](view, offset);
        colors[3 * i + 1] = readRgb[1](view, offset);
        colors[3 * i + 2] = readRgb[2](view, offset);
      }
    }
  }
  let segments: Int32Array | undefined;
  if (readSegment !== undefined) {
    segments = new Int32Array(count);
    // UINT32 ids above 2^31 wrap to negative; ids that large do not occur in practice.
    for (let i = 0; i < count; i++) segments[i] = readSegment(view, offsets[at(i)]);
  }
  return {
    ...header,
    count,
    positions,
    ...(colors === undefined ? {} : { colors }),
    ...(segments === undefined ? {} : { segments }),
  };
}

export interface PointCloudToRosOptions {
  /** Name of the INT32 segment id field. Default 'segment'. */
  readonly segmentField?: string;
}

/**
 * A core point cloud as sensor_msgs/PointCloud2: unorganised (height 1), little endian,
 * x, y, z FLOAT32, then `rgb` packed into a FLOAT32 as PCL does (bytes of 0x00RRGGBB) if
 * the cloud has colours, then an INT32 segment id if it has segments.
 */
export function pointCloudToRos(cloud: PointCloud, options: PointCloudToRosOptions = {}): PointCloud2Msg {
  const n = cloud.count;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`point cloud: count must be an integer >= 0, got ${n}`);
  if (cloud.positions.length !== 3 * n) throw new RangeError(`point cloud: ${n} points need ${3 * n} positions, got ${cloud.positions.length}`);
  if (cloud.colors !== undefined && cloud.colors.length !== 3 * n) {
    throw new RangeError(`point cloud: ${n} points need ${3 * n} colour bytes, got ${cloud.colors.length}`);
  }
  if (cloud.segments !== undefined && cloud.segments.length !== n) {
    throw new RangeError(`point cloud: ${n} points need ${n} segment ids, got ${cloud.segments.length}`);
  }
  const fields: PointFieldMsg[] = [
    { name: 'x', offset: 0, datatype: FLOAT32, count: 1 },
    { name: 'y', offset: 4, datatype: FLOAT32, count: 1 },
    { name: 'z', offset: 8, datatype: FLOAT32, count: 1 },
  ];
  let step = 12;
  const rgbOffset = step;
  if (cloud.colors !== undefined) {
    fields.push({ name: 'rgb', offset: rgbOffset, datatype: FLOAT32, count: 1 });
    step += 4;
  }
  const segmentOffset = step;
  if (cloud.segments !== undefined) {
    fields.push({ name: options.segmentField ?? 'segment', offset: segmentOffset, datatype: INT32, count: 1 });
    step += 4;
  }
  const data = new Uint8Array(step * n);
  const view = new DataView(data.buffer);
  let dense = true;
  for (let i = 0, o = 0; i < n; i++, o += step) {
    const x = cloud.positions[3 * i];
    const y = cloud.positions[3 * i + 1];
    const z = cloud.positions[3 * i + 2];
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) dense = false;
    view.setFloat32(o, x, true);
    view.setFloat32(o + 4, y, true);
    view.setFloat32(o + 8, z, true);
    if (cloud.colors !== undefined) {
      // Written as the integer's bytes: going through a float would risk NaN canonicalisation.
      const c = cloud.colors;
      view.setUint32(o + rgbOffset, (c[3 * i] << 16) | (c[3 * i + 1] << 8) | c[3 * i + 2], true);
    }
    if (cloud.segments !== undefined) view.setInt32(o + segmentOffset, cloud.segments[i], true);
  }
  return {
    header: headerToRos(cloud),
    height: 1,
    width: n,
    fields,
    is_bigendian: false,
    point_step: step,
    row_step: step * n,
    data,
    is_dense: dense,
  };
}

function readerFor(field: PointFieldMsg, allowed: readonly number[], little: boolean, label: string, used: PointFieldMsg[]): FieldReader {
  if (!allowed.includes(field.datatype)) {
    const names = allowed.map((d) => DATATYPE_NAMES[d]).join(' or ');
    throw new RangeError(`${label}: field '${field.name}' is ${DATATYPE_NAMES[field.datatype] ?? `datatype ${field.datatype}`}, expected ${names}`);
  }
  // count 0 appears in some old publishers and means one element, as count 1 does.
  if (field.count > 1) throw new RangeError(`${label}: field '${field.name}' has count ${field.count}, expected 1`);
  used.push(field);
  const at = field.offset;
  switch (field.datatype) {
    case INT8: return (v, o) => v.getInt8(o + at);
    case UINT8: return (v, o) => v.getUint8(o + at);
    case INT16: return (v, o) => v.getInt16(o + at, little);
    case UINT16: return (v, o) => v.getUint16(o + at, little);
    case INT32: return (v, o) => v.getInt32(o + at, little);
    case UINT32: return (v, o) => v.getUint32(o + at, little);
    case FLOAT32: return (v, o) => v.getFloat32(o + at, little);
    case FLOAT64: return (v, o) => v.getFloat64(o + at, little);
    default: throw new RangeError(`${label}: field '${field.name}' has unknown datatype ${field.datatype}`);
  }
}

/** Sorted indices of `maxPoints` of `valid` points, or undefined to keep them all. */
function selectPoints(valid: number, options: PointCloudFromRosOptions, label: string): Int32Array | undefined {
  const max = options.maxPoints;
  if (max === undefined) return undefined;
  if (!Number.isInteger(max) || max < 0) throw new RangeError(`${label}: maxPoints must be an integer >= 0, got ${max}`);
  if (valid <= max) return undefined;
  if (options.rng === undefined) throw new RangeError(`${label}: down-sampling ${valid} points to ${max} needs a seeded rng`);
  // Partial Fisher-Yates: the first `max` slots end up a uniform sample without replacement.
  const idx = new Int32Array(valid);
  for (let i = 0; i < valid; i++) idx[i] = i;
  for (let i = 0; i < max; i++) {
    const j = options.rng.int(i, valid);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.slice(0, max).sort();
}
