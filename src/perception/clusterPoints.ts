import { checkNumber, checkPositions } from './checkInputs.js';

/**
 * Euclidean clustering (as PCL's EuclideanClusterExtraction): points closer than `radius`
 * belong to one cluster, transitively (single linkage). Returns each cluster's point indices,
 * largest first (ties by first index); clusters of fewer than `minPoints` points are dropped
 * as strays. O(n²) over the points given: meant for the few dozen samples perception keeps,
 * where a k-d tree would cost more than it saves. Written by hand because no maintained npm
 * package does single-linkage point clustering without pulling in a whole geometry stack.
 */
export function clusterPoints(positions: Float32Array, count: number, radius: number, minPoints = 1): number[][] {
  const where = 'clusterPoints';
  checkPositions(where, 'positions', positions, count);
  checkNumber(where, 'radius', radius, 0);
  checkNumber(where, 'minPoints', minPoints, 1);
  const parent = Int32Array.from({ length: count }, (_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const r2 = radius * radius;
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) {
      const dx = positions[3 * i] - positions[3 * j];
      const dy = positions[3 * i + 1] - positions[3 * j + 1];
      const dz = positions[3 * i + 2] - positions[3 * j + 2];
      if (dx * dx + dy * dy + dz * dz <= r2) {
        const a = root(i);
        const b = root(j);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  }
  const byRoot = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const r = root(i);
    const members = byRoot.get(r);
    if (members === undefined) byRoot.set(r, [i]);
    else members.push(i);
  }
  return [...byRoot.values()].filter((c) => c.length >= minPoints).sort((a, b) => b.length - a.length || a[0] - b[0]);
}
