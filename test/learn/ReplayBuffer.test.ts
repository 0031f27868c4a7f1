import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { modelConfigSchema, Rng } from '../../src/core/index.js';
import type { ModelConfig } from '../../src/core/index.js';
import { ReplayBuffer } from '../../src/learn/index.js';
import type { CompactFrame } from '../../src/learn/index.js';
import { Trainer, WorldModel } from '../../src/model/index.js';
import type { TrainingBatch } from '../../src/model/index.js';
import { observation, useTestBackend } from '../model/fixtures.js';
import { markedFrame, tinyConfig } from './fixtures.js';

// Synthetic observations hold random points, not a tabletop: no perception crop.
const model: ModelConfig = tinyConfig('model.perception.enabled=false').model;
const A = model.actionDim;
const P = model.proprio.dim;

/** A frame whose proprio says which episode and which global step it is. */
function tagged(episode: number, counter: number): CompactFrame {
  const frame = markedFrame(model, counter);
  const proprio = new Float32Array(P);
  proprio[0] = episode;
  proprio[1] = counter;
  return { ...frame, proprio };
}

/** An action whose first value is the counter of the frame it follows. */
function actionOf(counter: number): Float32Array {
  return Float32Array.from({ length: A }, (_, i) => (i === 0 ? counter : -i));
}

/** Per sequence of a batch: the (episode, counter) of its frames and the counters carried by its actions. */
function sequences(batch: TrainingBatch): Array<{ episodes: number[]; counters: number[]; actions: number[] }> {
  const { batchSize: b, horizon: h } = batch;
  const proprio = batch.proprio as Float32Array;
  return Array.from({ length: b }, (_, i) => ({
    episodes: Array.from({ length: h + 1 }, (_, k) => proprio[(i * (h + 1) + k) * P]),
    counters: Array.from({ length: h + 1 }, (_, k) => proprio[(i * (h + 1) + k) * P + 1]),
    actions: Array.from({ length: h }, (_, k) => batch.actions[(i * h + k) * A]),
  }));
}

function assertContiguous(batch: TrainingBatch, oldestCounter: number): void {
  for (const seq of sequences(batch)) {
    assert.ok(seq.episodes.every((e) => e === seq.episodes[0]), `sequence crosses episodes ${seq.episodes.join(',')}`);
    seq.counters.forEach((c, k) => assert.equal(c, seq.counters[0] + k, `frames not contiguous: ${seq.counters.join(',')}`));
    assert.ok(seq.counters[0] >= oldestCounter, `sequence starts at overwritten frame ${seq.counters[0]} < ${oldestCounter}`);
    assert.deepEqual(seq.actions, seq.counters.slice(0, -1), 'each action follows its frame');
  }
}

