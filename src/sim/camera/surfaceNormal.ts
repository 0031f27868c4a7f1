/**
 * MuJoCo's geom type codes (mjtGeom). Fixed by the MuJoCo C API; RayCamera checks them against
 * the loaded module once, so a renumbering would fail loudly rather than shade wrongly.
 */
export const GEOM_TYPE = {
  plane: 0,
  hfield: 1,
  sphere: 2,
  capsule: 3,
  ellipsoid: 4,
  cylinder: 5,
  box: 6,
  mesh: 7,
  sdf: 8,
} as const;

/**
 * Outward unit normal, in world coordinates, of the surface of a primitive geom at the world
 * point (px, py, pz), which must lie on that surface. mj_multiRay returns no normals, so they
 * are recomputed from the geom's pose (`xpos`: 3 per geom, `xmat`: row-major 3x3 per geom) and
 * size (3 per geom) at index `g`. Writes into `out[0..2]` and returns true; returns false for
 * types without an analytic normal (mesh, height field, SDF), which the caller estimates
 * from the depth image instead.
 */
export function surfaceNormal(
  type: number,
  g: number,
  size: Float64Array,
  xpos: Float64Array,
  xmat: Float64Array,
  px: number,
  py: number,
  pz: number,
  out: Float64Array,
): boolean {
  const m = g * 9;
  const r0 = xmat[m], r1 = xmat[m + 1], r2 = xmat[m + 2];
  const r3 = xmat[m + 3], r4 = xmat[m + 4], r5 = xmat[m + 5];
  const r6 = xmat[m + 6], r7 = xmat[m + 7], r8 = xmat[m + 8];
  const dx = px - xpos[g * 3], dy = py - xpos[g * 3 + 1], dz = pz - xpos[g * 3 + 2];
  let nx: number, ny: number, nz: number;
  switch (type) {
    case GEOM_TYPE.plane:
      // The local z axis is the plane's normal: the third column of the rotation.
      out[0] = r2;
      out[1] = r5;
      out[2] = r8;
      return true;
    case GEOM_TYPE.sphere:
      nx = dx;
      ny = dy;
      nz = dz;
      break;
    case GEOM_TYPE.box: {
      // The face is the axis along which the point is farthest out relative to the half-size.
      const lx = r0 * dx + r3 * dy + r6 * dz;
      const ly = r1 * dx + r4 * dy + r7 * dz;
      const lz = r2 * dx + r5 * dy + r8 * dz;
      const ax = Math.abs(lx) / size[g * 3], ay = Math.abs(ly) / size[g * 3 + 1], az = Math.abs(lz) / size[g * 3 + 2];
      if (ax >= ay && ax >= az) {
        const s = lx >= 0 ? 1 : -1;
        out[0] = s * r0;
        out[1] = s * r3;
        out[2] = s * r6;
      } else if (ay >= az) {
        const s = ly >= 0 ? 1 : -1;
        out[0] = s * r1;
        out[1] = s * r4;
        out[2] = s * r7;
      } else {
        const s = lz >= 0 ? 1 : -1;
        out[0] = s * r2;
        out[1] = s * r5;
        out[2] = s * r8;
      }
      return true;
    }
    case GEOM_TYPE.capsule: {
      // Away from the nearest point of the segment between the two cap centres.
      const h = size[g * 3 + 1];
      const lz = r2 * dx + r5 * dy + r8 * dz;
      const zc = lz > h ? h : lz < -h ? -h : lz;
      nx = dx - zc * r2;
      ny = dy - zc * r5;
      nz = dz - zc * r8;
      break;
    }
    case GEOM_TYPE.cylinder: {
      const r = size[g * 3], h = size[g * 3 + 1];
      const lx = r0 * dx + r3 * dy + r6 * dz;
      const ly = r1 * dx + r4 * dy + r7 * dz;
      const lz = r2 * dx + r5 * dy + r8 * dz;
      // Cap or side: whichever surface the point is closer to.
      if (Math.abs(Math.abs(lz) - h) < Math.abs(Math.hypot(lx, ly) - r)) {
        const s = lz >= 0 ? 1 : -1;
        out[0] = s * r2;
        out[1] = s * r5;
        out[2] = s * r8;
        return true;
      }
      nx = dx - lz * r2;
      ny = dy - lz * r5;
      nz = dz - lz * r8;
      break;
    }
    case GEOM_TYPE.ellipsoid: {
      // Gradient of (x/a)^2 + (y/b)^2 + (z/c)^2 in local coordinates, rotated back to world.
      const a = size[g * 3], b = size[g * 3 + 1], c = size[g * 3 + 2];
      const lx = (r0 * dx + r3 * dy + r6 * dz) / (a * a);
      const ly = (r1 * dx + r4 * dy + r7 * dz) / (b * b);
      const lz = (r2 * dx + r5 * dy + r8 * dz) / (c * c);
      nx = r0 * lx + r1 * ly + r2 * lz;
      ny = r3 * lx + r4 * ly + r5 * lz;
      nz = r6 * lx + r7 * ly + r8 * lz;
      break;
    }
    default:
      return false;
  }
  const n = Math.sqrt(nx * nx + ny * ny + nz * nz);
  if (n === 0) return false;
  out[0] = nx / n;
  out[1] = ny / n;
  out[2] = nz / n;
  return true;
}
