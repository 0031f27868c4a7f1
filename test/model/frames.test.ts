import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelConfigSchema, simConfigSchema, timestampFromSeconds } from '../../src/core/index.js';
import { SimEnv } from '../../src/sim/index.js';
import { framesFromObservations, gatherRows, isPresent, objectMotionBetween, packSequences, resampleImage } from '../../src/model/index.js';
import { observation } from './fixtures.js';

const header = { stamp: timestampFromSeconds(0), frameId: 'cam' };

test('images are resampled nearest-neighbour, a same-size image copied', () => {
  const data = Uint8Array.from({ length: 4 * 4 * 3 }, (_, i) => i);
  const same = resampleImage({ ...header, width: 4, height: 4, data }, 4);
  assert.deepEqual(same, data);
  const half = resampleImage({ ...header, width: 4, height: 4, data }, 2);
  // Pixel (0,0) of the half image samples source pixel (1,1) (centre rounding).
  assert.deepEqual(Array.from(half.subarray(0, 3)), [15, 16, 17]);
  assert.throws(() => resampleImage({ ...header, width: 4, height: 4, data: new Uint8Array(5) }, 2), /rgb image cam: 5 bytes for 4x4x3/);
});

test('clouds go through the perception stage: the workspace crop keeps the points inside, an emptied cloud is absent', () => {
  const config = modelConfigSchema.parse({ points: { count: 4 }, perception: { supportPlane: { mode: 'none' } } });
  // Two points inside the default workspace box, one behind the robot, one NaN.
  const positions = Float32Array.from([0.3, 0, 0.02, 0.4, 0.1, 0.05, -1, 0, 0, NaN, 0, 0]);
  const frames = framesFromObservations(
    [
      { stamp: header.stamp, points: { ...header, count: 4, positions } },
      { stamp: header.stamp, points: { ...header, count: 1, positions: Float32Array.from([-1, 0, 0]) } },
    ],
    { ...config, modalities: { rgb: false, points: true, proprio: false, object: false } },
  );
  const kept = Array.from(frames.points!.subarray(0, 12));
  for (let i = 0; i < 4; i++) assert.ok(kept[3 * i] >= 0.3 && kept[3 * i] <= 0.4 + 1e-6, `sample ${i} is one of the inside points`);
  assert.deepEqual(Array.from(frames.present!.points!), [1, 0]);
});

test('frames from observations mark what each one has', () => {
  const config = modelConfigSchema.parse({ image: { size: 8, patchSize: 4 }, points: { count: 8 }, proprio: { dim: 10 } });
  const frames = framesFromObservations([observation(1), observation(2, ['proprio'])], config);
  assert.equal(frames.count, 2);
  assert.equal(frames.rgb?.length, 2 * 8 * 8 * 3);
  assert.equal(frames.points?.length, 2 * 8 * 3);
  assert.deepEqual([isPresent(frames, 'rgb', 0), isPresent(frames, 'rgb', 1), isPresent(frames, 'proprio', 1)], [true, false, true]);
  const proprioOnly = framesFromObservations([observation(1)], modelConfigSchema.parse({ modalities: { rgb: false, points: false } }));
  assert.equal(proprioOnly.rgb, undefined, 'no encoder, no packing');
  assert.equal(isPresent(proprioOnly, 'rgb', 0), false);
});

test('gatherRows copies rows and zeroes masked ones', () => {
  const data = Float32Array.from([1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(gatherRows(data, Uint8Array.from([1, 0, 1]), [2, 1, 0], 2)), [5, 6, 0, 0, 1, 2]);
  assert.deepEqual(Array.from(gatherRows(undefined, undefined, [0], 2)), [0, 0]);
});

test('object labels: where perception sees the object in a real sim cloud (within 2.5 cm of the true object), NaN without a cloud, none without the head and objectView.place', async () => {
  const env = await SimEnv.create(simConfigSchema.parse({}));
  try {
    const config = modelConfigSchema.parse({});
    for (const seed of [3000, 3004]) {
      const obs = env.reset(seed, { task: 'push' });
      const truth = env.trueState().objects[0].position;
      const frames = framesFromObservations([obs, { ...obs, points: undefined }], config);
      const place = Array.from(frames.objectPlace!);
      assert.ok(Math.hypot(place[0] - truth[0], place[1] - truth[1]) < 0.025, `seed ${seed}: label ${place.slice(0, 3)} vs object ${truth}`);
      assert.ok(place.slice(3).every(Number.isNaN), 'no cloud, no label');
    }
    const withoutHead = framesFromObservations([env.observe()], modelConfigSchema.parse({ objectHead: false }));
    assert.equal(withoutHead.objectPlace?.length, 3, 'the object view reads the place as an input (objectView.place)');
    const without = framesFromObservations([env.observe()], modelConfigSchema.parse({ objectHead: false, objectView: { place: false } }));
    assert.equal(without.objectPlace, undefined);
  } finally {
    env.close();
  }
});

test('objectMotionBetween: each row\'s place minus the row one tick before, 0 where either is unknown or there is no tick before', () => {
  const places = Float32Array.of(0.3, 0.1, 0.02, Number.NaN, Number.NaN, Number.NaN, 0.5, 0, 0.02);
  const previous = Float32Array.of(0.28, 0.1, 0.02, 0.4, 0, 0.02, Number.NaN, 0, 0.02);
  assert.deepEqual(Array.from(objectMotionBetween(places, previous)).map((v) => +v.toFixed(6)), [0.02, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(objectMotionBetween(places, undefined)), new Array(9).fill(0));
});

test('packSequences: with objectView.motion each frame carries how far the object moved since the frame before in its sequence, none at its first frame', async () => {
  const config = modelConfigSchema.parse({ objectView: { motion: true } });
  const sim = await SimEnv.create(simConfigSchema.parse({ camera: { width: 32, height: 32 }, pointCount: 2048 }));
  try {
    const first = sim.reset(3, { task: 'push' });
    const observations = [first, sim.step(new Float32Array(sim.actionSpace.names.length)).observation];
    const sequence = { observations, actions: [new Float32Array(config.actionDim)] };
    const batch = packSequences([sequence, sequence], config);
    const motion = batch.objectMotion!;
    const places = batch.objectPlace!;
    assert.equal(motion.length, 4 * 3);
    assert.ok(places.every(Number.isFinite), 'perception sees the object in every frame');
    assert.deepEqual(Array.from(motion.subarray(0, 3)), [0, 0, 0], 'a sequence\'s first frame');
    assert.deepEqual(Array.from(motion.subarray(6, 9)), [0, 0, 0], 'the second sequence\'s first frame: not measured from the first sequence\'s last');
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(motion[3 + i] - (places[3 + i] - places[i])) < 1e-7, `component ${i}`);
    assert.equal(packSequences([sequence, sequence], modelConfigSchema.parse({})).objectMotion, undefined, 'none without objectView.motion');
  } finally {
    sim.close();
  }
});
