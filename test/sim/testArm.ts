import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigInput } from '../../src/core/config/Config.js';
import { parseConfig } from '../../src/core/config/Config.js';
import type { SimConfig } from '../../src/core/config/simConfig.js';

/**
 * Arms written for the tests, to show that the simulation runs any arm its description
 * names: none of their names is one of our arm's, their root body is `pedestal`, the palm is
 * a mesh read from `assets/` (meshdir), and the tool site and wrist camera are not in the
 * file: the description mounts them. `arm7`: 7 joints (two of them rolls along the links)
 * and a two-finger gripper on one actuator whose control runs 0..255 (as a Franka hand's),
 * the second finger coupled by an equality. `arm6`: 6 joints, no gripper. Same link lengths
 * as our arm, so the tasks' regions are within reach.
 */
export type TestArm = 'arm7' | 'arm6';

export const ARM7_JOINTS = ['a1_yaw', 'a2_shoulder', 'a3_upper_roll', 'a4_elbow', 'a5_fore_roll', 'a6_wrist', 'a7_flange'];
export const ARM6_JOINTS = ['b1_yaw', 'b2_shoulder', 'b3_elbow', 'b4_fore_roll', 'b5_wrist', 'b6_flange'];

/** A unit cube as Wavefront OBJ, scaled by the mesh element: the palm. */
const CUBE_OBJ = `v -1 -1 -1\nv 1 -1 -1\nv 1 1 -1\nv -1 1 -1\nv -1 -1 1\nv 1 -1 1\nv 1 1 1\nv -1 1 1
f 1 3 2\nf 1 4 3\nf 5 6 7\nf 5 7 8\nf 1 2 6\nf 1 6 5\nf 2 3 7\nf 2 7 6\nf 3 4 8\nf 3 8 7\nf 4 1 5\nf 4 5 8\n`;

function armXml(arm: TestArm): string {
  const seven = arm === 'arm7';
  const j = seven ? ARM7_JOINTS : ARM6_JOINTS;
  const hinge = (name: string, axis: string, range: string): string => `<joint name="${name}" axis="${axis}" range="${range}"/>`;
  // Link chain: yaw, shoulder pitch, (upper roll), elbow pitch, forearm roll, wrist pitch, flange roll.
  const upper = seven
    ? `<geom type="capsule" fromto="0 0 0 0.14 0 0" size="0.035" rgba="0.2 0.5 0.9 1"/>
          <body name="upper_roll_link" pos="0.14 0 0" gravcomp="1">
            ${hinge(j[2], '1 0 0', '-2.9 2.9')}
            <geom type="capsule" fromto="0 0 0 0.14 0 0" size="0.034" rgba="0.2 0.5 0.9 1"/>
            <body name="fore_link" pos="0.14 0 0" gravcomp="1">`
    : `<geom type="capsule" fromto="0 0 0 0.28 0 0" size="0.035" rgba="0.2 0.5 0.9 1"/>
          <body name="fore_link" pos="0.28 0 0" gravcomp="1">`;
  const k = seven ? 3 : 2;
  const gripper = seven
    ? `<body name="left_jaw" pos="0.03 0.005 0" childclass="jaw" gravcomp="1">
                      <joint name="jaw_left" axis="0 1 0" range="0 0.04"/>
                      <geom type="box" pos="0.04 0.006 0" size="0.04 0.006 0.015" rgba="0.1 0.1 0.1 1"/>
                    </body>
                    <body name="right_jaw" pos="0.03 -0.005 0" childclass="jaw" gravcomp="1">
                      <joint name="jaw_right" axis="0 -1 0" range="0 0.04"/>
                      <geom type="box" pos="0.04 -0.006 0" size="0.04 0.006 0.015" rgba="0.1 0.1 0.1 1"/>
                    </body>`
    : `<geom type="cylinder" pos="0.05 0 0" zaxis="1 0 0" size="0.02 0.02" rgba="0.1 0.1 0.1 1"/>`;
  const servos = j.map((name, i) => `<position name="servo_${name}" joint="${name}" ctrlrange="-3 3"${i >= k + 2 ? ' kp="100"' : ''}/>`).join('\n    ');
  return `<?xml version="1.0"?>
<!-- A test arm (${arm}): see test/sim/testArm.ts. -->
<mujoco model="test_${arm}">
  <compiler angle="radian" autolimits="true" meshdir="assets"/>
  <default>
    <default class="testarm">
      <joint damping="2" armature="0.05"/>
      <position kp="300" dampratio="1" forcerange="-60 60"/>
      <geom condim="4" friction="1 0.01 0.001"/>
      <default class="jaw">
        <joint type="slide" damping="5" armature="0.01"/>
        <geom friction="1.5 0.02 0.002"/>
      </default>
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
          ${upper}
              ${hinge(j[k], '0 1 0', '-2.6 2.6')}
              <geom type="capsule" fromto="0 0 0 0.12 0 0" size="0.03" rgba="0.2 0.5 0.9 1"/>
              <body name="fore_roll_link" pos="0.12 0 0" gravcomp="1">
                ${hinge(j[k + 1], '1 0 0', '-2.9 2.9')}
                <geom type="capsule" fromto="0 0 0 0.12 0 0" size="0.029" rgba="0.2 0.5 0.9 1"/>
                <body name="wrist_link" pos="0.12 0 0" gravcomp="1">
                  ${hinge(j[k + 2], '0 1 0', '-2.1 2.1')}
                  <geom type="capsule" fromto="0 0 0 0.06 0 0" size="0.025" rgba="0.3 0.3 0.3 1"/>
                  <body name="flange" pos="0.06 0 0" gravcomp="1">
                    ${hinge(j[k + 3], '1 0 0', '-2.95 2.95')}
                    <geom type="mesh" mesh="palm_mesh" pos="0.015 0 0" rgba="0.3 0.3 0.35 1"/>
                    ${gripper}
                  </body>
                </body>
              </body>
            </body>${seven ? '\n          </body>' : ''}
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    ${servos}${seven ? '\n    <general name="jaws" joint="jaw_left" class="testarm" ctrlrange="0 255" gainprm="0.3137 0 0" biasprm="0 -2000 -60" forcerange="-20 20"/>' : ''}
  </actuator>${seven ? '\n  <equality><joint joint1="jaw_right" joint2="jaw_left"/></equality>' : ''}
</mujoco>
`;
}

