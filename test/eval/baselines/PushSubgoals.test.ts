import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PushSubgoals } from '../../../src/eval/baselines/PushSubgoals.js';
import { baselinesConfigSchema } from '../../../src/core/index.js';
import type { Observation, Vec3 } from '../../../src/core/index.js';
import type { SimEnv } from '../../../src/sim/index.js';
import { makeEnv } from '../../sim/fixtures.js';

const config = baselinesConfigSchema.parse({}).scriptedSubgoals;
/** Synthetic scenes: no camera bias to undo, so that estimates are exactly the points' medians. */
const plain = { ...config, surfaceBias: 0 };
const stamp = { sec: 0, nanosec: 0 };

/** A small cluster of object points (3 of them, grey) at x/y, 2-4 cm above the table. */
function objectAt(x: number, y: number): number[][] {
  return [
    [x - 0.002, y, 0.02],
    [x, y + 0.002, 0.03],
    [x + 0.002, y - 0.002, 0.04],
  ];
}

function observe(tool: Vec3 | undefined, points: number[][]): Observation {
  return {
    stamp,
    points: { stamp, frameId: 'base_link', count: points.length, positions: Float32Array.from(points.flat()), colors: new Uint8Array(points.length * 3).fill(128) },
    ...(tool === undefined
      ? {}
      : {
          proprio: {
            stamp,
            frameId: 'base_link',
            jointNames: [],
            positions: new Float64Array(0),
            velocities: new Float64Array(0),
            endEffector: { position: tool, quaternion: [1, 0, 0, 0] },
            gripper: 0.5,
          },
        }),
  };
}

/** Subgoals for an object at (0.30, 0) to be pushed to (0.45, 0): push direction +x. */
function lineScene(): PushSubgoals {
  const subgoals = new PushSubgoals(plain);
  subgoals.setGoal(observe(undefined, objectAt(0.45, 0)));
  return subgoals;
}

/** Drives the subgoals to the push phase with the tool at the start point behind the object. */
function startPushing(subgoals: PushSubgoals): void {
  const pre: Vec3 = [0.3 - config.behind, 0, config.pushHeight];
  assert.equal(subgoals.next(observe([0.3, 0.1, 0.1], objectAt(0.3, 0)))?.phase, 'approach');
  assert.equal(subgoals.next(observe([pre[0], pre[1], 0.09], objectAt(0.3, 0)))?.phase, 'descend');
  assert.equal(subgoals.next(observe(pre, objectAt(0.3, 0)))?.phase, 'push');
}

