import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { quatFromAxisAngle, quatRotate, quatToMatrix } from '../../../src/core/index.js';
import type { Vec3 } from '../../../src/core/index.js';
import { GEOM_TYPE, surfaceNormal } from '../../../src/sim/camera/index.js';

const q = quatFromAxisAngle([1, 2, 3], 0.7);
const centre: Vec3 = [0.3, -0.2, 0.5];

/** Normal at the world image of the local point `local` of a geom at `centre` rotated by `q`. */
function normalAt(type: number, size: Vec3, local: Vec3): Vec3 | undefined {
  const p = quatRotate(q, local);
  const out = new Float64Array(3);
  const ok = surfaceNormal(
    type,
    1,
    Float64Array.from([0, 0, 0, ...size]),
    Float64Array.from([9, 9, 9, ...centre]),
    Float64Array.from([...new Array<number>(9).fill(0), ...quatToMatrix(q)]),
    p[0] + centre[0],
    p[1] + centre[1],
    p[2] + centre[2],
    out,
  );
  return ok ? [out[0], out[1], out[2]] : undefined;
}

function assertLocalNormal(actual: Vec3 | undefined, expectedLocal: Vec3, what: string): void {
  assert.ok(actual, `${what}: no normal`);
  const len = Math.hypot(...expectedLocal);
  const e = quatRotate(q, [expectedLocal[0] / len, expectedLocal[1] / len, expectedLocal[2] / len]);
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(actual[k] - e[k]) < 1e-9, `${what}: got [${actual}], expected [${e}]`);
}

describe('surfaceNormal', () => {
  test('plane: its local z axis wherever the point is', () => {
    assertLocalNormal(normalAt(GEOM_TYPE.plane, [1, 1, 0.1], [0.3, -0.7, 0]), [0, 0, 1], 'plane');
  });

  test('sphere: radial', () => {
    assertLocalNormal(normalAt(GEOM_TYPE.sphere, [0.2, 0, 0], [0.12, 0, -0.16]), [0.12, 0, -0.16], 'sphere');
  });

  test('box: the face the point lies on, including the negative faces', () => {
    const size: Vec3 = [0.1, 0.2, 0.3];
    assertLocalNormal(normalAt(GEOM_TYPE.box, size, [0.1, 0.05, -0.2]), [1, 0, 0], '+x face');
    assertLocalNormal(normalAt(GEOM_TYPE.box, size, [0.09, -0.2, 0.25]), [0, -1, 0], '-y face');
    assertLocalNormal(normalAt(GEOM_TYPE.box, size, [-0.05, 0.15, -0.3]), [0, 0, -1], '-z face');
  });

  test('capsule: radial on the side, spherical on the caps', () => {
    const size: Vec3 = [0.05, 0.2, 0];
    assertLocalNormal(normalAt(GEOM_TYPE.capsule, size, [0.03, -0.04, 0.1]), [0.03, -0.04, 0], 'side');
    assertLocalNormal(normalAt(GEOM_TYPE.capsule, size, [0.03, 0, 0.24]), [0.03, 0, 0.04], 'top cap');
    assertLocalNormal(normalAt(GEOM_TYPE.capsule, size, [0, 0, -0.25]), [0, 0, -1], 'bottom tip');
  });

  test('cylinder: radial on the side, axial on the flat caps', () => {
    const size: Vec3 = [0.1, 0.2, 0];
    assertLocalNormal(normalAt(GEOM_TYPE.cylinder, size, [0.06, 0.08, -0.15]), [0.06, 0.08, 0], 'side');
    assertLocalNormal(normalAt(GEOM_TYPE.cylinder, size, [0.02, -0.05, 0.2]), [0, 0, 1], 'top');
    assertLocalNormal(normalAt(GEOM_TYPE.cylinder, size, [0.05, 0, -0.2]), [0, 0, -1], 'bottom');
  });

  test('ellipsoid: the gradient of its implicit function', () => {
    const size: Vec3 = [0.1, 0.2, 0.4];
    // A point on the surface: (a cos t, b sin t, 0) has normal (cos t / a, sin t / b, 0).
    const t = 0.6;
    assertLocalNormal(
      normalAt(GEOM_TYPE.ellipsoid, size, [0.1 * Math.cos(t), 0.2 * Math.sin(t), 0]),
      [Math.cos(t) / 0.1, Math.sin(t) / 0.2, 0],
      'ellipsoid',
    );
  });

  test('mesh, height field and SDF have no analytic normal', () => {
    for (const type of [GEOM_TYPE.mesh, GEOM_TYPE.hfield, GEOM_TYPE.sdf]) {
      assert.equal(normalAt(type, [1, 1, 1], [0, 0, 0]), undefined);
    }
  });
});
