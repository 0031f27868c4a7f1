import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, composePoses, inversePose, quatFromAxisAngle, timestampFromSeconds, transformPoint } from '../../../src/core/index.js';
import type { Pose, Vec3 } from '../../../src/core/index.js';
import { depthToPointCloud, pinholeIntrinsics } from '../../../src/sim/camera/index.js';
import type { CameraFrame, DepthToPointCloudOptions } from '../../../src/sim/camera/index.js';

const W = 10;
const H = 8;
const stamp = timestampFromSeconds(12.5);
const cameraPose: Pose = { position: [0.2, -0.5, 0.9], quaternion: quatFromAxisAngle([1, 0.3, 0.2], 2.4) };
const basePose: Pose = { position: [0.05, 0.1, 0.02], quaternion: quatFromAxisAngle([0, 0, 1], 0.8) };

/** Depth in [0.5, 2.5] with every `holeEvery`-th pixel NaN; colour and segment encode the pixel. */
function syntheticFrame(holeEvery = 5, allHoles = false): CameraFrame {
  const rng = new Rng('frame');
  const n = W * H;
  const depth = new Float32Array(n);
  const rgb = new Uint8Array(3 * n);
  const segmentation = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    depth[i] = allHoles || i % holeEvery === 0 ? NaN : rng.uniform(0.5, 2.5);
    rgb.set([i, 255 - i, (7 * i) % 256], 3 * i);
    segmentation[i] = 1000 + i;
  }
  return { width: W, height: H, rgb, depth, segmentation, intrinsics: pinholeIntrinsics(W, H, 60), pose: cameraPose };
}

function options(overrides: Partial<DepthToPointCloudOptions> = {}): DepthToPointCloudOptions {
  return { target: 'camera', count: 20, rng: new Rng(7), frameId: 'cam_optical', stamp, ...overrides };
}

function point(cloud: { positions: Float32Array }, j: number): Vec3 {
  return [cloud.positions[3 * j], cloud.positions[3 * j + 1], cloud.positions[3 * j + 2]];
}

describe('depthToPointCloud', () => {
  test('points project back to the pixels whose depth, colour and segment they carry', () => {
    const frame = syntheticFrame();
    const cloud = depthToPointCloud(frame, options({ count: 30 }));
    assert.equal(cloud.count, 30);
    assert.equal(cloud.frameId, 'cam_optical');
    assert.deepEqual(cloud.stamp, stamp);
    const { fx, fy, cx, cy } = frame.intrinsics;
    for (let j = 0; j < cloud.count; j++) {
      const [x, y, z] = point(cloud, j);
      const u = Math.round((fx * x) / z + cx), v = Math.round((fy * y) / z + cy);
      const i = v * W + u;
      assert.equal(cloud.segments![j], 1000 + i, `point ${j} lands on pixel ${i}`);
      assert.ok(Math.abs(z - frame.depth[i]) < 1e-6);
      assert.ok(Math.abs((fx * x) / z + cx - u) < 1e-4 && Math.abs((fy * y) / z + cy - v) < 1e-4, 'exactly on the pixel centre');
      assert.deepEqual(Array.from(cloud.colors!.subarray(3 * j, 3 * j + 3)), Array.from(frame.rgb.subarray(3 * i, 3 * i + 3)));
    }
  });

  test('draws distinct valid pixels when there are enough', () => {
    const frame = syntheticFrame();
    const valid = frame.depth.filter((z) => !Number.isNaN(z)).length; // 64
    const cloud = depthToPointCloud(frame, options({ count: valid }));
    const ids = new Set(cloud.segments);
    assert.equal(ids.size, valid);
    for (const id of ids) assert.ok(!Number.isNaN(frame.depth[id - 1000]), `pixel ${id - 1000} has no depth`);
  });

  test('with fewer valid pixels than asked: every valid pixel, then repeats', () => {
    const frame = syntheticFrame(2); // 40 valid
    const cloud = depthToPointCloud(frame, options({ count: 100 }));
    assert.equal(cloud.count, 100);
    assert.equal(cloud.positions.length, 300);
    assert.equal(new Set(cloud.segments).size, 40);
    for (const id of cloud.segments!) assert.ok((id - 1000) % 2 === 1, `pixel ${id - 1000} has no depth`);
  });

  test('no valid pixel gives an empty cloud', () => {
    const cloud = depthToPointCloud(syntheticFrame(5, true), options({ count: 16 }));
    assert.equal(cloud.count, 0);
    assert.equal(cloud.positions.length, 0);
    assert.equal(cloud.colors!.length, 0);
    assert.equal(cloud.segments!.length, 0);
  });

  test('the base-frame cloud is the camera-frame cloud moved by base^-1 * camera', () => {
    const frame = syntheticFrame();
    const inCamera = depthToPointCloud(frame, options({ rng: new Rng(3) }));
    const inBase = depthToPointCloud(frame, options({ target: 'base', basePose, rng: new Rng(3), frameId: 'base_link' }));
    assert.deepEqual(inBase.segments, inCamera.segments);
    const cameraInBase = composePoses(inversePose(basePose), cameraPose);
    for (let j = 0; j < inCamera.count; j++) {
      const expected = transformPoint(cameraInBase, point(inCamera, j));
      const got = point(inBase, j);
      for (let k = 0; k < 3; k++) assert.ok(Math.abs(got[k] - expected[k]) < 1e-5, `point ${j}: [${got}] vs [${expected}]`);
    }
    // And the identity base gives world points: the camera pose applied.
    const inWorld = depthToPointCloud(frame, options({ target: 'base', basePose: { position: [0, 0, 0], quaternion: [1, 0, 0, 0] }, rng: new Rng(3) }));
    const w = transformPoint(cameraPose, point(inCamera, 0));
    for (let k = 0; k < 3; k++) assert.ok(Math.abs(inWorld.positions[k] - w[k]) < 1e-5);
  });

  test('same seed, same cloud; another seed, another sample', () => {
    const frame = syntheticFrame();
    const a = depthToPointCloud(frame, options({ rng: new Rng(11) }));
    const b = depthToPointCloud(frame, options({ rng: new Rng(11) }));
    const c = depthToPointCloud(frame, options({ rng: new Rng(12) }));
    assert.deepEqual(a.positions, b.positions);
    assert.notDeepEqual(a.segments, c.segments);
  });

  test('names the bad input', () => {
    const frame = syntheticFrame();
    assert.throws(() => depthToPointCloud(frame, options({ target: 'base' })), /target 'base' needs basePose/);
    assert.throws(() => depthToPointCloud(frame, options({ count: 0 })), /count must be a positive integer, got 0/);
    assert.throws(() => depthToPointCloud({ ...frame, width: 3 }, options()), /depth has 80 pixels, expected 3x8/);
  });
});
