/** Shared argument checks of the perception stage: each error names the field it found wrong. */

export function checkPositions(where: string, field: string, positions: Float32Array, count: number): void {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`${where}: ${field} count must be a non-negative integer, got ${count}`);
  if (!(positions instanceof Float32Array)) throw new RangeError(`${where}: ${field} must be a Float32Array`);
  if (positions.length < 3 * count) {
    throw new RangeError(`${where}: ${field} has ${positions.length} values, expected at least 3 * count = ${3 * count}`);
  }
}

export function checkVec3(where: string, field: string, v: ArrayLike<number> | undefined): void {
  if (v === undefined || v.length !== 3) throw new RangeError(`${where}: ${field} must have 3 values, got ${v === undefined ? 'none' : v.length}`);
  for (let i = 0; i < 3; i++) {
    if (!Number.isFinite(v[i])) throw new RangeError(`${where}: ${field}[${i}] must be finite, got ${v[i]}`);
  }
}

export function checkNumber(where: string, field: string, value: number, min: number, max = Infinity): void {
  if (!(typeof value === 'number' && value >= min && value <= max)) {
    throw new RangeError(`${where}: ${field} must be in [${min}, ${max}], got ${value}`);
  }
}

/** An index buffer of at least `length` entries: `out` when given (checked), else a new one. */
export function indexBuffer(where: string, out: Int32Array | undefined, length: number): Int32Array {
  if (out === undefined) return new Int32Array(length);
  if (!(out instanceof Int32Array) || out.length < length) {
    throw new RangeError(`${where}: out must be an Int32Array of at least ${length} entries, got ${out instanceof Int32Array ? out.length : typeof out}`);
  }
  return out;
}
