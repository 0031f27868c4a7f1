import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../../src/cli/loadConfigFile.js';
import type { ConfigInput } from '../../src/core/config/Config.js';
import { parseConfig } from '../../src/core/config/Config.js';
import type { SimConfig } from '../../src/core/config/simConfig.js';
import { SIM_DATA_DIR } from '../../src/sim/sceneData.js';

/**
 * Arms for the tests, to show that the simulation runs any arm its description names: none
 * of their names is one of our arm's, their root body is `pedestal`, the palm is a mesh read
 * from `assets/` (meshdir), and the tool site and wrist camera are not in the file: the
 * description mounts them. `arm7`: the second arm shipped in sim/robots/arm7.xml (7 joints,
 * two of them rolls along the links, and a two-finger gripper on one actuator whose control
 * runs 0..255, as a Franka hand's, the second finger coupled by an equality), copied with its
 * mesh so that a test may change the copy. `arm6`: 6 joints, no gripper, written here. Same
 * link lengths as our arm, so the tasks' regions are within reach.
 */
export type TestArm = 'arm7' | 'arm6';

export const ARM7_JOINTS = ['a1_yaw', 'a2_shoulder', 'a3_upper_roll', 'a4_elbow', 'a5_fore_roll', 'a6_wrist', 'a7_flange'];
export const ARM6_JOINTS = ['b1_yaw', 'b2_shoulder', 'b3_elbow', 'b4_fore_roll', 'b5_wrist', 'b6_flange'];

/** The example config that runs `jepa-agent sim` with the shipped arm7. */
export const ARM7_EXAMPLE_CONFIG = fileURLToPath(new URL('../../../examples/arm7.yaml', import.meta.url));

/** A unit cube as Wavefront OBJ, scaled by the mesh element: arm6's palm. */
const CUBE_OBJ = `v -1 -1 -1\nv 1 -1 -1\nv 1 1 -1\nv -1 1 -1\nv -1 -1 1\nv 1 -1 1\nv 1 1 1\nv -1 1 1
f 1 3 2\nf 1 4 3\nf 5 6 7\nf 5 7 8\nf 1 2 6\nf 1 6 5\nf 2 3 7\nf 2 7 6\nf 3 4 8\nf 3 8 7\nf 4 1 5\nf 4 5 8\n`;

/** arm6: the shipped arm7 less its upper-arm roll and gripper, with other names. */
function arm6Xml(): string {
  const j = ARM6_JOINTS;
  const hinge = (name: string, axis: string, range: string): string => `<joint name="${name}" axis="${axis}" range="${range}"/>`;
  const servos = j.map((name, i) => `<position name="servo_${name}" joint="${name}" ctrlrange="-3 3"${i >= 4 ? ' kp="100"' : ''}/>`).join('\n    ');
  return `<?xml version="1.0"?>
<!-- A test arm (arm6): see test/sim/testArm.ts. -->
<mujoco model="test_arm6">
  <compiler angle="radian" autolimits="true" meshdir="assets"/>
  <default>
    <default class="testarm">
      <joint damping="2" armature="0.05"/>
      <position kp="300" dampratio="1" forcerange="-60 60"/>
      <geom condim="4" friction="1 0.01 0.001"/>
    </default>
  </default>
  <asset>
    <mesh name="palm_mesh" file="palm.obj" scale="0.015 0.045 0.02"/>
  </asset>
  <worldbody>
    <body name="pedestal" childclass="testarm">
      <geom type="cylinder" pos="0 0 0.03" size="0.07 0.03" rgba="0.3 0.3 0.3 1"/>
      <body name="yaw_link" pos="0 0 0.06" gravcomp="1">
        ${hinge(j[0], '0 0 1', '-2.8 2.8')}
        <geom type="cylinder" pos="0 0 0.04" size="0.05 0.04" rgba="0.2 0.5 0.9 1"/>
        <body name="upper_link" pos="0 0 0.1" gravcomp="1">
          ${hinge(j[1], '0 1 0', '-1.75 1.75')}
          <geom type="capsule" fromto="0 0 0 0.28 0 0" size="0.035" rgba="0.2 0.5 0.9 1"/>
          <body name="fore_link" pos="0.28 0 0" gravcomp="1">
            ${hinge(j[2], '0 1 0', '-2.6 2.6')}
            <geom type="capsule" fromto="0 0 0 0.12 0 0" size="0.03" rgba="0.2 0.5 0.9 1"/>
            <body name="fore_roll_link" pos="0.12 0 0" gravcomp="1">
              ${hinge(j[3], '1 0 0', '-2.9 2.9')}
              <geom type="capsule" fromto="0 0 0 0.12 0 0" size="0.029" rgba="0.2 0.5 0.9 1"/>
              <body name="wrist_link" pos="0.12 0 0" gravcomp="1">
                ${hinge(j[4], '0 1 0', '-2.1 2.1')}
                <geom type="capsule" fromto="0 0 0 0.06 0 0" size="0.025" rgba="0.3 0.3 0.3 1"/>
                <body name="flange" pos="0.06 0 0" gravcomp="1">
                  ${hinge(j[5], '1 0 0', '-2.95 2.95')}
                  <geom type="mesh" mesh="palm_mesh" pos="0.015 0 0" rgba="0.3 0.3 0.35 1"/>
                  <geom type="cylinder" pos="0.05 0 0" zaxis="1 0 0" size="0.02 0.02" rgba="0.1 0.1 0.1 1"/>
                </body>
              </body>
            </body>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    ${servos}
  </actuator>
</mujoco>
`;
}

