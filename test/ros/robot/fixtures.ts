// A small arm's URDF with every kind of collision geometry, and STL writers, for the robot tests.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * base_link carries a box; link_1 (over the shoulder joint) a cylinder 0.4 m long along its z,
 * lifted 0.2 m; link_2 a sphere and a package:// STL mesh scaled from millimetres; tool0 none.
 */
export const ARM_URDF = `<?xml version="1.0"?>
<robot name="test_arm">
  <link name="base_link">
    <visual><geometry><box size="1 1 1"/></geometry></visual>
    <collision><origin xyz="0 0 0.05" rpy="0 0 0"/><geometry><box size="0.2 0.3 0.1"/></geometry></collision>
  </link>
  <link name="link_1">
    <collision><origin xyz="0 0 0.2"/><geometry><cylinder radius="0.05" length="0.4"/></geometry></collision>
  </link>
  <link name="link_2">
    <collision><geometry><sphere radius="0.04"/></geometry></collision>
    <collision>
      <origin xyz="0.1 0 0" rpy="0 0 1.5707963267948966"/>
      <geometry><mesh filename="package://test_arm_description/meshes/forearm.stl" scale="0.001 0.001 0.001"/></geometry>
    </collision>
  </link>
  <link name="tool0"/>
  <joint name="shoulder" type="revolute"><parent link="base_link"/><child link="link_1"/></joint>
  <joint name="elbow" type="revolute"><parent link="link_1"/><child link="link_2"/></joint>
</robot>
`;

/** A binary STL of the given triangles (each nine numbers), normals zero. */
export function binaryStl(triangles: readonly (readonly number[])[], header = 'binary'): Buffer {
  const out = Buffer.alloc(84 + 50 * triangles.length);
  out.write(header.padEnd(80, ' '), 0, 'latin1');
  out.writeUInt32LE(triangles.length, 80);
  triangles.forEach((t, i) => t.forEach((v, k) => out.writeFloatLE(v, 84 + 50 * i + 12 + 4 * k)));
  return out;
}

/** The same triangles as ASCII STL. */
export function asciiStl(triangles: readonly (readonly number[])[]): string {
  const facets = triangles.map((t) => `facet normal 0 0 0\n outer loop\n${[0, 3, 6].map((k) => `  vertex ${t[k]} ${t[k + 1]} ${t[k + 2]}\n`).join('')} endloop\nendfacet\n`);
  return `solid part\n${facets.join('')}endsolid part\n`;
}

/** A box 0..200 mm in x, -20..20 mm in y and z, as two triangles spanning its corners. */
export const FOREARM_TRIANGLES = [
  [0, -20, -20, 200, 20, -20, 0, 20, 20],
  [200, -20, 20, 0, 0, 0, 100, 20, -20],
];

/** An install prefix as colcon makes one: <prefix>/share/test_arm_description/meshes/forearm.stl. */
export function installPrefix(): string {
  const prefix = mkdtempSync(join(tmpdir(), 'jepa-urdf-'));
  const meshes = join(prefix, 'share', 'test_arm_description', 'meshes');
  mkdirSync(meshes, { recursive: true });
  writeFileSync(join(meshes, 'forearm.stl'), binaryStl(FOREARM_TRIANGLES));
  return prefix;
}
