import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArmKinematics } from '../../src/sim/ArmKinematics.js';
import { loadMujoco, compileMjcf } from '../../src/sim/mujoco.js';
import { loadSceneData } from '../../src/sim/sceneData.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIM_DATA_DIR } from '../../src/sim/sceneData.js';
import type { Vec3 } from '../../src/core/Pose.js';

test('IK reaches targets across the workspace with the tool pointing down', async () => {
  const mj = await loadMujoco();
  const data = loadSceneData('tabletop');
  const model = compileMjcf(mj, data.sceneXml, data.scenePath, { 'objects.xml': readFileSync(join(SIM_DATA_DIR, 'objects.xml'), 'utf8') });
  const kin = new ArmKinematics(mj, model);
  const HOME_POSE = kin.home;
  const d = new mj.MjData(model);
  try {
    const targets: Vec3[] = [[0.3, 0, 0.1], [0.45, 0.2, 0.05], [0.25, -0.25, 0.25], [0.4, -0.1, 0.02]];
    for (const t of targets) {
      const { q, error } = kin.solve(HOME_POSE, t, 60);
      assert.ok(error < 0.005, `target ${t}: error ${error}`);
      kin.setArmPositions(d, q);
      mj.mj_forward(model, d);
      const p = kin.toolPosition(d);
      t.forEach((v, i) => assert.ok(Math.abs(p[i] - v) < 0.005));
      const m = kin.toolMatrix(d);
      assert.ok(m[6] < -0.95, `tool x axis points down (z component ${m[6]})`);
      q.forEach((qi, i) => assert.ok(qi >= kin.jointLow[i] && qi <= kin.jointHigh[i]));
    }
    // Out of reach: best effort, the error is reported rather than hidden.
    assert.ok(kin.solve(HOME_POSE, [1.5, 0, 0.1], 30).error > 0.5);
  } finally {
    d.delete();
    kin.delete();
    model.delete();
  }
});
