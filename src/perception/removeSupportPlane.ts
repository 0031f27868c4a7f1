import { checkNumber, checkPositions, indexBuffer } from './checkInputs.js';
import type { SupportPlane } from './fitSupportPlane.js';

/**
 * Indices of the points of `positions` ([count, 3]) that stand on the plane: higher than
 * `tolerance` above it (the plane itself and everything under it, such as the floor below a
 * table, are dropped) and, when `maxHeight` > 0, at most `maxHeight` above it.
 */
export function removeSupportPlane(
  positions: Float32Array,
  count: number,
  plane: Pick<SupportPlane, 'normal' | 'offset'>,
  options: { readonly tolerance: number; readonly maxHeight: number },
  out?: Int32Array,
): Int32Array {
  checkPositions('removeSupportPlane', 'positions', positions, count);
  const [nx, ny, nz] = plane.normal;
  if (![nx, ny, nz, plane.offset].every(Number.isFinite) || Math.abs(Math.hypot(nx, ny, nz) - 1) > 1e-6) {
    throw new RangeError(`removeSupportPlane: plane.normal must be a finite unit vector and plane.offset finite, got [${plane.normal.join(', ')}] and ${plane.offset}`);
  }
  checkNumber('removeSupportPlane', 'tolerance', options.tolerance, 0);
  checkNumber('removeSupportPlane', 'maxHeight', options.maxHeight, 0);
  const idx = indexBuffer('removeSupportPlane', out, count);
  const tol = options.tolerance;
  const top = options.maxHeight > 0 ? options.maxHeight : Infinity;
  let n = 0;
  for (let i = 0; i < count; i++) {
    const h = nx * positions[3 * i] + ny * positions[3 * i + 1] + nz * positions[3 * i + 2] + plane.offset;
    if (h > tol && h <= top) idx[n++] = i;
  }
  return idx.subarray(0, n);
}
