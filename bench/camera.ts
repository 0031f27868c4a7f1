/**
 * Throughput of the ray-cast RGB-D camera: frames per second for RGB + depth + segmentation +
 * a 512-point cloud in the base frame, at three resolutions, on a table + arm + objects scene.
 * Run: npx tsc -p . && node dist/bench/camera.js  (prints one JSON line; BENCH_SECONDS per size, default 2).
 */
import os from 'node:os';
import { Rng, timestampFromSeconds } from '../src/core/index.js';
import type { Pose } from '../src/core/index.js';
import { DEFAULT_LIGHTING, RayCamera, depthToPointCloud, opticalPoseOfMujocoCamera } from '../src/sim/camera/index.js';
import { compileMjcf, loadMujoco, requireId } from '../src/sim/mujoco.js';
import type { MainModule, MjData, MjModel } from '../src/sim/mujoco.js';

const SCENE = `
<mujoco model="camera_bench">
  <compiler angle="radian"/>
  <size memory="2M"/>
  <asset><material name="metal" rgba="0.7 0.7 0.75 1"/></asset>
  <worldbody>
    <geom name="floor" type="plane" pos="0 0 -0.75" size="3 3 0.05" rgba="0.55 0.55 0.52 1"/>
    <geom name="backdrop" type="box" pos="1.05 0 0" size="0.02 1.2 1.0" rgba="0.78 0.8 0.84 1"/>
    <body name="table" pos="0.4 0 -0.02">
      <geom type="box" size="0.55 0.55 0.02" rgba="0.62 0.48 0.34 1"/>
      <geom type="box" pos="0.5 0.5 -0.37" size="0.03 0.03 0.35"/>
      <geom type="box" pos="0.5 -0.5 -0.37" size="0.03 0.03 0.35"/>
      <geom type="box" pos="-0.5 0.5 -0.37" size="0.03 0.03 0.35"/>
      <geom type="box" pos="-0.5 -0.5 -0.37" size="0.03 0.03 0.35"/>
    </body>
    <camera name="scene" pos="-0.25 -0.55 0.75" xyaxes="0.646 -0.763 0 0.485 0.410 0.772" fovy="58"/>
    <body name="base">
      <geom type="cylinder" pos="0 0 0.03" size="0.07 0.03" rgba="0.2 0.2 0.22 1"/>
      <body name="pan" pos="0 0 0.06">
        <joint name="pan" axis="0 0 1"/>
        <geom type="cylinder" pos="0 0 0.04" size="0.05 0.04" rgba="0.85 0.45 0.1 1"/>
        <body name="upper" pos="0 0 0.1" euler="0 0.6 0">
          <joint name="lift" axis="0 1 0"/>
          <geom type="capsule" fromto="0 0 0 0.28 0 0" size="0.035" rgba="0.9 0.5 0.12 1"/>
          <body name="fore" pos="0.28 0 0" euler="0 -1.2 0">
            <joint name="elbow" axis="0 1 0"/>
            <geom type="capsule" fromto="0 0 0 0.24 0 0" size="0.03" rgba="0.92 0.55 0.15 1"/>
            <body name="hand" pos="0.24 0 0">
              <geom type="box" size="0.02 0.04 0.02" material="metal"/>
              <geom type="box" pos="0.04 0.025 0" size="0.02 0.006 0.01" material="metal"/>
              <geom type="box" pos="0.04 -0.025 0" size="0.02 0.006 0.01" material="metal"/>
            </body>
          </body>
        </body>
      </body>
    </body>
    <body name="cube" pos="0.45 0.1 0.025"><freejoint/><geom type="box" size="0.025 0.025 0.025" rgba="0.8 0.1 0.1 1"/></body>
    <body name="ball" pos="0.35 -0.15 0.03"><freejoint/><geom type="sphere" size="0.03" rgba="0.1 0.6 0.9 1"/></body>
    <body name="can" pos="0.55 -0.05 0.04"><freejoint/><geom type="cylinder" size="0.025 0.04" rgba="0.2 0.8 0.3 1"/></body>
    <body name="egg" pos="0.3 0.2 0.02"><freejoint/><geom type="ellipsoid" size="0.04 0.025 0.02" rgba="0.9 0.8 0.2 1"/></body>
  </worldbody>
</mujoco>`;

const BASE: Pose = { position: [0, 0, 0], quaternion: [1, 0, 0, 0] };

function measure(mj: MainModule, model: MjModel, data: MjData, pose: Pose, width: number, height: number, seconds: number): number {
  const camera = new RayCamera(mj, model, { width, height, fovyDeg: 58 });
  const rng = new Rng(0);
  const stamp = timestampFromSeconds(0);
  const frame = (): void => {
    const f = camera.render(data, pose, DEFAULT_LIGHTING);
    depthToPointCloud(f, { target: 'base', basePose: BASE, count: 512, rng, frameId: 'base_link', stamp });
  };
  try {
    for (let k = 0; k < 20; k++) frame();
    let frames = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < seconds * 1000) {
      for (let k = 0; k < 5; k++) frame();
      frames += 5;
      elapsed = performance.now() - start;
    }
    return Math.round((frames / elapsed) * 1000);
  } finally {
    camera.delete();
  }
}

const mj = await loadMujoco();
const model = compileMjcf(mj, SCENE, 'bench/camera.ts');
const data = new mj.MjData(model);
mj.mj_forward(model, data);
const pose = opticalPoseOfMujocoCamera(data, requireId(mj, model, 'camera', 'scene'));
const seconds = Number(process.env.BENCH_SECONDS ?? 2);
// The machine is shared: the 1-minute load average says how much of it this run had.
const result = {
  load_average_1m: Math.round(os.loadavg()[0] * 100) / 100,
  camera_fps_64: measure(mj, model, data, pose, 64, 64, seconds),
  camera_fps_128: measure(mj, model, data, pose, 128, 128, seconds),
  camera_fps_320x240: measure(mj, model, data, pose, 320, 240, seconds),
};
data.delete();
model.delete();
console.log(JSON.stringify(result));
