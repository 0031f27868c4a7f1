import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ObjectPlay } from '../../../src/agent/controllers/ObjectPlay.js';
import { agentConfigSchema, modelConfigSchema, Rng, simConfigSchema } from '../../../src/core/index.js';
import type { Observation } from '../../../src/core/index.js';
import { perceivedObject } from '../../../src/perception/index.js';
import { SimEnv } from '../../../src/sim/index.js';

const perception = modelConfigSchema.parse({}).perception;

describe('ObjectPlay', () => {
  let env: SimEnv;
  let obs: Observation;
  before(async () => {
    env = await SimEnv.create(simConfigSchema.parse({ task: 'push', camera: { width: 64, height: 64 }, pointCount: 4096 }));
    // A scene whose object the camera sees (seed 5 hides it behind the arm).
    obs = env.reset(4, { task: 'push' });
  });
  after(() => env.close());

  test('stroke: in above a point behind the perceived middle, down to it, then through the middle to the far side; a new side each stroke', () => {
    const play = agentConfigSchema.parse({ exploration: { play: { style: 'stroke', holdSteps: 4 } } }).exploration.play;
    const object = new ObjectPlay(perception, play, new Rng(1));
    const centre = perceivedObject(obs, perception);
    assert.ok(centre !== undefined, 'the camera sees the object');
    const { behind, through, lift } = play.stroke;
    const strokes: [number, number][] = [];
    for (let s = 0; s < 3; s++) {
      const targets = Array.from({ length: 4 + 2 + 4 }, () => object.target(obs)!);
      const [approach, down, end] = [targets[0], targets[4], targets[9]];
      // Direction of the stroke, from its start to its end.
      const u = [end[0] - down[0], end[1] - down[1]];
      const length = Math.hypot(u[0], u[1]);
      assert.ok(Math.abs(length - (behind + through)) < 1e-6, `stroke length ${length}`);
      strokes.push([u[0] / length, u[1] / length]);
      // The start lies `behind` the middle, the end `through` beyond it, on one line.
      assert.ok(Math.hypot(down[0] + (behind * u[0]) / length - centre[0], down[1] + (behind * u[1]) / length - centre[1]) < 1e-6);
      assert.ok(Math.abs(approach[2] - down[2] - lift) < 1e-6, 'the hand comes in above the start');
      assert.ok(Math.abs(down[2] - centre[2]) < 1e-6 && Math.abs(end[2] - centre[2]) < 1e-6, 'the stroke runs at the middle height');
      targets.slice(0, 4).forEach((t) => assert.deepEqual(t, approach));
      targets.slice(6).forEach((t) => assert.deepEqual(t, end));
    }
    const spread = Math.min(...strokes.slice(1).map((u, i) => Math.hypot(u[0] - strokes[i][0], u[1] - strokes[i][1])));
    assert.ok(spread > 1e-3, 'each stroke draws its own side');
    object.target(obs);
    object.reset();
    assert.ok(Math.abs(object.target(obs)![2] - centre[2] - lift) < 1e-6, 'a new episode starts a new stroke, from above');
    assert.deepEqual(new ObjectPlay(perception, play, new Rng(1)).target(obs), new ObjectPlay(perception, play, new Rng(1)).target(obs), 'seeded');
  });

  test('around: targets within the radius of the perceived middle, kept holdSteps ticks', () => {
    const play = agentConfigSchema.parse({ exploration: { play: { holdSteps: 3 } } }).exploration.play;
    const object = new ObjectPlay(perception, play, new Rng(2));
    const centre = perceivedObject(obs, perception)!;
    const targets = Array.from({ length: 6 }, () => object.target(obs)!);
    targets.forEach((t) => assert.ok(Math.hypot(t[0] - centre[0], t[1] - centre[1]) <= play.radius + 1e-9));
    assert.deepEqual(targets[0], targets[2]);
    assert.notDeepEqual(targets[2], targets[3]);
  });

  test('nothing perceived: no target', () => {
    const play = agentConfigSchema.parse({ exploration: { play: { style: 'stroke' } } }).exploration.play;
    const { points: _points, ...blind } = obs;
    assert.equal(new ObjectPlay(perception, play, new Rng(3)).target(blind as Observation), undefined);
  });
});
