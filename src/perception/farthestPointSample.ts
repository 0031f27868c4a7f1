import { checkPositions } from './checkInputs.js';

/**
 * Writes `k` points of `positions` ([count, 3], finite) into `out` ([k, 3]) by farthest
 * point sampling: first the point nearest the centroid, then each time the point furthest
 * from those chosen (ties to the lower index), so the result depends on the cloud only.
 * With fewer than `k` points, all are taken in that order and cycled: repeats leave a
 * PointNet max-pool unchanged. `indicesOut`, when given, receives the index of each sample.
 * O(count * k) time, no allocation beyond one [count] distance buffer.
 */
export function farthestPointSample(positions: Float32Array, count: number, k: number, out: Float32Array, indicesOut?: Int32Array): Float32Array {
  checkPositions('farthestPointSample', 'positions', positions, count);
  if (count < 1) throw new RangeError('farthestPointSample: count must be at least 1: there is no point to sample');
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`farthestPointSample: k must be a positive integer, got ${k}`);
  if (!(out instanceof Float32Array) || out.length < 3 * k) throw new RangeError(`farthestPointSample: out must be a Float32Array of at least 3 * k = ${3 * k} values, got ${out?.length}`);
  if (indicesOut !== undefined && indicesOut.length < k) throw new RangeError(`farthestPointSample: indicesOut must hold at least k = ${k} entries, got ${indicesOut.length}`);

  let cx = 0, cy = 0, cz = 0;
  for (let i = 0; i < count; i++) {
    cx += positions[3 * i];
    cy += positions[3 * i + 1];
    cz += positions[3 * i + 2];
  }
  cx /= count;
  cy /= count;
  cz /= count;
  let current = 0;
  let bestD = Infinity;
  for (let i = 0; i < count; i++) {
    const dx = positions[3 * i] - cx, dy = positions[3 * i + 1] - cy, dz = positions[3 * i + 2] - cz;
    const d = dx * dx + dy * dy + dz * dz;
    if (d < bestD) {
      bestD = d;
      current = i;
    }
  }

  // Squared distance of each point to the chosen set; -1 marks a chosen point.
  const minD = new Float64Array(count).fill(Infinity);
  const taken = Math.min(k, count);
  for (let j = 0; j < taken; j++) {
    write(positions, current, out, j, indicesOut);
    minD[current] = -1;
    const px = positions[3 * current], py = positions[3 * current + 1], pz = positions[3 * current + 2];
    let next = -1;
    let far = -Infinity;
    for (let i = 0; i < count; i++) {
      let d = minD[i];
      if (d < 0) continue;
      const dx = positions[3 * i] - px, dy = positions[3 * i + 1] - py, dz = positions[3 * i + 2] - pz;
      const e = dx * dx + dy * dy + dz * dz;
      if (e < d) minD[i] = d = e;
      if (d > far) {
        far = d;
        next = i;
      }
    }
    current = next;
  }
  for (let j = taken; j < k; j++) {
    const src = j % taken;
    out[3 * j] = out[3 * src];
    out[3 * j + 1] = out[3 * src + 1];
    out[3 * j + 2] = out[3 * src + 2];
    if (indicesOut !== undefined) indicesOut[j] = indicesOut[src];
  }
  return out;
}

function write(positions: Float32Array, i: number, out: Float32Array, j: number, indicesOut: Int32Array | undefined): void {
  out[3 * j] = positions[3 * i];
  out[3 * j + 1] = positions[3 * i + 1];
  out[3 * j + 2] = positions[3 * i + 2];
  if (indicesOut !== undefined) indicesOut[j] = i;
}
