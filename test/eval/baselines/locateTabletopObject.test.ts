import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { locateTabletopObject } from '../../../src/eval/baselines/locateTabletopObject.js';
import { baselinesConfigSchema } from '../../../src/core/index.js';
import type { PointCloud } from '../../../src/core/index.js';
import type { SimEnv } from '../../../src/sim/index.js';
import { makeEnv } from '../../sim/fixtures.js';

const region = baselinesConfigSchema.parse({}).scriptedSubgoals;

function cloudOf(points: number[][]): PointCloud {
  return { stamp: { sec: 0, nanosec: 0 }, frameId: 'base_link', count: points.length, positions: Float32Array.from(points.flat()) };
}

describe('locateTabletopObject', () => {
  let env: SimEnv;
  before(async () => {
    env = await makeEnv('task=push');
  });
  after(() => env.close());

  test('finds the push object in the simulated camera cloud, and where the goal image shows it, within 3 cm', () => {
    let goalsSeen = 0;
    for (let seed = 0; seed < 8; seed++) {
      env.reset(300 + seed, { task: 'push', split: 'train' });
      const truth = env.trueState();
      const goal = locateTabletopObject(env.goalObservation().points!, undefined, region);
      if (goal === undefined) continue;
      goalsSeen++;
      assert.ok(Math.hypot(goal.position[0] - truth.goal.position[0], goal.position[1] - truth.goal.position[1]) < 0.03, `seed ${seed}: goal ${goal.position} vs ${truth.goal.position}`);
      const now = locateTabletopObject(env.observe().points!, truth.toolPosition, region);
      const object = truth.objects[0].position;
      if (now !== undefined) {
        assert.ok(Math.hypot(now.position[0] - object[0], now.position[1] - object[1]) < 0.03, `seed ${seed}: object ${now.position} vs ${object}`);
      }
    }
    assert.ok(goalsSeen >= 6, `the goal view shows the object in ${goalsSeen}/8 scenes`);
  });

  test('moves the estimate away from the camera horizontally by the surface bias, and only with a camera', () => {
    const object = [
      [0.3, 0.0, 0.02],
      [0.31, 0.01, 0.03],
      [0.29, -0.01, 0.04],
    ];
    const camera: [number, number, number] = [0.3, -0.5, 0.6];
    const moved = locateTabletopObject(cloudOf(object), undefined, { ...region, cameraPosition: camera, surfaceBias: 0.012 });
    assert.deepEqual(moved?.position.map((v) => Number(v.toFixed(4))), [0.3, 0.012, 0.03], 'along +y, away from a camera at -y; height kept');
    const diagonal = locateTabletopObject(cloudOf(object), undefined, { ...region, cameraPosition: [0.0, -0.3, 0.6], surfaceBias: 0.01 });
    assert.ok(Math.abs(diagonal!.position[0] - (0.3 + 0.01 * Math.SQRT1_2)) < 1e-6 && Math.abs(diagonal!.position[1] - 0.01 * Math.SQRT1_2) < 1e-6, `${diagonal?.position}`);
    for (const plain of [{ ...region, surfaceBias: 0 }, { ...region, cameraPosition: undefined }]) {
      assert.deepEqual(locateTabletopObject(cloudOf(object), undefined, plain)?.position.map((v) => Number(v.toFixed(4))), [0.3, 0, 0.03]);
    }
  });

  test('ignores points near the tool, off the table region, outside the height band or far from the last place', () => {
    const object = [
      [0.3, 0.0, 0.02],
      [0.31, 0.01, 0.03],
      [0.29, -0.01, 0.04],
    ];
    const clutter = [
      [0.5, 0.2, 0.02], // near the tool
      [0.9, 0.0, 0.02], // off the table region
      [0.3, 0.0, 0.2], // above the band (the arm)
      [0.3, 0.0, 0.001], // the table
    ];
    const found = locateTabletopObject(cloudOf([...object, ...clutter.slice(1)]), [0.5, 0.2, 0.03], { ...region, minPoints: 3, surfaceBias: 0 });
    assert.deepEqual(found?.position.map((v) => Number(v.toFixed(3))), [0.3, 0, 0.03]);
    assert.equal(found?.points, 3);
    // With the tool's points it is still the object (they are filtered), but not when they are 3 of 4.
    assert.equal(locateTabletopObject(cloudOf([...object, clutter[0]]), [0.5, 0.2, 0.03], region)?.points, 3);
    // Too few points: hidden.
    assert.equal(locateTabletopObject(cloudOf(object.slice(0, 2)), undefined, region), undefined);
    // Tracking: only near the last place.
    assert.equal(locateTabletopObject(cloudOf(object), undefined, region, { position: [0.45, 0.2, 0.02], radius: 0.08 }), undefined);
  });
});
