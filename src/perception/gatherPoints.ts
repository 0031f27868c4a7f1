/** Copies the points `indices` of `positions` into a compact [indices.length, 3] array. */
export function gatherPoints(positions: Float32Array, indices: ArrayLike<number>, out?: Float32Array): Float32Array {
  const n = indices.length;
  if (out !== undefined && out.length < 3 * n) throw new RangeError(`gatherPoints: out has ${out.length} values, expected at least ${3 * n}`);
  const dst = out ?? new Float32Array(3 * n);
  for (let j = 0; j < n; j++) {
    const i = indices[j];
    if (!(i >= 0 && 3 * i + 2 < positions.length)) throw new RangeError(`gatherPoints: indices[${j}] = ${i} is outside the ${positions.length / 3} points`);
    dst[3 * j] = positions[3 * i];
    dst[3 * j + 1] = positions[3 * i + 1];
    dst[3 * j + 2] = positions[3 * i + 2];
  }
  return out === undefined ? dst : dst.subarray(0, 3 * n);
}
