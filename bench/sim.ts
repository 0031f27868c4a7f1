import { Rng } from '../src/core/Rng.js';
import type { SimConfig } from '../src/core/config/simConfig.js';
import { depthToPointCloud } from '../src/sim/camera/index.js';
import { SimEnv } from '../src/sim/SimEnv.js';

export interface SimBenchResult {
  /** Physics steps per second of the push scene, random actuator targets. */
  steps_per_s: number;
  /** Env steps per second: IK control, physics substeps and a full observation each. */
  control_hz: number;
  /** Scene-camera frames per second (RGB + depth + segmentation + point cloud). */
  camera_fps_64: number;
  camera_fps_128: number;
  camera_fps_320x240: number;
  physics_substeps: number;
  observation: string;
}

/** Runs `fn` repeatedly for about `seconds` after a warm-up; returns calls per second. */
function rate(seconds: number, fn: () => void, warmup = 20): number {
  for (let i = 0; i < warmup; i++) fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < seconds * 1000) {
    for (let i = 0; i < 10; i++) fn();
    calls += 10;
    now = performance.now();
  }
  return (calls * 1000) / (now - start);
}

export async function benchSim(config: Readonly<SimConfig>, seconds = 3): Promise<SimBenchResult> {
  const env = await SimEnv.create({ ...config, task: 'push', split: 'train' });
  try {
    const rng = new Rng(0);
    env.reset(0);
    const { mj, model, data } = env.mujoco;
    const ctrlRange = model.actuator_ctrlrange as Float64Array;
    const substeps = Math.round(1 / config.controlHz / model.opt.timestep);
    let k = 0;
    const steps = rate(seconds, () => {
      if (k++ % 12 === 0) {
        for (let a = 0; a < model.nu; a++) data.ctrl[a] = rng.uniform(ctrlRange[2 * a], ctrlRange[2 * a + 1]) * 0.5;
      }
      mj.mj_step(model, data);
    }, 200);

    env.reset(1);
    let t = 0;
    const control = rate(seconds, () => {
      const r = env.step(Array.from(env.actionSpace.low, (lo, i) => rng.uniform(lo, env.actionSpace.high[i])));
      if (r.done || ++t % 80 === 0) env.reset(t);
    });

    const camera = (width: number, height: number): number => {
      env.reset(2);
      const pointRng = new Rng(1);
      return rate(seconds, () => {
        const frame = env.render('scene', { width, height });
        depthToPointCloud(frame, { target: 'camera', count: config.pointCount, rng: pointRng, frameId: 'camera', stamp: { sec: 0, nanosec: 0 } });
      });
    };
    return {
      steps_per_s: Math.round(steps),
      control_hz: Math.round(control),
      camera_fps_64: Math.round(camera(64, 64)),
      camera_fps_128: Math.round(camera(128, 128)),
      camera_fps_320x240: Math.round(camera(320, 240)),
      physics_substeps: substeps,
      observation: `${config.camera.width}x${config.camera.height} RGB-D + ${config.pointCount}-point cloud${config.wristCamera.enabled ? ' + wrist camera' : ''}`,
    };
  } finally {
    env.close();
  }
}
