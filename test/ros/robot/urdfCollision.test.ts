import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { quatRotate } from '../../../src/core/index.js';
import type { Vec3 } from '../../../src/core/index.js';
import { quatFromRpy, urdfCollisions } from '../../../src/ros/index.js';
import { ARM_URDF } from './fixtures.js';

const close = (a: readonly number[], b: readonly number[], what: string): void =>
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-9, `${what}: [${a.join(', ')}] vs [${b.join(', ')}]`));

describe('urdfCollisions', () => {
  test('every collision element of every link, in link order, with half sizes', () => {
    const { robotName, collisions } = urdfCollisions(ARM_URDF);
    assert.equal(robotName, 'test_arm');
    assert.deepEqual(collisions.map((c) => `${c.link}:${c.kind}`), ['base_link:box', 'link_1:capsule', 'link_2:sphere', 'link_2:mesh']);
    const [box, cylinder, sphere, mesh] = collisions;
    assert.deepEqual(box.kind === 'box' && box.size, [0.1, 0.15, 0.05]);
    assert.deepEqual(box.origin.position, [0, 0, 0.05]);
    // The capsule covering the cylinder: same radius, half its length.
    assert.deepEqual(cylinder.kind === 'capsule' && cylinder.size, [0.05, 0.2]);
    assert.deepEqual(sphere.kind === 'sphere' && sphere.size, [0.04]);
    assert.equal(mesh.kind, 'mesh');
    if (mesh.kind !== 'mesh') return;
    assert.equal(mesh.filename, 'package://test_arm_description/meshes/forearm.stl');
    assert.deepEqual(mesh.scale, [0.001, 0.001, 0.001]);
    // rpy 0 0 pi/2 turns x onto y.
    close(quatRotate(mesh.origin.quaternion, [1, 0, 0]), [0, 1, 0], 'yaw');
  });

  test('rpy is fixed-axis roll, then pitch, then yaw, as URDF defines it', () => {
    const [r, p, y] = [0.3, -0.7, 1.1];
    const q = quatFromRpy(r, p, y);
    const rot = (axis: 0 | 1 | 2, a: number, v: Vec3): Vec3 => {
      const [c, s] = [Math.cos(a), Math.sin(a)];
      const [x0, y0, z0] = v;
      if (axis === 0) return [x0, c * y0 - s * z0, s * y0 + c * z0];
      if (axis === 1) return [c * x0 + s * z0, y0, -s * x0 + c * z0];
      return [c * x0 - s * y0, s * x0 + c * y0, z0];
    };
    for (const v of [[1, 0, 0], [0, 1, 0], [0.2, -0.5, 0.9]] as Vec3[]) {
      close(quatRotate(q, v), rot(2, y, rot(1, p, rot(0, r, v))), `rpy of ${v.join(' ')}`);
    }
  });

  test('a malformed document or element is refused naming the link and attribute', () => {
    assert.throws(() => urdfCollisions('<robot name="x"><link name="a"></robot>'), /URDF is not well-formed XML: .*line 1/);
    assert.throws(() => urdfCollisions('<model/>'), /URDF has no <robot> root element/);
    const one = (geometry: string, origin = ''): string => `<robot name="r"><link name="arm"><collision>${origin}<geometry>${geometry}</geometry></collision></link></robot>`;
    assert.throws(() => urdfCollisions(one('<box size="0.1 0.2"/>')), /URDF link 'arm', collision 0: box size must be 3 finite positive numbers, got '0.1 0.2'/);
    assert.throws(() => urdfCollisions(one('<sphere radius="-1"/>')), /link 'arm', collision 0: sphere radius must be 1 finite positive number, got '-1'/);
    assert.throws(() => urdfCollisions(one('<cylinder radius="0.1"/>')), /cylinder length must be 1 finite positive number, got nothing/);
    assert.throws(() => urdfCollisions(one('<mesh/>')), /collision 0: mesh has no filename/);
    assert.throws(() => urdfCollisions(one('<cone/>')), /geometry is none of box, sphere, cylinder, mesh \(has cone\)/);
    assert.throws(() => urdfCollisions(one('<sphere radius="1"/>', '<origin xyz="0 nan 0"/>')), /origin xyz must be 3 finite numbers, got '0 nan 0'/);
    assert.throws(() => urdfCollisions('<robot name="r"><link><collision/></link></robot>'), /a <link> has no name/);
  });
});
