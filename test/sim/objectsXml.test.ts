import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quatFromAxisAngle, quatMultiply } from '../../src/core/Pose.js';
import { loadMujoco, compileMjcf, requireId } from '../../src/sim/mujoco.js';
import { objectsXml, restHeight } from '../../src/sim/objectsXml.js';
import type { ObjectInstance } from '../../src/sim/objectsXml.js';
import { loadSceneData } from '../../src/sim/sceneData.js';

const data = loadSceneData('tabletop');

test('rest heights are exact for primitives in known orientations', () => {
  const box = { geoms: [{ type: 'box' as const, size: [0.01, 0.02, 0.03] }] };
  assert.ok(Math.abs(restHeight(box, 1, [1, 0, 0, 0]) - 0.03) < 1e-12);
  assert.ok(Math.abs(restHeight(box, 2, quatFromAxisAngle([1, 0, 0], Math.PI / 2)) - 0.04) < 1e-12);
  const cyl = { geoms: [{ type: 'cylinder' as const, size: [0.02, 0.05] }] };
  assert.ok(Math.abs(restHeight(cyl, 1, quatFromAxisAngle([1, 0, 0], Math.PI / 2)) - 0.02) < 1e-12);
});

test('every catalogue shape compiles and rests on the table where its rest height says', async () => {
  const mj = await loadMujoco();
  const shapes = Object.keys(data.objects.shapes);
  const objects: ObjectInstance[] = shapes.map((shape, i) => ({
    name: `object_${i}`,
    shape,
    scale: 1.2,
    rgba: [0.5, 0.5, 0.5, 1],
    x: 0.2 + 0.09 * (i % 4),
    y: -0.15 + 0.15 * Math.floor(i / 4),
    quaternion: quatMultiply(quatFromAxisAngle([0, 0, 1], 0.3), [1, 0, 0, 0]),
  }));
  const model = compileMjcf(mj, data.sceneXml, data.scenePath, { 'objects.xml': objectsXml(objects, data.objects) });
  const d = new mj.MjData(model);
  try {
    mj.mj_forward(model, d);
    const start = objects.map((o) => (d.xpos as Float64Array)[3 * requireId(mj, model, 'body', o.name) + 2]);
    for (let i = 0; i < 250; i++) mj.mj_step(model, d);
    objects.forEach((o, i) => {
      const z = (d.xpos as Float64Array)[3 * requireId(mj, model, 'body', o.name) + 2];
      assert.ok(Math.abs(z - start[i]) < 0.004, `${o.shape}: settled ${z}, placed ${start[i]}`);
    });
  } finally {
    d.delete();
    model.delete();
  }
});

test('an unknown shape is a named error', () => {
  assert.throws(
    () => objectsXml([{ name: 'object_0', shape: 'teapot', scale: 1, rgba: [1, 0, 0, 1], x: 0, y: 0, quaternion: [1, 0, 0, 0] }], data.objects),
    /object shape 'teapot' is not in the catalogue \(known: box, /,
  );
});
