import type { RobotShape, RobotShapes } from '../core/Observation.js';
import { checkNumber, indexBuffer } from './checkInputs.js';

const KIND = { sphere: 0, capsule: 1, box: 2 } as const;
/** Per shape: kind, centre (3), axes as the rotation's columns (9), size (3), bounding radius. */
const STRIDE = 17;

/**
 * Indices of the points of `positions` ([positions.length / 3, 3]) outside every robot
 * shape inflated by `padding` (metres): the self-filter. Shapes are in the cloud's frame.
 */
export function filterRobotPoints(
  positions: Float32Array,
  shapes: RobotShapes | readonly RobotShape[],
  padding: number,
  out?: Int32Array,
): Int32Array {
  if (!(positions instanceof Float32Array) || positions.length % 3 !== 0) {
    throw new RangeError(`filterRobotPoints: positions must be a Float32Array of [n, 3], got ${positions instanceof Float32Array ? `${positions.length} values` : typeof positions}`);
  }
  checkNumber('filterRobotPoints', 'padding', padding, 0);
  const list = 'shapes' in shapes ? shapes.shapes : shapes;
  const packed = packShapes(list, padding);
  const count = positions.length / 3;
  const idx = indexBuffer('filterRobotPoints', out, count);
  const m = list.length;
  let n = 0;
  for (let i = 0; i < count; i++) {
    const x = positions[3 * i], y = positions[3 * i + 1], z = positions[3 * i + 2];
    let inside = false;
    for (let s = 0; s < m && !inside; s++) inside = insideShape(packed, s * STRIDE, x, y, z);
    if (!inside) idx[n++] = i;
  }
  return idx.subarray(0, n);
}

/** Shapes flattened (and padded) once per call, so the point loop reads numbers only. */
function packShapes(list: readonly RobotShape[], padding: number): Float64Array {
  const packed = new Float64Array(list.length * STRIDE);
  list.forEach((shape, s) => {
    const field = `robotShapes.shapes[${s}]`;
    if (!(shape.kind in KIND)) throw new RangeError(`filterRobotPoints: ${field}.kind must be sphere, capsule or box, got '${String(shape.kind)}'`);
    const sizes = { sphere: 1, capsule: 2, box: 3 }[shape.kind];
    if (shape.position?.length !== 3 || !shape.position.every(Number.isFinite)) throw new RangeError(`filterRobotPoints: ${field}.position must be 3 finite numbers, got [${String(shape.position)}]`);
    if (shape.rotation?.length !== 9 || !shape.rotation.every(Number.isFinite)) throw new RangeError(`filterRobotPoints: ${field}.rotation must be 9 finite numbers (row-major 3x3), got ${shape.rotation?.length ?? 0}`);
    if (!(shape.size?.length >= sizes) || !shape.size.slice(0, sizes).every((v) => Number.isFinite(v) && v >= 0)) {
      throw new RangeError(`filterRobotPoints: ${field}.size must hold ${sizes} non-negative numbers for a ${shape.kind}, got [${String(shape.size)}]`);
    }
    const o = s * STRIDE;
    const r = shape.rotation;
    packed[o] = KIND[shape.kind];
    packed.set(shape.position, o + 1);
    // Columns are the shape's axes: store axis k at o + 4 + 3k.
    for (let k = 0; k < 3; k++) for (let a = 0; a < 3; a++) packed[o + 4 + 3 * k + a] = r[3 * a + k];
    const [s0, s1 = 0, s2 = 0] = shape.size;
    packed[o + 13] = s0 + padding;
    packed[o + 14] = s1 + (shape.kind === 'box' ? padding : 0);
    packed[o + 15] = s2 + padding;
    packed[o + 16] = shape.kind === 'sphere' ? s0 + padding : shape.kind === 'capsule' ? s0 + s1 + padding : Math.hypot(s0 + padding, s1 + padding, s2 + padding);
  });
  return packed;
}

function insideShape(p: Float64Array, o: number, x: number, y: number, z: number): boolean {
  const dx = x - p[o + 1], dy = y - p[o + 2], dz = z - p[o + 3];
  const d2 = dx * dx + dy * dy + dz * dz;
  const bound = p[o + 16];
  if (d2 > bound * bound) return false;
  switch (p[o]) {
    case KIND.sphere:
      return true; // the bounding radius is the sphere
    case KIND.capsule: {
      const half = p[o + 14];
      let t = dx * p[o + 10] + dy * p[o + 11] + dz * p[o + 12];
      t = t > half ? half : t < -half ? -half : t;
      const ex = dx - t * p[o + 10], ey = dy - t * p[o + 11], ez = dz - t * p[o + 12];
      const r = p[o + 13];
      return ex * ex + ey * ey + ez * ez <= r * r;
    }
    default: {
      const lx = dx * p[o + 4] + dy * p[o + 5] + dz * p[o + 6];
      const ly = dx * p[o + 7] + dy * p[o + 8] + dz * p[o + 9];
      const lz = dx * p[o + 10] + dy * p[o + 11] + dz * p[o + 12];
      return Math.abs(lx) <= p[o + 13] && Math.abs(ly) <= p[o + 14] && Math.abs(lz) <= p[o + 15];
    }
  }
}