/** Writes the arm's MJCF and its mesh into a new temporary folder; returns the MJCF's path. */
export function writeTestArm(arm: TestArm): string {
  const dir = mkdtempSync(join(tmpdir(), `jepa-${arm}-`));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'palm.obj'), CUBE_OBJ);
  const path = join(dir, `${arm}.xml`);
  writeFileSync(path, armXml(arm));
  return path;
}

/** The description of a test arm at `path`, as a user would write it in sim.robot. */
export function testArmRobot(arm: TestArm, path: string): Record<string, unknown> {
  const joints = arm === 'arm7' ? ARM7_JOINTS : ARM6_JOINTS;
  const common = {
    mjcf: path,
    baseBody: 'pedestal',
    joints,
    actuators: joints.map((n) => `servo_${n}`),
    // The tool site's z axis along the flange's x (the approach direction), as on a Franka hand.
    endEffector: { site: 'tcp', mount: { body: 'flange', pos: [0.1, 0, 0], xyaxes: [0, 1, 0, 0, 0, 1] }, downAxis: 'z' },
    wristCamera: { name: 'hand_cam', mount: { body: 'flange', pos: [0, 0, 0.04], xyaxes: [0, -1, 0, 0, 0, 1] } },
    workspace: { min: [0.12, -0.45, 0.015], max: [0.7, 0.45, 0.45] },
  };
  if (arm === 'arm7') {
    return {
      ...common,
      // The final roll turns the tool about its own axis: IK leaves it at home.
      ikJoints: joints.slice(0, 6),
      home: [0, -1.0, 0, 1.7, 0, Math.PI / 2 - 0.7, 0],
      gripper: { joints: ['jaw_left', 'jaw_right'], closed: 0, open: 0.04, actuators: ['jaws'], ctrlClosed: 0, ctrlOpen: 255, fingerBodies: ['left_jaw', 'right_jaw'] },
    };
  }
  return { ...common, ikJoints: joints.slice(0, 5), home: [0, -1.0, 1.7, 0, Math.PI / 2 - 0.7, 0], gripper: null, wristCamera: null };
}

/** A small, quick sim config for a test arm; `sim` entries override. */
export function testArmSimConfig(arm: TestArm, path: string, sim: Record<string, unknown> = {}): SimConfig {
  const robot = { ...testArmRobot(arm, path), ...((sim.robot as Record<string, unknown> | undefined) ?? {}) };
  const input = { sim: { camera: { width: 48, height: 48 }, pointCount: 1024, ...sim, robot } } as ConfigInput;
  return parseConfig(input).sim;
}
