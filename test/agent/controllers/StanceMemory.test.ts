import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { handPushAction, StanceMemory } from '../../../src/agent/controllers/StanceMemory.js';
import { makeActionSpace, simConfigSchema } from '../../../src/core/index.js';
import { compactFrame } from '../../../src/learn/CompactFrame.js';
import type { CompactFrame } from '../../../src/learn/CompactFrame.js';
import { WorldModel } from '../../../src/model/index.js';
import { SimEnv } from '../../../src/sim/index.js';
import { tinyConfig, useTestBackend } from '../../model/fixtures.js';

describe('StanceMemory', () => {
  let env: SimEnv;
  let model: WorldModel;
  /** Sim frames of one push episode under a fixed sweep of the hand, and their latents. */
  const frames: CompactFrame[] = [];
  const latents: Float32Array[] = [];
  before(async () => {
    await useTestBackend();
    env = await SimEnv.create(simConfigSchema.parse({ camera: { width: 64, height: 64 }, pointCount: 4096 }));
    model = new WorldModel(tinyConfig({ proprio: { dim: 14, hidden: 16 }, actionDim: 4, perception: {} }), { seed: 3 });
    let obs = env.reset(4, { task: 'push' });
    for (let t = 0; t < 12; t++) {
      frames.push(compactFrame(obs, model.config));
      latents.push(model.encodeObservation(obs));
      obs = env.step(Float32Array.from([0.02 * Math.cos(t), 0.02 * Math.sin(t), -0.01, 0])).observation;
    }
  });
  after(() => {
    model.dispose();
    env.close();
  });

  /** The object head's predicted motion along `direction` of one latent, rolled one row at a time (not the memory's batched path). */
  function motionAlong(latent: Float32Array, action: Float32Array, direction: [number, number], steps: number): number {
    return tf.tidy(() => {
      let z = tf.tensor2d(latent, [1, latent.length]);
      const before = model.decodeObject!(z).dataSync();
      for (let s = 0; s < steps; s++) z = model.predict(z, tf.tensor2d(action, [1, action.length]));
      const later = model.decodeObject!(z).dataSync();
      return (later[0] - before[0]) * direction[0] + (later[1] - before[1]) * direction[1];
    });
  }

  test('the stance is the offset of the moment the model predicts to move the object farthest the wanted way; top n gives the median of all', () => {
    const direction: [number, number] = [0.6, -0.8];
    const action = handPushAction(env.actionSpace, direction);
    const memory = new StanceMemory(64);
    const offsets = frames.map((_, i): [number, number, number] => [0.01 * i, -0.02 * i, 0.005 * (i % 3)]);
    frames.forEach((f, i) => memory.add(f, latents[i], model.weightsVersion, offsets[i]));
    const tensors = tf.memory().numTensors;
    const best = memory.stance(model, action, direction, 2, 1);
    assert.equal(tf.memory().numTensors, tensors, 'no tensor leaks');
    assert.ok(best !== undefined);
    const motions = latents.map((z) => motionAlong(z, action, direction, 2));
    const argmax = motions.indexOf(Math.max(...motions));
    assert.deepEqual(best.offset, offsets[argmax]);
    assert.ok(Math.abs(best.score - motions[argmax]) < 1e-5, `score ${best.score} vs ${motions[argmax]}`);
    // The opposite direction is scored with its own probe action and picks another moment.
    const back: [number, number] = [-0.6, 0.8];
    const backAction = handPushAction(env.actionSpace, back);
    const backMotions = latents.map((z) => motionAlong(z, backAction, back, 2));
    const backArgmax = backMotions.indexOf(Math.max(...backMotions));
    assert.notEqual(backArgmax, argmax);
    assert.deepEqual(memory.stance(model, backAction, back, 2, 1)?.offset, offsets[backArgmax]);
    const all = memory.stance(model, action, direction, 2, frames.length)!;
    // Upper median of 12 offsets: the 7th smallest per axis.
    assert.deepEqual(all.offset, [0.01 * 6, -0.02 * 5, 0.005]);
  });

  test('moments encoded under other weights are encoded again before scoring', () => {
    const direction: [number, number] = [1, 0];
    const action = handPushAction(env.actionSpace, direction);
    const offsets = frames.map((_, i): [number, number, number] => [i, 0, 0]);
    const fresh = new StanceMemory(64);
    const stale = new StanceMemory(64);
    frames.forEach((f, i) => {
      fresh.add(f, latents[i], model.weightsVersion, offsets[i]);
      // A wrong latent from "older weights": used as it is, it would score every moment alike.
      stale.add(f, new Float32Array(model.latentDim), model.weightsVersion - 1, offsets[i]);
    });
    const expected = fresh.stance(model, action, direction, 1, 1)!;
    const refreshed = stale.stance(model, action, direction, 1, 1)!;
    assert.deepEqual(refreshed.offset, expected.offset);
    assert.ok(Math.abs(refreshed.score - expected.score) < 1e-4, `${refreshed.score} vs ${expected.score}`);
  });

  test('at most refreshLimit stale moments are encoded again per stance, the stalest first; the others keep their latent', () => {
    const direction: [number, number] = [1, 0];
    const action = handPushAction(env.actionSpace, direction);
    const offsets = frames.map((_, i): [number, number, number] => [i, 0, 0]);
    const fresh = new StanceMemory(64);
    frames.forEach((f, i) => fresh.add(f, latents[i], model.weightsVersion, offsets[i]));
    const expected = fresh.stance(model, action, direction, 1, 1)!;
    assert.notDeepEqual(expected.offset, offsets[0], 'the fresh latents pick another moment than the first');
    const stale = (limit: number): StanceMemory => {
      const memory = new StanceMemory(64, limit);
      frames.forEach((f, i) => memory.add(f, new Float32Array(model.latentDim), model.weightsVersion - 1, offsets[i]));
      return memory;
    };
    // None encoded again: every moment has the same (wrong) latent, so all tie and the first is kept.
    assert.deepEqual(stale(0).stance(model, action, direction, 1, 1)?.offset, offsets[0]);
    // 5 per stance: the first stance scores moments 0-4 with their true latents and 5-11 with the wrong one (all tie, 5 first).
    const partly = stale(5);
    const motions = [...latents.slice(0, 5).map((z) => motionAlong(z, action, direction, 1)), motionAlong(new Float32Array(model.latentDim), action, direction, 1)];
    assert.deepEqual(partly.stance(model, action, direction, 1, 1)?.offset, offsets[motions.indexOf(Math.max(...motions))]);
    // All 12 are fresh at the third stance.
    partly.stance(model, action, direction, 1, 1);
    assert.deepEqual(partly.stance(model, action, direction, 1, 1)?.offset, expected.offset);
  });

  test('keeps the newest moments up to its capacity; empty, it has no stance', () => {
    const memory = new StanceMemory(5);
    assert.equal(memory.stance(model, handPushAction(env.actionSpace, [1, 0]), [1, 0], 1, 3), undefined);
    frames.forEach((f, i) => memory.add(f, latents[i], model.weightsVersion, [i, i, i]));
    assert.equal(memory.size, 5);
    // Only the last five moments (offsets 7..11) remain: the median of all five is 9.
    assert.deepEqual(memory.stance(model, handPushAction(env.actionSpace, [1, 0]), [1, 0], 1, 5)?.offset, [9, 9, 9]);
    assert.throws(() => new StanceMemory(0), /capacity must be a positive integer, got 0/);
    assert.throws(() => new StanceMemory(4, -1), /refresh limit must be a non-negative integer, got -1/);
  });

  test('follow gives each moment what happened next: how far the hand and the object moved on the table over the outcome ticks', () => {
    const memory = new StanceMemory(8, 8, 2);
    const frame = frames[0];
    memory.follow([0, 0, 0.05], [0.1, 0, 0.02]);
    memory.add(frame, latents[0], model.weightsVersion, [-0.1, 0, 0.03]);
    memory.follow([0.01, 0, 0.05], [0.1, 0, 0.02]);
    memory.add(frame, latents[0], model.weightsVersion, [-0.09, 0, 0.03]);
    assert.equal(memory.withOutcome, 0, 'not yet two ticks later');
    memory.follow([0.03, 0.01, 0.04], [0.12, 0.005, 0.02]);
    assert.equal(memory.withOutcome, 1);
    // The second moment's object is not seen two ticks after it: no outcome.
    memory.follow([0.05, 0.01, 0.04], undefined);
    assert.equal(memory.withOutcome, 1);
    // A moment kept at an episode's end gets none from the next episode's ticks; one kept before any follow gets none either.
    memory.add(frame, latents[0], model.weightsVersion, [0, 0, 0]);
    memory.endEpisode();
    memory.add(frame, latents[0], model.weightsVersion, [0, 0, 0]);
    for (let t = 0; t < 3; t++) memory.follow([0, 0, 0.05], [0.1, 0, 0.02]);
    assert.equal(memory.withOutcome, 1);
    // The only scored moment: the hand moved (0.03, 0.01), the object (0.02, 0.005).
    const best = memory.experienceStance([1, 0], 4, 0.005)!;
    const u = [0.03 / Math.hypot(0.03, 0.01), 0.01 / Math.hypot(0.03, 0.01)];
    assert.ok(Math.abs(best.score - (0.02 * u[0] + 0.005 * u[1])) < 1e-9, `score ${best.score}`);
    assert.throws(() => new StanceMemory(4, 4, 0), /outcome ticks must be a positive integer, got 0/);
  });

  test('the stance from experience: the best moments by how far the object went along the hand, their offsets turned into the wanted direction', () => {
    const memory = new StanceMemory(16, 16, 1);
    /** A moment at `offset` whose hand then moved by `hand` and the object by `object` on the table. */
    const moment = (offset: [number, number, number], hand: [number, number], object: [number, number]): void => {
      const start: [number, number, number] = [0.3 + offset[0], offset[1], 0.02 + offset[2]];
      memory.follow(start, [0.3, 0, 0.02]);
      memory.add(frames[0], latents[0], model.weightsVersion, offset);
      memory.follow([start[0] + hand[0], start[1] + hand[1], start[2]], [0.3 + object[0], object[1], 0.02]);
      memory.endEpisode();
    };
    // Behind the object along +x, low, pushing it 3 cm: the best.
    moment([-0.05, 0.01, 0.005], [0.02, 0], [0.03, 0]);
    // Behind along -y (the hand moved -y), pushing it 2 cm that way.
    moment([0.0, 0.04, 0.006], [0, -0.02], [0, -0.02]);
    // Above the object: it barely moved.
    moment([0, 0, 0.04], [0.02, 0], [0.002, 0]);
    // The hand hardly moved: says nothing of a direction, even with a big object motion.
    moment([0.05, 0, 0], [0.001, 0], [0.1, 0]);
    // Wanted: along +y. The best moment's offset, turned from +x into +y: along -5 cm, across +1 cm -> (-0.01, -0.05).
    const best = memory.experienceStance([0, 1], 1, 0.005)!;
    assert.ok(Math.abs(best.score - 0.03) < 1e-9);
    [-0.01, -0.05, 0.005].forEach((v, k) => assert.ok(Math.abs(best.offset[k] - v) < 1e-9, `offset ${best.offset} axis ${k}`));
    // The second best (its hand moved -y, 4 cm behind) turned into +y: (0, -0.04); the median of the top two per axis (upper median).
    const two = memory.experienceStance([0, 1], 2, 0.005)!;
    [0, -0.04, 0.006].forEach((v, k) => assert.ok(Math.abs(two.offset[k] - v) < 1e-9, `top two ${two.offset} axis ${k}`));
    // Mirrored: the best moment's offset on the line, its 1 cm across dropped: (0, -0.05).
    const onLine = memory.experienceStance([0, 1], 1, 0.005, true)!;
    [0, -0.05, 0.005].forEach((v, k) => assert.ok(Math.abs(onLine.offset[k] - v) < 1e-9, `mirrored ${onLine.offset} axis ${k}`));
    // Mirrored, the top two toward a diagonal: one distance along the line (the upper median of 5 and 4 cm behind), so the stance stays on it.
    const diagonal = memory.experienceStance([Math.SQRT1_2, -Math.SQRT1_2], 2, 0.005, true)!;
    [-0.04 * Math.SQRT1_2, 0.04 * Math.SQRT1_2, 0.006].forEach((v, k) => assert.ok(Math.abs(diagonal.offset[k] - v) < 1e-9, `diagonal ${diagonal.offset} axis ${k}`));
    assert.equal(new StanceMemory(4).experienceStance([1, 0], 2, 0.005), undefined, 'no moment with an outcome');
  });

  test('the probe action moves the hand at full speed along the direction and nothing else; a joint space has none', () => {
    const space = makeActionSpace('ee_delta', ['dx', 'dy', 'dz', 'gripper'], [-0.02, -0.03, -0.02, 0.1], [0.02, 0.03, 0.02, 1]);
    assert.deepEqual(Array.from(handPushAction(space, [-1, 0])), [Math.fround(-0.02), 0, 0, Math.fround(0.1)]);
    const diagonal = handPushAction(space, [Math.SQRT1_2, -Math.SQRT1_2]);
    assert.ok(Math.abs(diagonal[0] - 0.02 * Math.SQRT1_2) < 1e-7 && Math.abs(diagonal[1] + 0.03 * Math.SQRT1_2) < 1e-7);
    const joints = makeActionSpace('joint_delta', ['j1', 'j2', 'gripper'], [-0.1, -0.1, 0], [0.1, 0.1, 1]);
    assert.throws(() => handPushAction(joints, [1, 0]), /needs an ee_delta action space, not joint_delta/);
  });
});
