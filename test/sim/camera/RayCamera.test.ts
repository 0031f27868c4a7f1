import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, quatFromAxisAngle, quatMultiply, quatRotate, transformPoint, timestampFromSeconds } from '../../../src/core/index.js';
import type { Pose } from '../../../src/core/index.js';
import { DEFAULT_LIGHTING, RayCamera, depthToPointCloud, opticalPoseOfMujocoCamera } from '../../../src/sim/camera/index.js';
import type { CameraFrame, Lighting } from '../../../src/sim/camera/index.js';
import { requireId } from '../../../src/sim/mujoco.js';
import { geomFrame, loadFixture, toGeomLocal } from './sceneFixture.js';
import type { Fixture } from './sceneFixture.js';

const W = 48;
const H = 40;
const LIGHT_DOWN: Lighting = { direction: [0, 0, -1], ambient: 0.3, diffuse: 0.7, background: [0.1, 0.2, 0.3] };
/** Optical frame 2 m above the origin looking down: x = world x, y = world -y, z = world -z. */
const TOP_POSE: Pose = { position: [0, 0, 2], quaternion: [0, 1, 0, 0] };

let fx: Fixture;
before(async () => {
  fx = await loadFixture();
});
after(() => fx.dispose());

function withCamera<T>(options: Partial<ConstructorParameters<typeof RayCamera>[2]>, fn: (camera: RayCamera) => T): T {
  const camera = new RayCamera(fx.mj, fx.model, { width: W, height: H, fovyDeg: 60, ...options });
  try {
    return fn(camera);
  } finally {
    camera.delete();
  }
}

function render(pose = TOP_POSE, lighting: Lighting = LIGHT_DOWN, options = {}): CameraFrame {
  return withCamera(options, (camera) => camera.render(fx.data, pose, lighting));
}

/** World points of every hit pixel, with their geom ids. */
function worldPoints(frame: CameraFrame): { p: [number, number, number]; g: number; i: number }[] {
  const { fx: f, fy, cx, cy } = frame.intrinsics;
  const out: { p: [number, number, number]; g: number; i: number }[] = [];
  for (let i = 0; i < frame.depth.length; i++) {
    const z = frame.depth[i];
    if (Number.isNaN(z)) continue;
    const u = i % frame.width, v = Math.floor(i / frame.width);
    out.push({ p: [...transformPoint(frame.pose, [((u - cx) * z) / f, ((v - cy) * z) / fy, z])], g: frame.segmentation[i], i });
  }
  return out;
}

function pixelOfWorld(frame: CameraFrame, p: [number, number, number]): number {
  const q = frame.pose.quaternion;
  const d = quatRotate([q[0], -q[1], -q[2], -q[3]], [p[0] - frame.pose.position[0], p[1] - frame.pose.position[1], p[2] - frame.pose.position[2]]);
  const { fx: f, fy, cx, cy } = frame.intrinsics;
  const u = Math.round((f * d[0]) / d[2] + cx), v = Math.round((fy * d[1]) / d[2] + cy);
  return v * frame.width + u;
}

function luminance(rgb: Uint8Array, i: number): number {
  return rgb[3 * i] + rgb[3 * i + 1] + rgb[3 * i + 2];
}

