import { checkPositions, checkVec3, indexBuffer } from './checkInputs.js';

/**
 * Indices of the finite points of `positions` ([count, 3]) inside the axis-aligned box
 * [min, max] (bounds included), in input order. Returns a subarray of `out` when given.
 */
export function cropToBox(
  positions: Float32Array,
  count: number,
  min: ArrayLike<number>,
  max: ArrayLike<number>,
  out?: Int32Array,
): Int32Array {
  checkPositions('cropToBox', 'positions', positions, count);
  checkVec3('cropToBox', 'min', min);
  checkVec3('cropToBox', 'max', max);
  for (let a = 0; a < 3; a++) {
    if (min[a] > max[a]) throw new RangeError(`cropToBox: min[${a}] ${min[a]} is above max[${a}] ${max[a]}: the box is empty`);
  }
  const idx = indexBuffer('cropToBox', out, count);
  const x0 = min[0], y0 = min[1], z0 = min[2], x1 = max[0], y1 = max[1], z1 = max[2];
  let n = 0;
  for (let i = 0; i < count; i++) {
    const x = positions[3 * i], y = positions[3 * i + 1], z = positions[3 * i + 2];
    // NaN fails every comparison, so non-finite points drop out here too.
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1 && z >= z0 && z <= z1) idx[n++] = i;
  }
  return idx.subarray(0, n);
}