describe('ReplayBuffer', () => {
  test('object places (the object head labels) go round the ring with their frames; a frame without one samples as NaN', () => {
    const buffer = new ReplayBuffer(model, 4);
    const placed = (i: number): Float32Array => Float32Array.of(0.3 + i / 100, -0.1, 0.02);
    for (let i = 0; i < 6; i++) buffer.add(i === 4 ? tagged(0, i) : { ...tagged(0, i), objectPlace: placed(i) }, actionOf(i), 0);
    assert.deepEqual(buffer.at(0).frame.objectPlace, placed(2), 'oldest kept frame');
    assert.equal(buffer.at(2).frame.objectPlace, undefined, 'frame 4 had none');
    const batch = buffer.sampleBatch(3, 1, new Rng(1));
    assert.equal(batch.objectPlace?.length, 3 * 2 * 3);
    const counters = sequences(batch).flatMap((q) => q.counters);
    counters.forEach((c, row) => {
      const got = Array.from(batch.objectPlace!.subarray(3 * row, 3 * row + 3));
      if (c === 4) assert.ok(got.every(Number.isNaN), `frame 4: ${got}`);
      else assert.deepEqual(got, Array.from(placed(c)), `frame ${c}`);
    });
    assert.throws(() => buffer.add({ ...tagged(0, 9), objectPlace: Float32Array.of(0, Number.NaN, 0) }, actionOf(9), 0), /objectPlace must be 3 finite metres/);
  });

  test('object motion (objectView.motion): derived from the linked frame before in the episode, 0 at an episode\'s start, after a gap or an unseen object; a frame\'s own motion is kept', () => {
    const moving: ModelConfig = modelConfigSchema.parse({ ...model, objectView: { ...model.objectView, motion: true } });
    const buffer = new ReplayBuffer(moving, 8);
    const at = (x: number): Float32Array => Float32Array.of(x, -0.1, 0.02);
    const add = (frame: CompactFrame, counter: number, action: boolean, episode: number): void => buffer.add(frame, action ? actionOf(counter) : undefined, episode);
    add({ ...tagged(0, 0), objectPlace: at(0.3) }, 0, true, 0);
    add({ ...tagged(0, 1), objectPlace: at(0.32) }, 1, true, 0);
    add(tagged(0, 2), 2, true, 0);
    add({ ...tagged(0, 3), objectPlace: at(0.35) }, 3, false, 0);
    add({ ...tagged(0, 4), objectPlace: at(0.4) }, 4, true, 0);
    add({ ...tagged(1, 5), objectPlace: at(0.5) }, 5, true, 1);
    add({ ...tagged(1, 6), objectPlace: at(0.5), objectMotion: Float32Array.of(0.01, 0.02, 0) }, 6, true, 1);
    const motion = (i: number): number[] => Array.from(buffer.at(i).frame.objectMotion ?? []).map((v) => +v.toFixed(6));
    assert.deepEqual(motion(0), [0, 0, 0], 'first frame');
    assert.deepEqual(motion(1), [0.02, 0, 0], 'moved 2 cm since the frame before');
    assert.deepEqual(motion(2), [0, 0, 0], 'no object seen');
    assert.deepEqual(motion(3), [0, 0, 0], 'the frame before saw none');
    assert.deepEqual(motion(4), [0, 0, 0], 'after a gap (the frame before had no action)');
    assert.deepEqual(motion(5), [0, 0, 0], 'a new episode');
    assert.deepEqual(motion(6), [0.01, 0.02, 0], 'the frame\'s own motion');
    const batch = buffer.sampleBatch(6, 1, new Rng(2));
    assert.equal(batch.objectMotion?.length, 6 * 2 * 3);
    const counters = sequences(batch).flatMap((q) => q.counters);
    counters.forEach((c, row) => assert.deepEqual(Array.from(batch.objectMotion!.subarray(3 * row, 3 * row + 3)).map((v) => +v.toFixed(6)), motion(c), `frame ${c}`));
    const still = new ReplayBuffer(model, 8);
    for (let i = 0; i < 3; i++) still.add({ ...tagged(0, i), objectPlace: at(0.3 + i / 100) }, actionOf(i), 0);
    assert.equal(still.sampleBatch(2, 1, new Rng(2)).objectMotion, undefined, 'a model without objectView.motion gets none');
    assert.throws(() => buffer.add({ ...tagged(1, 7), objectMotion: Float32Array.of(0, 0) }, actionOf(7), 1), /objectMotion must be 3 finite metres/);
  });

  test('prioritised replay of what moved objects: the asked share of sequences comes from those where the object moved, none when the share is 0', () => {
    const buffer = new ReplayBuffer(model, 400);
    // 100 episodes of 4 frames; in every tenth the object is pushed 3 cm between its first and last frame, elsewhere it stays (or goes unseen).
    for (let e = 0; e < 100; e++) {
      for (let k = 0; k < 4; k++) {
        const counter = 4 * e + k;
        const x = e % 10 === 0 ? 0.3 + 0.01 * k : 0.3;
        const frame = e % 10 === 5 && k === 3 ? tagged(e, counter) : { ...tagged(e, counter), objectPlace: Float32Array.of(x, 0, 0.02) };
        buffer.add(frame, k < 3 ? actionOf(counter) : undefined, e);
      }
    }
    assert.equal(buffer.sequenceCount(3), 100);
    assert.equal(buffer.movingSequenceCount(3, 0.02), 10, 'moved 3 cm: counted; unseen at the end: not');
    assert.equal(buffer.movingSequenceCount(3, 0.04), 0);
    const movedShare = (share: number): number => {
      const batch = buffer.sampleBatch(2000, 3, new Rng(7), undefined, { share, minMove: 0.02 });
      assertContiguous(batch, 0);
      return sequences(batch).filter((q) => q.episodes[0] % 10 === 0).length / 2000;
    };
    assert.ok(Math.abs(movedShare(0.25) - (0.25 + 0.75 * 0.1)) < 0.03, `share 0.25: ${movedShare(0.25)}`);
    assert.ok(Math.abs(movedShare(0) - 0.1) < 0.03, `uniform: ${movedShare(0)}`);
    assert.deepEqual(
      buffer.sampleBatch(8, 3, new Rng(3), undefined, { share: 0, minMove: 0.02 }).proprio,
      buffer.sampleBatch(8, 3, new Rng(3)).proprio,
      'share 0 draws exactly the uniform batch',
    );
  });

  test('bytes are fixed at construction and stay so after the ring wraps', () => {
    const capacity = 12;
    const buffer = new ReplayBuffer(model, capacity);
    const s = model.image.size;
    const objectView = model.objectView.count * 3 * 4;
    const perFrame = s * s * 3 + model.points.count * 3 * 4 + P * 4 + objectView + 4 /* presence */ + A * 4 + 1 + 8 + 4 + 3 * 4 /* object place */;
    assert.equal(buffer.bytes, capacity * perFrame);
    const bytes = buffer.bytes;
    for (let i = 0; i < 3 * capacity + 5; i++) buffer.add(tagged(0, i), actionOf(i), 0);
    assert.equal(buffer.bytes, bytes);
    assert.equal(buffer.size, capacity);
    assert.equal(buffer.capacity, capacity);
    assert.equal(buffer.added, 3 * capacity + 5);
    assert.equal(buffer.at(0).frame.proprio?.[1], 2 * capacity + 5, 'oldest kept frame');
    assert.equal(buffer.at(capacity - 1).frame.proprio?.[1], 3 * capacity + 4, 'newest frame');
  });

  test('stores and returns the exact compact data, with missing modalities and actions', () => {
    const rng = new Rng(3);
    const s = model.image.size;
    const full: CompactFrame = {
      rgb: new Uint8Array(s * s * 3).map(() => rng.int(0, 256)),
      points: rng.fillNormal(new Float32Array(model.points.count * 3)),
      proprio: rng.fillNormal(new Float32Array(P)),
    };
    const noCamera: CompactFrame = { proprio: rng.fillNormal(new Float32Array(P)) };
    const buffer = new ReplayBuffer(model, 4);
    const action = rng.fillNormal(new Float32Array(A));
    buffer.add(full, action, 5);
    buffer.add(noCamera, undefined, 5);
    assert.deepEqual(buffer.at(0), { frame: full, action, episode: 5 });
    assert.deepEqual(buffer.at(1), { frame: noCamera, action: undefined, episode: 5 });

    const batch = buffer.sampleBatch(2, 1, new Rng(0));
    const row = s * s * 3;
    assert.deepEqual(batch.rgb?.subarray(0, row), full.rgb);
    assert.deepEqual(batch.rgb?.subarray(row, 2 * row), new Uint8Array(row), 'a missing modality is zero');
    assert.deepEqual([...(batch.present?.rgb ?? [])], [1, 0, 1, 0]);
    assert.deepEqual([...(batch.present?.proprio ?? [])], [1, 1, 1, 1]);
    assert.deepEqual(batch.proprio?.subarray(P, 2 * P), noCamera.proprio);
    assert.deepEqual(batch.actions.subarray(0, A), action);
    assert.equal(batch.pointCount, model.points.count);
  });

  test('addObservation stores what compactFrame makes of the observation', () => {
    const buffer = new ReplayBuffer(model, 2);
    const obs = observation(4);
    buffer.addObservation(obs, undefined, 0);
    const stored = buffer.at(0).frame;
    assert.equal(stored.rgb?.length, model.image.size ** 2 * 3);
    assert.equal(stored.points?.length, model.points.count * 3);
    assert.deepEqual([...(stored.proprio as Float32Array).subarray(0, 3)], [...obs.proprio!.positions].map(Math.fround));
  });

  test('sequences never cross an episode boundary or a missing action', () => {
    const rng = new Rng(11);
    const buffer = new ReplayBuffer(model, 200);
    let counter = 0;
    for (let episode = 0; episode < 30; episode++) {
      const length = rng.int(1, 8);
      for (let k = 0; k < length; k++, counter++) {
        // Episodes end with no action; now and then a gap (no action) inside an episode too.
        const gap = k < length - 1 && rng.next() < 0.1;
        buffer.add(tagged(episode, counter), k === length - 1 || gap ? undefined : actionOf(counter), episode);
      }
    }
    const h = 3;
    assert.ok(buffer.sequenceCount(h) > 0);
    for (let i = 0; i < 20; i++) assertContiguous(buffer.sampleBatch(16, h, rng), 0);
  });

  test('after the ring wraps, sequences lie among the frames still stored', () => {
    const capacity = 10;
    const buffer = new ReplayBuffer(model, capacity);
    const total = 35;
    for (let i = 0; i < total; i++) buffer.add(tagged(0, i), actionOf(i), 0);
    const h = 3;
    assert.equal(buffer.sequenceCount(h), capacity - h, 'one sequence per end frame with h stored frames before it');
    const rng = new Rng(2);
    const seen = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const batch = buffer.sampleBatch(8, h, rng);
      assertContiguous(batch, total - capacity);
      for (const seq of sequences(batch)) seen.add(seq.counters[0]);
    }
    assert.deepEqual([...seen].sort((a, b) => a - b), [25, 26, 27, 28, 29, 30, 31], 'every valid start is drawn');
  });

  test('the same seed draws the same batch; another seed another', () => {
    const fill = (): ReplayBuffer => {
      const buffer = new ReplayBuffer(model, 64);
      for (let i = 0; i < 100; i++) buffer.add(tagged(Math.floor(i / 9), i), i % 9 === 8 ? undefined : actionOf(i), Math.floor(i / 9));
      return buffer;
    };
    const a = fill().sampleBatch(8, 2, new Rng(42));
    const b = fill().sampleBatch(8, 2, new Rng(42));
    const c = fill().sampleBatch(8, 2, new Rng(43));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.proprio, c.proprio);
  });

  test('sampling into a previous batch refills its arrays with what a fresh batch would hold', () => {
    const buffer = new ReplayBuffer(model, 40);
    for (let i = 0; i < 40; i++) buffer.add(tagged(0, i), actionOf(i), 0);
    const previous = buffer.sampleBatch(6, 2, new Rng(1));
    const refilled = buffer.sampleBatch(6, 2, new Rng(9), previous);
    const fresh = buffer.sampleBatch(6, 2, new Rng(9));
    assert.equal(refilled.rgb, previous.rgb, 'the same array, not a new one');
    assert.equal(refilled.actions, previous.actions);
    assert.deepEqual(refilled, fresh);
    const other = buffer.sampleBatch(4, 2, new Rng(9), previous);
    assert.notEqual(other.rgb, previous.rgb, 'arrays of another size are not reused');
    assert.deepEqual(other, buffer.sampleBatch(4, 2, new Rng(9)));
  });

  test('errors name the field and the sizes', () => {
    const buffer = new ReplayBuffer(model, 4);
    assert.throws(() => new ReplayBuffer(model, 1), /capacity must be an integer >= 2 frames, got 1/);
    assert.throws(() => buffer.add({ rgb: new Uint8Array(10) }, undefined, 0), /frame 0: rgb has 10 values, expected 768 for model.image.size/);
    assert.throws(() => buffer.add({ points: new Float64Array(192) as unknown as Float32Array }, undefined, 0), /points is a Float64Array, expected a Float32Array/);
    assert.throws(() => buffer.add({}, new Float32Array(2), 0), /action has 2 values, expected 4 \(model.actionDim\)/);
    assert.throws(() => buffer.add({}, undefined, Number.NaN), /episode must be a finite number/);
    buffer.add(tagged(0, 0), actionOf(0), 0);
    buffer.add(tagged(1, 1), actionOf(1), 1);
    assert.throws(() => buffer.sampleBatch(2, 1, new Rng(0)), /no sequence of 1 actions among its 2 frames/);
    assert.throws(() => buffer.sampleBatch(2, 0, new Rng(0)), /horizon must be an integer >= 1, got 0/);
    assert.throws(() => buffer.at(2), /frame index 2 out of range \[0, 2\)/);
  });

  describe('with the model', () => {
    before(useTestBackend);

    test('a sampled batch trains the world model without leaking tensors', () => {
      const config = modelConfigSchema.parse(model);
      const buffer = new ReplayBuffer(config, 32);
      const rng = new Rng(5);
      for (let i = 0; i < 32; i++) {
        const frame = { ...markedFrame(config, 0), points: rng.fillNormal(new Float32Array(config.points.count * 3)) };
        buffer.add(frame, rng.fillNormal(new Float32Array(A)), Math.floor(i / 8));
      }
      const wm = new WorldModel(config, { seed: 1 });
      const trainer = new Trainer(wm);
      trainer.trainStep(buffer.sampleBatch(4, config.horizon, rng)); // creates the optimizer's moments
      const tensors = tf.memory().numTensors;
      const loss = trainer.trainStep(buffer.sampleBatch(4, config.horizon, rng));
      assert.ok(Number.isFinite(loss.total));
      assert.equal(loss.perHorizon.length, config.horizon);
      assert.equal(tf.memory().numTensors, tensors);
      trainer.dispose();
      wm.dispose();
    });
  });
});
