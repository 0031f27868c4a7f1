import { compileMjcf, loadMujoco, requireId } from '../../../src/sim/mujoco.js';
import type { MainModule, MjData, MjModel } from '../../../src/sim/mujoco.js';

/**
 * A floor and one of each primitive (plus a mesh cube) under a camera 2 m above the origin
 * looking straight down (image right = world +x, image up = world +y). Sizes are chosen so
 * that every geom is seen from above without overlap.
 */
export const SCENE_XML = `
<mujoco model="camera_fixture">
  <compiler angle="radian"/>
  <size memory="1M"/>
  <asset>
    <material name="blue" rgba="0 0 1 1"/>
    <mesh name="cube" vertex="-0.1 -0.1 0  0.1 -0.1 0  0.1 0.1 0  -0.1 0.1 0  -0.1 -0.1 0.2  0.1 -0.1 0.2  0.1 0.1 0.2  -0.1 0.1 0.2"/>
  </asset>
  <worldbody>
    <geom name="floor" type="plane" size="3 3 0.1" rgba="0.6 0.6 0.6 1"/>
    <geom name="box" type="box" pos="0.4 0.3 0.1" size="0.1 0.08 0.1" euler="0 0 0.5" rgba="0.9 0.2 0.2 1"/>
    <geom name="sphere" type="sphere" pos="-0.4 0.3 0.15" size="0.15" rgba="0.2 0.9 0.2 1"/>
    <geom name="capsule" type="capsule" pos="0.4 -0.35 0.06" size="0.06 0.12" euler="0 1.5707963 0.3" material="blue"/>
    <geom name="cylinder" type="cylinder" pos="-0.4 -0.35 0.1" size="0.1 0.1" rgba="0.9 0.9 0.2 1" group="3"/>
    <geom name="ellipsoid" type="ellipsoid" pos="0 0.45 0.08" size="0.12 0.06 0.08" euler="0 0 0.4" rgba="0.2 0.8 0.8 1"/>
    <geom name="mesh" type="mesh" mesh="cube" pos="0 -0.45 0" rgba="0.6 0.6 0.6 1"/>
    <camera name="top" pos="0 0 2" xyaxes="1 0 0 0 1 0" fovy="60"/>
    <body name="rig" pos="0 0 1">
      <joint name="rig_slide" type="slide" axis="1 0 0"/>
      <geom name="rig_marker" type="sphere" size="0.03" contype="0" conaffinity="0" group="5" mass="0.01"/>
      <camera name="side" pos="0 -1.5 0" xyaxes="1 0 0 0 0 1" fovy="45"/>
    </body>
  </worldbody>
</mujoco>`;

export interface Fixture {
  readonly mj: MainModule;
  readonly model: MjModel;
  readonly data: MjData;
  readonly ids: Readonly<Record<'floor' | 'box' | 'sphere' | 'capsule' | 'cylinder' | 'ellipsoid' | 'mesh', number>>;
  readonly topCamera: number;
  readonly sideCamera: number;
  dispose(): void;
}

export async function loadFixture(): Promise<Fixture> {
  const mj = await loadMujoco();
  const model = compileMjcf(mj, SCENE_XML, 'sceneFixture.ts');
  const data = new mj.MjData(model);
  mj.mj_forward(model, data);
  const geom = (name: string): number => requireId(mj, model, 'geom', name);
  return {
    mj,
    model,
    data,
    ids: {
      floor: geom('floor'),
      box: geom('box'),
      sphere: geom('sphere'),
      capsule: geom('capsule'),
      cylinder: geom('cylinder'),
      ellipsoid: geom('ellipsoid'),
      mesh: geom('mesh'),
    },
    topCamera: requireId(mj, model, 'camera', 'top'),
    sideCamera: requireId(mj, model, 'camera', 'side'),
    dispose() {
      data.delete();
      model.delete();
    },
  };
}

/** Row-major 3x3 rotation and position of geom `g` in the world. */
export function geomFrame(data: MjData, g: number): { pos: number[]; mat: number[] } {
  const xpos = data.geom_xpos as Float64Array;
  const xmat = data.geom_xmat as Float64Array;
  return { pos: Array.from(xpos.subarray(3 * g, 3 * g + 3)), mat: Array.from(xmat.subarray(9 * g, 9 * g + 9)) };
}

/** A world point in the geom's local frame. */
export function toGeomLocal(frame: { pos: number[]; mat: number[] }, p: ArrayLike<number>): [number, number, number] {
  const d = [p[0] - frame.pos[0], p[1] - frame.pos[1], p[2] - frame.pos[2]];
  const m = frame.mat;
  return [
    m[0] * d[0] + m[3] * d[1] + m[6] * d[2],
    m[1] * d[0] + m[4] * d[1] + m[7] * d[2],
    m[2] * d[0] + m[5] * d[1] + m[8] * d[2],
  ];
}
