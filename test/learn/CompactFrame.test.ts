import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { describe, test } from 'node:test';
import { checkCompactFrame, compactFrame, compactFrameSizes, compactFrameTransferList, withObjectMotion } from '../../src/learn/index.js';
import type { CompactFrame } from '../../src/learn/index.js';
import { modelConfigSchema, simConfigSchema } from '../../src/core/index.js';
import { framesFromObservations } from '../../src/model/index.js';
import { perceivedObjectView } from '../../src/perception/index.js';
import { SimEnv } from '../../src/sim/index.js';
import { observation } from '../model/fixtures.js';
import { markedFrame, tinyConfig } from './fixtures.js';

// The synthetic observations hold random points, not a tabletop: no perception crop.
const model = tinyConfig('model.perception.enabled=false').model;

/** Posts a value through a real MessagePort with a transfer list; resolves with what arrives. */
function roundTrip<T>(value: T, transfer: ArrayBuffer[]): Promise<T> {
  const { port1, port2 } = new MessageChannel();
  return new Promise<T>((resolve) => {
    port2.once('message', (received: T) => {
      port1.close();
      port2.close();
      resolve(received);
    });
    port1.postMessage(value, transfer);
  });
}

describe('compactFrame', () => {
  test('packs an observation exactly as the model packs it', () => {
    const obs = observation(9);
    const frame = compactFrame(obs, model);
    const frames = framesFromObservations([obs], model);
    assert.deepEqual(frame, { rgb: frames.rgb, points: frames.points, proprio: frames.proprio });
    const sizes = compactFrameSizes(model);
    assert.equal(frame.rgb?.length, sizes.rgb);
    assert.equal(frame.points?.length, sizes.points);
    assert.equal(frame.proprio?.length, sizes.proprio);
  });

  test('on a real tabletop cloud: the object view and the object place come from one perception of the object', async () => {
    const env = await SimEnv.create(simConfigSchema.parse({}));
    try {
      const config = tinyConfig().model;
      const obs = env.reset(3000, { task: 'push' });
      const frame = compactFrame(obs, config);
      const view = perceivedObjectView(obs, config.perception, config.objectView.count);
      assert.ok(view !== undefined && frame.object !== undefined && frame.objectPlace !== undefined);
      assert.equal(frame.object.length, compactFrameSizes(config).object);
      assert.deepEqual(frame.object, view.points);
      assert.deepEqual(Array.from(frame.objectPlace), Array.from(Float32Array.from(view.middle)));
      const off = tinyConfig('model.modalities.object=false').model;
      assert.equal(compactFrame(obs, off).object, undefined, 'no object view where the model has no encoder for it');
      assert.ok(compactFrame(obs, off).objectPlace !== undefined, 'the object head still gets its label');
    } finally {
      env.close();
    }
  });

  test('leaves out missing modalities, clouds with no finite point, and modalities the model does not encode', () => {
    const obs = observation(2, ['points', 'proprio']);
    const nanCloud = { ...obs, points: { ...obs.points!, positions: new Float32Array(obs.points!.positions.length).fill(Number.NaN) } };
    assert.deepEqual(Object.keys(compactFrame(nanCloud, model)), ['proprio']);
    const proprioOnly = tinyConfig('model.modalities.points=false', 'model.modalities.rgb=false', 'model.proprioHead=false').model;
    assert.deepEqual(Object.keys(compactFrame(observation(3), proprioOnly)), ['proprio']);
  });

  test('is transferred to another thread whole, without a copy', async () => {
    const frame = compactFrame(observation(5), model);
    const copy = { rgb: frame.rgb!.slice(), points: frame.points!.slice(), proprio: frame.proprio!.slice() };
    const transfer = compactFrameTransferList(frame);
    assert.equal(transfer.length, 3);
    const received = await roundTrip(frame, transfer);
    assert.deepEqual(received, copy);
    assert.equal(frame.rgb!.byteLength, 0, 'the sender no longer owns the buffer: it moved');
  });

  test('views on a larger buffer are not transferred (that would detach memory the frame does not own)', async () => {
    const big = new Float32Array(1000);
    const frame: CompactFrame = { proprio: big.subarray(10, 10 + model.proprio.dim), rgb: markedFrame(model, 1).rgb };
    const transfer = compactFrameTransferList(frame);
    assert.deepEqual(transfer, [frame.rgb!.buffer]);
    await roundTrip(frame, transfer);
    assert.equal(big.length, 1000, 'the larger buffer stays with its owner');
  });

  test('checkCompactFrame names the field, its type and the expected size', () => {
    assert.doesNotThrow(() => checkCompactFrame(markedFrame(model, 2), model));
    assert.throws(() => checkCompactFrame({ proprio: new Float32Array(3) }, model, 'here'), /here: proprio has 3 values, expected 14 for model.proprio.dim/);
    assert.throws(() => checkCompactFrame({ rgb: new Float32Array(768) as unknown as Uint8Array }, model), /rgb is a Float32Array, expected a Uint8Array/);
    // A non-finite value learned on would make every weight NaN.
    const frame = markedFrame(model, 2);
    frame.proprio![5] = NaN;
    assert.throws(() => checkCompactFrame(frame, model, 'learner.add'), /learner.add: proprio\[5\] is NaN, expected a finite number/);
  });
});

test('withObjectMotion: each frame of an episode gets its place minus the frame before\'s, 0 at the first frame and where a place is unknown', () => {
  const at = (x: number, y: number): CompactFrame => ({ objectPlace: Float32Array.of(x, y, 0.02) });
  const frames = withObjectMotion([at(0.3, 0), at(0.32, -0.01), {}, at(0.4, 0), at(0.41, 0.02)]);
  const motion = frames.map((f) => Array.from(f.objectMotion ?? []).map((v) => +v.toFixed(6)));
  assert.deepEqual(motion, [[0, 0, 0], [0.02, -0.01, 0], [0, 0, 0], [0, 0, 0], [0.01, 0.02, 0]]);
  assert.deepEqual(frames[1].objectPlace, Float32Array.of(0.32, -0.01, 0.02), 'the rest of the frame is kept');
  assert.throws(() => checkCompactFrame({ objectMotion: Float32Array.of(0, Number.NaN, 0) }, modelConfigSchema.parse({})), /objectMotion must be 3 finite metres/);
});
