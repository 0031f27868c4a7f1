import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { perceptionConfigSchema, simConfigSchema } from '../../src/core/index.js';
import { perceivedClusters, perceivedObject, restingObjects } from '../../src/perception/index.js';
import { SimEnv } from '../../src/sim/index.js';

let env: SimEnv;
const perception = perceptionConfigSchema.parse({});
before(async () => {
  env = await SimEnv.create(simConfigSchema.parse({}));
});
after(() => env.close());

test('perceivedObjects: on real sim clouds, one cluster per object, its middle within 2.5 cm of the object, resting on the table', () => {
  for (const seed of [3000, 3004, 3006, 3010]) {
    const obs = env.reset(seed, { task: 'push' });
    const truth = env.trueState().objects[0].position;
    const clusters = perceivedClusters(obs, perception);
    assert.equal(clusters.length, 1, `seed ${seed}: ${clusters.length} clusters`);
    const [c] = clusters;
    assert.ok(Math.hypot(c.middle[0] - truth[0], c.middle[1] - truth[1]) < 0.025, `seed ${seed}: middle ${c.middle} vs object ${truth}`);
    assert.ok(c.bottom !== undefined && c.bottom < 0.03, `seed ${seed}: lowest point ${c.bottom} m above the table`);
    assert.deepEqual(perceivedObject(obs, perception), c.middle);
  }
});

test('perceivedObjects: the arm in a reach goal picture (no joint state, so no self-filter) is a cluster that hovers above the table', () => {
  env.reset(3001, { task: 'reach' });
  const goal = env.goalObservation();
  const object = env.trueState().objects[0].position;
  const clusters = perceivedClusters(goal, perception);
  const arm = clusters.filter((c) => Math.hypot(c.middle[0] - object[0], c.middle[1] - object[1]) > 0.05);
  assert.ok(arm.length > 0, 'the arm is seen');
  for (const c of arm) assert.ok(c.bottom !== undefined && c.bottom > 0.04, `arm cluster's lowest point ${c.bottom} m`);
  const resting = restingObjects(goal, perception);
  assert.equal(resting.length, 1, `resting objects ${JSON.stringify(resting)}`);
  assert.ok(Math.hypot(resting[0][0] - object[0], resting[0][1] - object[1]) < 0.025, 'the one resting object is the object');
});

test('perceivedObjects: no cloud, or nothing kept, is no object', () => {
  const obs = env.reset(3000, { task: 'push' });
  assert.deepEqual(perceivedClusters({ ...obs, points: undefined }, perception), []);
  const empty = { ...obs.points!, count: 0, positions: new Float32Array(0) };
  assert.deepEqual(perceivedClusters({ ...obs, points: empty }, perception), []);
  assert.equal(perceivedObject({ ...obs, points: empty }, perception), undefined);
});