describe('PushSubgoals', () => {
  let env: SimEnv;
  before(async () => {
    // The camera the script's constants were measured with (64 px, 2048 points).
    env = await makeEnv('task=push', 'camera.width=64', 'camera.height=64', 'pointCount=2048');
  });
  after(() => env.close());

  /** Pushes with a hand that goes straight to each subgoal: what the subgoals are worth with perfect hand control. */
  function pushEpisode(seed: number): { success: boolean; phases: string } {
    env.reset(seed, { task: 'push', split: 'train' });
    const subgoals = new PushSubgoals(config);
    subgoals.setGoal(env.goalObservation());
    let observation = env.observe();
    let phases = '';
    const e = env.actionSpace.high[0];
    for (let t = 0; t < env.config.episodeSteps; t++) {
      const subgoal = subgoals.next(observation);
      phases += subgoal?.phase[0] ?? '-';
      const tool = observation.proprio!.endEffector.position;
      const action = new Float32Array(4);
      if (subgoal) for (let i = 0; i < 3; i++) action[i] = Math.max(-e, Math.min(e, subgoal.target[i] - tool[i]));
      const result = env.step(action);
      if (result.success) return { success: true, phases };
      observation = result.observation;
    }
    return { success: false, phases };
  }

  test('approach, descend, push: with a hand that follows the subgoals, most pushes succeed from the point clouds alone', () => {
    const outcomes = Array.from({ length: 16 }, (_, k) => pushEpisode(5000 + k));
    const successes = outcomes.filter((o) => o.success).length;
    // Measured 12/16 here (8/16 before the hidden object was predicted ahead of the tool), 25/30
    // over seeds 5000-5029; scripted true-state pushing does 26/30 there; random actions 0.
    assert.ok(successes >= 10, `${successes}/16: ${outcomes.map((o) => o.phases).join(' | ')}`);
    for (const o of outcomes) assert.match(o.phases, /^l*(a+d+)+p/, 'phases come in order: look, approach and descend (again when a descent stalls), push');
  });

  test('while the arm hides the object during a push, it is taken to be ahead of the tool and the push goes on', () => {
    const subgoals = lineScene();
    startPushing(subgoals);
    // The tool has passed where the object was last seen: it pushed it along, so it is still pushing.
    const tool: Vec3 = [0.33, 0.004, config.pushHeight];
    const hidden = subgoals.next(observe(tool, []));
    assert.equal(hidden?.phase, 'push');
    assert.ok(Math.abs(hidden!.object![0] - (tool[0] + config.contactOffset)) < 1e-9, `object ${hidden?.object} vs tool ${tool}`);
    assert.ok(Math.abs(hidden!.object![1]) < 1e-9, 'on the line where it was seen, not dragged sideways with the tool');
    // The carrot is ahead of the tool on the line, and never puts the object past its goal.
    assert.ok(Math.abs(hidden!.target[0] - (tool[0] + config.lookahead)) < 1e-9);
    const last = subgoals.next(observe([0.45 - config.contactOffset - 0.005, 0, config.pushHeight], []));
    assert.ok(last!.target[0] <= 0.45 - config.contactOffset + 1e-9, `carrot ${last?.target}`);
    assert.ok(last!.object![0] <= 0.45 + 1e-9, `object ${last?.object}`);
  });

  test('approaches again when the object shows up off the line; rises before moving sideways', () => {
    const subgoals = lineScene();
    startPushing(subgoals);
    const low: Vec3 = [0.26, 0, config.pushHeight];
    // Seen 6 cm to the side: the tool is off the new line.
    const off = subgoals.next(observe(low, objectAt(0.32, 0.06)));
    assert.equal(off?.phase, 'approach');
    assert.deepEqual(off?.target, [low[0], low[1], config.travelHeight], 'straight up first');
    const high = subgoals.next(observe([low[0], low[1], config.travelHeight], objectAt(0.32, 0.06)));
    assert.equal(high?.phase, 'approach');
    assert.ok(Math.hypot(high!.target[0] - low[0], high!.target[1] - low[1]) > 0.03, 'then toward the new start point');
  });

  test('averages sightings while the object rests, weighted by their points', () => {
    const subgoals = lineScene();
    const tool: Vec3 = [0.2, 0.2, 0.1];
    assert.deepEqual(subgoals.next(observe(tool, objectAt(0.3, 0)))?.object?.map((v) => Number(v.toFixed(4))), [0.3, 0, 0.03]);
    // A second sighting 1 cm away with as many points moves the estimate half way.
    const second = subgoals.next(observe(tool, objectAt(0.3, 0.01)));
    assert.ok(Math.abs(second!.object![1] - 0.005) < 1e-6, `object ${second?.object}`);
    // Without memory the latest sighting stands.
    const forgetful = new PushSubgoals({ ...plain, memoryPoints: 0 });
    forgetful.setGoal(observe(undefined, objectAt(0.45, 0)));
    forgetful.next(observe(tool, objectAt(0.3, 0)));
    assert.ok(Math.abs(forgetful.next(observe(tool, objectAt(0.3, 0.01)))!.object![1] - 0.01) < 1e-6);
  });

  test('while pushing, one sighting moves the estimate by its share against a short memory', () => {
    const subgoals = lineScene();
    startPushing(subgoals);
    // 3 points against a memory of pushMemoryPoints (3): half way toward a stray sighting 2 cm aside.
    const pre: Vec3 = [0.3 - config.behind, 0, config.pushHeight];
    const stray = subgoals.next(observe(pre, objectAt(0.3, 0.02)));
    const share = 3 / (3 + config.pushMemoryPoints);
    assert.ok(Math.abs(stray!.object![1] - 0.02 * share) < 1e-6, `object ${stray?.object}`);
    assert.equal(stray?.phase, 'push', 'still on the line');
  });

  test('a descent that stalls on the object starts again farther back', () => {
    const subgoals = lineScene();
    const pre: Vec3 = [0.3 - config.behind, 0, 0.09];
    subgoals.next(observe([0.3, 0.1, 0.1], objectAt(0.3, 0)));
    assert.equal(subgoals.next(observe(pre, objectAt(0.3, 0)))?.phase, 'descend');
    const stuck: Vec3 = [pre[0], pre[1], 0.05];
    const phases = Array.from({ length: config.stallTicks + 1 }, () => subgoals.next(observe(stuck, objectAt(0.3, 0)))?.phase);
    assert.equal(phases.at(-1), 'approach', phases.join(' '));
    const again = subgoals.next(observe([0.3, 0.1, 0.1], objectAt(0.3, 0)));
    assert.ok(Math.abs(again!.target[0] - (pre[0] - 0.015)) < 1e-6, `new start point ${again?.target}`);
  });

  test('holds the hand still once the object is seen on its goal', () => {
    const subgoals = lineScene();
    const tool: Vec3 = [0.38, 0, 0.03];
    const done = subgoals.next(observe(tool, objectAt(0.45, 0.002)));
    assert.deepEqual(done?.target, tool);
  });

  test('gives no subgoal without a goal view of the object or without a measured tool', () => {
    env.reset(5000, { task: 'push', split: 'train' });
    const subgoals = new PushSubgoals(config);
    assert.equal(subgoals.next(env.observe()), undefined, 'no goal yet');
    subgoals.setGoal(env.goalObservation());
    assert.ok(subgoals.goalObject);
    assert.equal(subgoals.next({ ...env.observe(), proprio: undefined }), undefined);
    // A goal view without a cloud: the object's wanted place is unknown.
    subgoals.setGoal({ ...env.goalObservation(), points: undefined });
    assert.equal(subgoals.goalObject, undefined);
  });
});