describe('RayCamera', () => {
  test('returns images of the asked size with the pinhole intrinsics', () => {
    const frame = render();
    assert.equal(frame.width, W);
    assert.equal(frame.height, H);
    assert.equal(frame.rgb.length, W * H * 3);
    assert.equal(frame.depth.length, W * H);
    assert.equal(frame.segmentation.length, W * H);
    assert.equal(frame.intrinsics.cx, (W - 1) / 2);
    assert.ok(Math.abs(frame.intrinsics.fy - H / 2 / Math.tan(Math.PI / 6)) < 1e-9);
  });

  test('a plane 2 m below gives depth 2 along the optical axis everywhere it is hit', () => {
    const frame = render();
    let floorPixels = 0;
    for (let i = 0; i < W * H; i++) {
      if (frame.segmentation[i] !== fx.ids.floor) continue;
      floorPixels++;
      assert.ok(Math.abs(frame.depth[i] - 2) < 1e-5, `pixel ${i}: depth ${frame.depth[i]}`);
    }
    assert.ok(floorPixels > W * H * 0.5, `floor pixels ${floorPixels}`);
  });

  test('segmentation names every visible geom and leaves out hidden geom groups', () => {
    const frame = render(TOP_POSE, LIGHT_DOWN, { geomGroups: [true, true, true, false, true, true] });
    const seen = new Set(frame.segmentation);
    for (const name of ['floor', 'box', 'sphere', 'capsule', 'ellipsoid', 'mesh'] as const) {
      assert.ok(seen.has(fx.ids[name]), `${name} not seen`);
    }
    assert.ok(!seen.has(fx.ids.cylinder), 'cylinder is in group 3, hidden');
    assert.ok(render().segmentation.includes(fx.ids.cylinder), 'cylinder seen with all groups');
    // Group 5 (the rig marker, 1 m below the camera): seen by default, hidden on request. A
    // geomgroup array outside wasm memory would make mujoco-js read groups 4-5 as off.
    const marker = requireId(fx.mj, fx.model, 'geom', 'rig_marker');
    assert.ok(seen.has(marker), 'group 5 seen');
    assert.ok(!render(TOP_POSE, LIGHT_DOWN, { geomGroups: [true, true, true, true, true, false] }).segmentation.includes(marker));
    // The pixel under each object's top point shows that object.
    const top = (name: 'box' | 'sphere' | 'ellipsoid'): [number, number, number] => {
      const { pos } = geomFrame(fx.data, fx.ids[name]);
      return [pos[0], pos[1], pos[2] + 0.05];
    };
    for (const name of ['box', 'sphere', 'ellipsoid'] as const) {
      assert.equal(frame.segmentation[pixelOfWorld(frame, top(name))], fx.ids[name], name);
    }
  });

  test('hit points lie on the surfaces of the geoms the segmentation names', () => {
    const frame = render();
    const pts = worldPoints(frame);
    const sphere = geomFrame(fx.data, fx.ids.sphere);
    const box = geomFrame(fx.data, fx.ids.box);
    const capsule = geomFrame(fx.data, fx.ids.capsule);
    const cylinder = geomFrame(fx.data, fx.ids.cylinder);
    const counts = { sphere: 0, box: 0, capsule: 0, cylinder: 0 };
    const tol = 2e-4; // float32 depth at 2 m
    for (const { p, g } of pts) {
      if (g === fx.ids.sphere) {
        counts.sphere++;
        const r = Math.hypot(p[0] - sphere.pos[0], p[1] - sphere.pos[1], p[2] - sphere.pos[2]);
        assert.ok(Math.abs(r - 0.15) < tol, `sphere point at r=${r}`);
      } else if (g === fx.ids.box) {
        counts.box++;
        const l = toGeomLocal(box, p);
        const s = [0.1, 0.08, 0.1];
        const out = Math.max(...l.map((x, k) => Math.abs(x) - s[k]));
        assert.ok(Math.abs(out) < tol, `box point ${l} off its faces by ${out}`);
      } else if (g === fx.ids.capsule) {
        counts.capsule++;
        const l = toGeomLocal(capsule, p);
        const zc = Math.max(-0.12, Math.min(0.12, l[2]));
        const r = Math.hypot(l[0], l[1], l[2] - zc);
        assert.ok(Math.abs(r - 0.06) < tol, `capsule point at r=${r}`);
      } else if (g === fx.ids.cylinder) {
        counts.cylinder++;
        const l = toGeomLocal(cylinder, p);
        const out = Math.max(Math.hypot(l[0], l[1]) - 0.1, Math.abs(l[2]) - 0.1);
        assert.ok(Math.abs(out) < tol, `cylinder point off by ${out}`);
      }
    }
    for (const [name, n] of Object.entries(counts)) assert.ok(n > 5, `${name}: ${n} points`);
  });

  test('the point cloud of a frame lies on the same surfaces (sphere at radius r)', () => {
    const frame = render();
    const cloud = depthToPointCloud(frame, {
      target: 'base',
      basePose: { position: [0, 0, 0], quaternion: [1, 0, 0, 0] },
      count: 400,
      rng: new Rng(1),
      frameId: 'world',
      stamp: timestampFromSeconds(0),
    });
    const sphere = geomFrame(fx.data, fx.ids.sphere);
    let onSphere = 0;
    for (let j = 0; j < cloud.count; j++) {
      const p = cloud.positions.subarray(3 * j, 3 * j + 3);
      if (cloud.segments![j] === fx.ids.sphere) {
        onSphere++;
        const r = Math.hypot(p[0] - sphere.pos[0], p[1] - sphere.pos[1], p[2] - sphere.pos[2]);
        assert.ok(Math.abs(r - 0.15) < 2e-4, `sphere cloud point at r=${r}`);
      } else if (cloud.segments![j] === fx.ids.floor) {
        assert.ok(Math.abs(p[2]) < 2e-4, `floor point at z=${p[2]}`);
      }
    }
    assert.ok(onSphere > 0);
  });

  test('depth is the distance along the optical axis, not the ray length', () => {
    // Tilted 30 degrees about the optical x axis: the floor is then a slanted plane.
    const pose: Pose = { position: [0, 0, 2], quaternion: quatMultiply(TOP_POSE.quaternion, quatFromAxisAngle([1, 0, 0], Math.PI / 6)) };
    const frame = render(pose);
    for (const { p, g } of worldPoints(frame)) {
      if (g === fx.ids.floor) assert.ok(Math.abs(p[2]) < 2e-4, `floor point at z=${p[2]}`);
    }
  });

  test('a face toward the light is brighter than one away from it', () => {
    const fromMinusX: Lighting = { direction: [1, 0, -0.2], ambient: 0.2, diffuse: 0.8, background: [0, 0, 0] };
    const frame = render(TOP_POSE, fromMinusX);
    const sphere = geomFrame(fx.data, fx.ids.sphere);
    let lit = 0, litN = 0, dark = 0, darkN = 0;
    for (const { p, g, i } of worldPoints(frame)) {
      if (g !== fx.ids.sphere) continue;
      if (p[0] < sphere.pos[0] - 0.05) {
        lit += luminance(frame.rgb, i);
        litN++;
      } else if (p[0] > sphere.pos[0] + 0.05) {
        dark += luminance(frame.rgb, i);
        darkN++;
      }
    }
    assert.ok(litN > 0 && darkN > 0);
    assert.ok(lit / litN > dark / darkN + 30, `lit ${lit / litN} vs dark ${dark / darkN}`);
    // The same floor lit from above vs from below: diffuse + ambient vs ambient only.
    const above = render(TOP_POSE, LIGHT_DOWN);
    const below = render(TOP_POSE, { ...LIGHT_DOWN, direction: [0, 0, 1] });
    const i = 0; // a floor pixel in the corner
    assert.equal(above.segmentation[i], fx.ids.floor);
    assert.ok(Math.abs(above.rgb[0] - 0.6 * 255 * 1.0) <= 0.5, `lit from above: ${above.rgb[0]}`);
    assert.ok(Math.abs(below.rgb[0] - 0.6 * 255 * 0.3) <= 0.5, `lit from below: ${below.rgb[0]}`);
  });

  test('specular adds a highlight where the light reflects toward the camera', () => {
    const matte = render(TOP_POSE, { ...LIGHT_DOWN, specular: 0 });
    const shiny = render(TOP_POSE, { ...LIGHT_DOWN, specular: 0.5 });
    const centre = pixelOfWorld(matte, [-0.4, 0.3, 0.3]);
    assert.equal(matte.segmentation[centre], fx.ids.sphere);
    assert.ok(luminance(shiny.rgb, centre) > luminance(matte.rgb, centre) + 50);
  });

  test('uses the material colour unless the geom rgba overrides it, and follows geom_rgba writes', () => {
    const frame = render();
    const capsulePixel = worldPoints(frame).find((x) => x.g === fx.ids.capsule)!.i;
    assert.equal(frame.rgb[3 * capsulePixel], 0);
    assert.equal(frame.rgb[3 * capsulePixel + 1], 0);
    assert.ok(frame.rgb[3 * capsulePixel + 2] > 0);
    const rgba = fx.model.geom_rgba as Float32Array;
    const g = fx.ids.capsule;
    const saved = Array.from(rgba.subarray(4 * g, 4 * g + 4));
    try {
      rgba.set([1, 0, 0, 1], 4 * g);
      const red = render();
      assert.ok(red.rgb[3 * capsulePixel] > 0);
      assert.equal(red.rgb[3 * capsulePixel + 2], 0);
    } finally {
      rgba.set(saved, 4 * g);
    }
  });

  test('mesh normals from the depth image shade a flat mesh top like the flat floor', () => {
    const light: Lighting = { direction: [0.3, 0.2, -1], ambient: 0.3, diffuse: 0.7, background: [0, 0, 0] };
    const frame = render(TOP_POSE, light);
    const floorPixel = 0;
    let tops = 0;
    for (let i = 0; i < W * H; i++) {
      if (frame.segmentation[i] !== fx.ids.mesh || Math.abs(frame.depth[i] - 1.8) > 1e-4) continue;
      tops++;
      for (let c = 0; c < 3; c++) assert.ok(Math.abs(frame.rgb[3 * i + c] - frame.rgb[3 * floorPixel + c]) <= 1, `pixel ${i}`);
    }
    assert.ok(tops > 4, `mesh top pixels: ${tops}`);
  });

  test('background colour, NaN depth and -1 segmentation where nothing is hit', () => {
    const up: Pose = { position: [0, 0, 2], quaternion: [1, 0, 0, 0] }; // optical z = world +z
    const frame = render(up);
    assert.ok(frame.depth.every((z) => Number.isNaN(z)));
    assert.ok(frame.segmentation.every((g) => g === -1));
    for (let i = 0; i < W * H; i++) {
      [0.1, 0.2, 0.3].forEach((c, k) => assert.ok(Math.abs(frame.rgb[3 * i + k] - 255 * c) <= 0.5, `pixel ${i} channel ${k}`));
    }
  });

  test('depth beyond maxRange does not return', () => {
    const frame = render(TOP_POSE, LIGHT_DOWN, { maxRange: 1.9 });
    assert.ok(!frame.segmentation.includes(fx.ids.floor));
    assert.ok(frame.segmentation.includes(fx.ids.sphere)); // its top is 1.7 m away
    for (let i = 0; i < W * H; i++) assert.equal(Number.isNaN(frame.depth[i]), frame.segmentation[i] === -1);
  });

  test('renders from a MuJoCo camera pose: the side camera sees the sphere where it projects', () => {
    const pose = opticalPoseOfMujocoCamera(fx.data, fx.sideCamera);
    const frame = render(pose);
    assert.equal(frame.segmentation[pixelOfWorld(frame, [-0.4, 0.3 - 0.14, 0.15])], fx.ids.sphere);
  });

  test('reuses buffers but returns arrays the caller owns', () => {
    withCamera({}, (camera) => {
      const a = camera.render(fx.data, TOP_POSE, LIGHT_DOWN);
      const copy = Float32Array.from(a.depth);
      const b = camera.render(fx.data, { position: [0.1, 0, 1.5], quaternion: [0, 1, 0, 0] }, DEFAULT_LIGHTING);
      assert.notEqual(a.depth, b.depth);
      assert.deepEqual(a.depth, copy);
    });
  });

  test('rejects bad options and rendering after delete', () => {
    assert.throws(() => new RayCamera(fx.mj, fx.model, { width: 0, height: 4, fovyDeg: 60 }), /width and height.*0x4/);
    assert.throws(() => new RayCamera(fx.mj, fx.model, { width: 4, height: 4, fovyDeg: 60, maxRange: -1 }), /maxRange.*-1/);
    const camera = new RayCamera(fx.mj, fx.model, { width: 4, height: 4, fovyDeg: 60 });
    assert.throws(() => camera.render(fx.data, TOP_POSE, { ...LIGHT_DOWN, direction: [0, 0, 0] }), /direction must be non-zero/);
    camera.delete();
    camera.delete();
    assert.throws(() => camera.render(fx.data, TOP_POSE, LIGHT_DOWN), /deleted/);
  });

  test('delete frees the wasm buffers: many create/delete cycles do not grow wasm memory', () => {
    const memory = (): number => ((fx.data.geom_xpos as Float64Array).buffer as ArrayBuffer).byteLength;
    // Warm up once so that allocator pools exist, then cycle cameras of 2 x 256 KiB each.
    withCamera({ width: 256, height: 128 }, () => undefined);
    const before = memory();
    for (let k = 0; k < 150; k++) withCamera({ width: 256, height: 128 }, () => undefined);
    assert.equal(memory(), before);
    // Rendering does not leak either (the binding copies the ray directions per call).
    withCamera({ width: 128, height: 64 }, (camera) => {
      camera.render(fx.data, TOP_POSE, LIGHT_DOWN);
      const warm = memory();
      for (let k = 0; k < 100; k++) camera.render(fx.data, TOP_POSE, LIGHT_DOWN);
      assert.equal(memory(), warm);
    });
  });
});