/** The test arm's MJCF and its mesh in a new temporary folder (arm7: copies of the shipped files); returns the MJCF's path. */
export function writeTestArm(arm: TestArm): string {
  const dir = mkdtempSync(join(tmpdir(), `jepa-${arm}-`));
  mkdirSync(join(dir, 'assets'));
  const path = join(dir, `${arm}.xml`);
  if (arm === 'arm7') {
    copyFileSync(join(SIM_DATA_DIR, 'robots', 'arm7.xml'), path);
    copyFileSync(join(SIM_DATA_DIR, 'robots', 'assets', 'arm7_palm.obj'), join(dir, 'assets', 'arm7_palm.obj'));
  } else {
    writeFileSync(join(dir, 'assets', 'palm.obj'), CUBE_OBJ);
    writeFileSync(path, arm6Xml());
  }
  return path;
}

/**
 * The description of a test arm at `path`, as a user would write it in sim.robot. arm7's is
 * the one examples/arm7.yaml gives (with `mjcf` pointing at `path`), so that every test of
 * arm7 also checks the shipped example.
 */
export function testArmRobot(arm: TestArm, path: string): Record<string, unknown> {
  if (arm === 'arm7') {
    const example = loadConfigFile(ARM7_EXAMPLE_CONFIG) as { sim: { robot: Record<string, unknown> } };
    return { ...example.sim.robot, mjcf: path };
  }
  return {
    mjcf: path,
    baseBody: 'pedestal',
    joints: ARM6_JOINTS,
    actuators: ARM6_JOINTS.map((n) => `servo_${n}`),
    ikJoints: ARM6_JOINTS.slice(0, 5),
    // The tool site's z axis along the flange's x (the approach direction), as on a Franka hand.
    endEffector: { site: 'tcp', mount: { body: 'flange', pos: [0.1, 0, 0], xyaxes: [0, 1, 0, 0, 0, 1] }, downAxis: 'z' },
    home: [0, -1.0, 1.7, 0, Math.PI / 2 - 0.7, 0],
    gripper: null,
    wristCamera: null,
    workspace: { min: [0.12, -0.45, 0.015], max: [0.7, 0.45, 0.45] },
  };
}

/** A small, quick sim config for a test arm; `sim` entries override. */
export function testArmSimConfig(arm: TestArm, path: string, sim: Record<string, unknown> = {}): SimConfig {
  const robot = { ...testArmRobot(arm, path), ...((sim.robot as Record<string, unknown> | undefined) ?? {}) };
  const input = { sim: { camera: { width: 48, height: 48 }, pointCount: 1024, ...sim, robot } } as ConfigInput;
  return parseConfig(input).sim;
}
