import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { holdAction, PlanningController } from '../../../src/agent/controllers/PlanningController.js';
import { stanceClearance } from '../../../src/agent/controllers/stanceClearance.js';
import { StanceMemory } from '../../../src/agent/controllers/StanceMemory.js';
import { agentConfigSchema, makeActionSpace, planConfigSchema, Rng, simConfigSchema } from '../../../src/core/index.js';
import type { AgentConfig, Observation } from '../../../src/core/index.js';
import { applyWeights } from '../../../src/learn/applyWeights.js';
import { compactFromFrames } from '../../../src/learn/CompactFrame.js';
import { snapshotWeights } from '../../../src/learn/snapshotWeights.js';
import { framesFromObservations, WorldModel } from '../../../src/model/index.js';
import { perceivedClusters, perceivedObject } from '../../../src/perception/index.js';
import { SimEnv } from '../../../src/sim/index.js';
import { cem, plannerConfig } from '../../../src/plan/index.js';
import type { LatentInput, Planner, PlannerConfig } from '../../../src/plan/index.js';
import { observation, tinyConfig, useTestBackend } from '../../model/fixtures.js';

const space = makeActionSpace('ee_delta', ['dx', 'dy', 'dz'], [-0.025, -0.025, -0.025], [0.025, 0.025, 0.025]);
const exploration: AgentConfig['exploration'] = { ...agentConfigSchema.parse({}).exploration, babbleSteps: 0, babbleEpisodeFraction: 0, babbleHoldSteps: 1, actionNoise: 0, curiosity: 0 };

/** A planner that records what it was asked and plans nothing. */
function recordingPlanner(): { planner: Planner; calls: { start: Float32Array; goal: Float32Array; config: PlannerConfig }[] } {
  const calls: { start: Float32Array; goal: Float32Array; config: PlannerConfig }[] = [];
  const planner: Planner = (model, start: LatentInput, goal, config) => {
    calls.push({ start: Float32Array.from(start as ArrayLike<number>), goal: Float32Array.from(goal as ArrayLike<number>), config });
    const actions = new Float32Array(config.horizon * model.actionDim);
    return { planner: 'cem', actions, firstAction: actions.slice(0, model.actionDim), cost: 0, planningMs: 0, iterations: 1, horizon: config.horizon, actionDim: model.actionDim, predictions: 0 };
  };
  return { planner, calls };
}

function planning(overrides: Record<string, unknown>): AgentConfig['planning'] {
  return agentConfigSchema.parse({ planning: overrides }).planning;
}

function close(a: Float32Array, b: Float32Array): boolean {
  return a.every((v, i) => Math.abs(v - b[i]) < 1e-5);
}

describe('PlanningController', () => {
  let model: WorldModel;
  const plan = plannerConfig(planConfigSchema.parse({ horizon: 2, samples: 8, elites: 2, iterations: 1 }), space);
  const current: Observation = observation(1);
  const goalImage: Observation = observation(2, ['rgb', 'points']);
  before(async () => {
    await useTestBackend();
    model = new WorldModel(tinyConfig(), { seed: 3 });
  });
  after(() => model.dispose());

  test('an image-only goal is compared with the current observation encoded from the same modalities', () => {
    const withProprio = model.encodeObservation(current);
    const withoutProprio = model.encodeObservation({ ...current, proprio: undefined });
    assert.ok(!close(withProprio, withoutProprio), 'proprio changes the fused latent');

    const matched = recordingPlanner();
    const ctl = new PlanningController(model, matched.planner, plan, space, exploration, new Rng(1));
    ctl.explore = false;
    ctl.setGoal(goalImage);
    ctl.decide(current);
    assert.ok(close(matched.calls[0].start, withoutProprio));

    // With a goal that has proprioception, the current one keeps it.
    ctl.setGoal(observation(3));
    ctl.decide(current);
    assert.ok(close(matched.calls[1].start, withProprio));

    const unmatched = recordingPlanner();
    const off = new PlanningController(model, unmatched.planner, plan, space, exploration, new Rng(1), planning({ matchGoalModalities: false }));
    off.explore = false;
    off.setGoal(goalImage);
    off.decide(current);
    assert.ok(close(unmatched.calls[0].start, withProprio));
  });

  test('hands the planner the end-effector slots of the decoded proprioception, unless told not to', () => {
    const on = recordingPlanner();
    const ctl = new PlanningController(model, on.planner, plan, space, exploration, new Rng(1));
    ctl.explore = false;
    ctl.setGoal(goalImage);
    ctl.decide(current);
    // proprio.dim 10: 3 joint slots of positions and velocities, then ee xyz at 6, 7, 8, gripper at 9.
    assert.deepEqual(on.calls[0].config.proprioGoal?.indices, [6, 7, 8]);

    const off = recordingPlanner();
    const bare = new PlanningController(model, off.planner, plan, space, exploration, new Rng(1), planning({ endEffectorGoal: false }));
    bare.explore = false;
    bare.setGoal(goalImage);
    bare.decide(current);
    assert.equal(off.calls[0].config.proprioGoal, undefined);
  });

  test('with a smoothness cost, the planner is told the action executed last in the episode, and none at its start', () => {
    const smooth = plannerConfig(planConfigSchema.parse({ horizon: 2, samples: 8, elites: 2, iterations: 1, cost: { smoothWeight: 1 } }), space);
    const unsmoothed = plannerConfig(planConfigSchema.parse({ horizon: 2, samples: 8, elites: 2, iterations: 1, cost: { smoothWeight: 0 } }), space);
    const rec = recordingPlanner();
    const ctl = new PlanningController(model, rec.planner, smooth, space, exploration, new Rng(1));
    ctl.explore = false;
    ctl.setGoal(goalImage);
    const first = ctl.decide(current).values;
    ctl.decide(current);
    assert.equal(rec.calls[0].config.previousAction, undefined, 'nothing executed yet');
    assert.deepEqual(Array.from(rec.calls[1].config.previousAction ?? []), Array.from(first));
    ctl.resetEpisode();
    ctl.decide(current);
    assert.equal(rec.calls[2].config.previousAction, undefined, 'a new episode starts from no action');
    // Without the term, the plan config is the controller's own, untouched.
    const plain = recordingPlanner();
    const bare = new PlanningController(model, plain.planner, unsmoothed, space, exploration, new Rng(1));
    bare.explore = false;
    bare.setGoal(goalImage);
    bare.decide(current);
    bare.decide(current);
    assert.equal(plain.calls[1].config.previousAction, undefined);
  });

  test('weights published by the learner re-encode the goal: the planner never compares latents of two representations', () => {
    const acting = new WorldModel(tinyConfig(), { seed: 3 });
    const learnt = new WorldModel(tinyConfig(), { seed: 9 });
    try {
      const rec = recordingPlanner();
      const ctl = new PlanningController(acting, rec.planner, plan, space, exploration, new Rng(1));
      ctl.explore = false;
      ctl.setGoal(goalImage);
      ctl.decide(current);
      assert.ok(close(rec.calls[0].goal, acting.encodeObservation(goalImage)));
      const before = acting.weightsVersion;
      applyWeights(acting, snapshotWeights(learnt, 10));
      assert.equal(acting.weightsVersion, before + 1);
      const tensors = tf.memory().numTensors;
      ctl.decide(current);
      assert.equal(tf.memory().numTensors, tensors);
      assert.ok(!close(rec.calls[1].goal, rec.calls[0].goal), 'the goal latent changed with the weights');
      assert.ok(close(rec.calls[1].goal, learnt.encodeObservation(goalImage)), 'and is the new model\'s encoding of the goal');
    } finally {
      acting.dispose();
      learnt.dispose();
    }
  });

  test('plans with the end-effector goal cost through a real planner without leaking tensors', () => {
    const weighted = plannerConfig(planConfigSchema.parse({ horizon: 2, samples: 8, elites: 2, iterations: 1, cost: { proprioGoalWeight: 100 } }), space);
    const ctl = new PlanningController(model, cem, weighted, space, exploration, new Rng(1));
    ctl.explore = false;
    ctl.setGoal(goalImage);
    ctl.decide(current);
    const before = tf.memory().numTensors;
    const d = ctl.decide(observation(4));
    assert.equal(tf.memory().numTensors, before);
    assert.equal(d.values.length, 3);
    assert.ok(d.predictedCost !== undefined && Number.isFinite(d.predictedCost) && d.predictedCost > 0);
    d.values.forEach((v, i) => assert.ok(v >= space.low[i] && v <= space.high[i]));
  });

  test('object play: practice sends the hand around what perception keeps of the cloud, with the goal term turned down; evaluation never plays', async () => {
    const env = await SimEnv.create(simConfigSchema.parse({ task: 'push', camera: { width: 64, height: 64 }, pointCount: 4096 }));
    const sim = new WorldModel(tinyConfig({ proprio: { dim: 14, hidden: 16 }, actionDim: 4, perception: {} }), { seed: 3 });
    try {
      // A scene whose object the camera sees (seed 5 hides it behind the arm).
      const obs = env.reset(4, { task: 'push' });
      const object = env.trueState().objects[0].position;
      const recorded = recordingPlanner();
      const simPlan = plannerConfig(planConfigSchema.parse({ horizon: 2, samples: 8, elites: 2, iterations: 1 }), env.actionSpace);
      // Object-first off: evaluation then plans toward the goal as it is.
      const ctl = new PlanningController(sim, recorded.planner, simPlan, env.actionSpace, exploration, new Rng(4), planning({ objectFirst: { enabled: false } }));
      ctl.setGoal(env.goalObservation());
      ctl.playEpisode = true;
      ctl.decide(obs);
      const target = ctl.lastPlayTarget;
      assert.ok(target !== undefined, 'a target around the perceived object');
      // Within the play radius (4 cm) of the object's middle, plus what a partial view shifts the centre by.
      assert.ok(Math.hypot(target[0] - object[0], target[1] - object[1]) < 0.04 + 0.03, `target ${target} vs object ${object}`);
      assert.equal(recorded.calls[0].config.cost.latentWeight, exploration.play.latentWeight);
      assert.equal(recorded.calls[0].config.proprioGoal?.target?.length, 3);
      ctl.explore = false;
      ctl.decide(obs);
      assert.equal(ctl.lastPlayTarget, undefined, 'evaluation episodes do not play');
      assert.equal(recorded.calls[1].config.proprioGoal?.target, undefined);
    } finally {
      sim.dispose();
      env.close();
    }
  });

  test('objects first: while the perceived object is not where the goal shows it, the hand goes to it and the goal compares the point-cloud part only', async () => {
    const env = await SimEnv.create(simConfigSchema.parse({ camera: { width: 64, height: 64 }, pointCount: 4096 }));
    const sim = new WorldModel(tinyConfig({ proprio: { dim: 14, hidden: 16 }, actionDim: 4, perception: {} }), { seed: 3 });
    try {
      const simPlan = plannerConfig(planConfigSchema.parse({ horizon: 2, samples: 8, elites: 2, iterations: 1 }), env.actionSpace);
      const decideOnce = (
        task: 'push' | 'reach',
        objectFirst: boolean,
        seed = 4,
        planarReach = false,
        encodeProprio = false,
        reference: 'held' | 'encoded' = 'held',
      ): { ctl: PlanningController; config: PlannerConfig; start: Float32Array; obs: Observation; object: readonly number[]; goal: readonly number[] } => {
        const obs = env.reset(seed, { task });
        const recorded = recordingPlanner();
        const ctl = new PlanningController(sim, recorded.planner, simPlan, env.actionSpace, exploration, new Rng(4), planning({ reference, objectFirst: { enabled: objectFirst, planarReach, encodeProprio } }));
        ctl.explore = false;
        ctl.setGoal(env.goalObservation());
        ctl.decide(obs);
        const { config, start } = recorded.calls[0];
        return { ctl, config, start, obs, object: env.trueState().objects[0].position, goal: env.trueState().goal.position };
      };

      const push = decideOnce('push', true);
      const target = push.ctl.lastObjectTarget;
      assert.ok(target !== undefined, 'the object must move: it is the hand target');
      assert.ok(Math.hypot(target[0] - push.object[0], target[1] - push.object[1]) < 0.03, `target ${target} vs object ${push.object}`);
      assert.equal(push.config.proprioGoal?.target?.length, 3);
      assert.equal(push.config.proprioGoal?.radius, agentConfigSchema.parse({}).planning.objectFirst.reachRadius);
      assert.equal(push.config.proprioGoal?.radiusComponents, undefined, 'the radius is a ball by default');
      assert.equal(decideOnce('push', true, 4, true).config.proprioGoal?.radiusComponents, 2, 'planar reach: the radius on x and y only');
      const weights = push.config.goalWeights;
      assert.ok(weights !== undefined);
      const [start, size] = sim.fusion.partOf('points');
      Array.from(weights).forEach((w, i) => assert.equal(w, i >= start && i < start + size ? 1 : 0, `goal weight ${i}`));
      // The object goal: where the goal picture shows the object, in the object head's own reading
      // (shifted by what the head reads minus what perception sees now). The heads read the state
      // predicted one tick ahead under holding still (planning.reference 'held', the default):
      // no motion, the gripper at the middle of its range before any action was sent.
      const held = tf.tidy(() => sim.predict(tf.tensor2d(push.start, [1, push.start.length]), tf.tensor2d(holdAction(env.actionSpace, undefined), [1, 4])).dataSync() as Float32Array);
      assert.deepEqual(Array.from(holdAction(env.actionSpace, undefined)), [0, 0, 0, 0]);
      assert.deepEqual(Array.from(holdAction(env.actionSpace, Float32Array.of(0.01, -0.02, 0, 0.5))), [0, 0, 0, 0.5], 'the gripper command last sent is kept');
      const objectReadAt = (latent: Float32Array): Float32Array => tf.tidy(() => sim.decodeObject!(tf.tensor2d(latent, [1, latent.length])).dataSync() as Float32Array);
      const handReadAt = (latent: Float32Array): Float32Array => tf.tidy(() => sim.decodeProprio!(tf.tensor2d(latent, [1, latent.length])).dataSync() as Float32Array);
      const wanted = push.config.objectGoal?.target;
      assert.ok(wanted !== undefined, 'an object goal');
      const read = objectReadAt(held);
      const place = [0, 1, 2].map((k) => wanted[k] - read[k] + target[k]);
      assert.ok(Math.hypot(place[0] - push.goal[0], place[1] - push.goal[1]) < 0.03, `goal place ${place} vs the task's goal ${push.goal}`);
      const hand = push.obs.proprio!.endEffector.position;
      const handRead = handReadAt(held);
      push.config.proprioGoal!.indices.forEach((index, k) => assert.ok(Math.abs(push.config.proprioGoal!.target![k] - (target[k] - hand[k] + handRead[index])) < 1e-6, `hand target ${k}`));
      // 'encoded': both read from the current latent itself.
      const encoded = decideOnce('push', true, 4, false, false, 'encoded');
      const objectNow = objectReadAt(encoded.start);
      [0, 1, 2].forEach((k) => assert.ok(Math.abs(encoded.config.objectGoal!.target[k] - (place[k] - target[k] + objectNow[k])) < 1e-5, `encoded object target ${k}`));
      const handNow = handReadAt(encoded.start);
      encoded.config.proprioGoal!.indices.forEach((index, k) => assert.ok(Math.abs(encoded.config.proprioGoal!.target![k] - (target[k] - hand[k] + handNow[index])) < 1e-6, `encoded hand target ${k}`));
      assert.ok(Math.abs(handRead[6] - handNow[6]) + Math.abs(objectNow[0] - read[0]) > 1e-6, 'the two references differ');

      // Reach: the object stays where the goal picture shows it, so the whole goal counts.
      const reach = decideOnce('reach', true);
      assert.equal(reach.ctl.lastObjectTarget, undefined);
      assert.equal(reach.config.goalWeights, undefined);
      assert.equal(reach.config.proprioGoal?.target, undefined);
      assert.equal(reach.config.objectGoal, undefined);

      // Reach goals whose picture shows the arm low over the table (seeds 3001, 3002, 3005: the
      // arm is the only cluster there is far from the object) or hides the object behind it
      // (3017): the arm hovers, it does not rest on the table, so nothing counts as misplaced.
      for (const seed of [3001, 3002, 3005, 3017]) {
        const reachArm = decideOnce('reach', true, seed);
        assert.equal(reachArm.ctl.lastObjectTarget, undefined, `reach seed ${seed}`);
      }

      // A goal that moves the arm only never turns to objects, even when one is nudged later;
      // the same nudged scene at a goal's first plan is a goal that moves it.
      const reachObs = env.reset(4, { task: 'reach' });
      const middle = perceivedObject(reachObs, sim.config.perception)!;
      const cloud = reachObs.points!;
      const moved = Float32Array.from(cloud.positions);
      for (let i = 0; i < cloud.count; i++) {
        const near = Math.hypot(moved[3 * i] - middle[0], moved[3 * i + 1] - middle[1]) < 0.05 && moved[3 * i + 2] > 0.002;
        if (near) moved[3 * i] += 0.1;
      }
      const nudged: Observation = { ...reachObs, points: { ...cloud, positions: moved } };
      const recorded = recordingPlanner();
      const reachCtl = new PlanningController(sim, recorded.planner, simPlan, env.actionSpace, exploration, new Rng(4));
      reachCtl.explore = false;
      reachCtl.setGoal(env.goalObservation());
      reachCtl.decide(reachObs);
      reachCtl.decide(nudged);
      assert.equal(reachCtl.lastObjectTarget, undefined, 'a nudge on the way to an arm-only goal');
      reachCtl.setGoal(env.goalObservation());
      reachCtl.decide(nudged);
      assert.ok(reachCtl.lastObjectTarget !== undefined, 'out of place at the first plan: the goal moves it');
      assert.ok(Math.abs(reachCtl.lastObjectTarget[0] - (middle[0] + 0.1)) < 0.02, `target ${reachCtl.lastObjectTarget} vs moved object ${middle[0] + 0.1}`);

      const off = decideOnce('push', false);
      assert.equal(off.ctl.lastObjectTarget, undefined);
      assert.equal(off.config.goalWeights, undefined);

      // The goal is an image: the current observation is encoded without its joints, unless
      // encodeProprio keeps them while an object comes first (never for a reach).
      assert.equal(env.goalObservation().proprio, undefined);
      assert.ok(close(push.start, sim.encodeObservation({ ...push.obs, proprio: undefined })), 'as the goal was seen');
      const withJoints = decideOnce('push', true, 4, false, true);
      assert.ok(withJoints.ctl.lastObjectTarget !== undefined);
      assert.ok(close(withJoints.start, sim.encodeObservation(withJoints.obs)), 'with the joints while the object comes first');
      assert.ok(!close(withJoints.start, push.start), 'the joints change the latent');
      const reachWithJoints = decideOnce('reach', true, 4, false, true);
      assert.ok(close(reachWithJoints.start, sim.encodeObservation({ ...reachWithJoints.obs, proprio: undefined })), 'a reach is compared whole: as the goal was seen');
    } finally {
      sim.dispose();
      env.close();
    }
  });

  test('objects first, stance: practice keeps moments with the hand near the perceived object; evaluation goes to the scored stance with the hand term alone, then pushes', async () => {
    const env = await SimEnv.create(simConfigSchema.parse({ camera: { width: 64, height: 64 }, pointCount: 4096 }));
    const sim = new WorldModel(tinyConfig({ proprio: { dim: 14, hidden: 16 }, actionDim: 4, perception: {} }), { seed: 3 });
    try {
      const simPlan = plannerConfig(planConfigSchema.parse({ horizon: 2, samples: 8, elites: 2, iterations: 1 }), env.actionSpace);
      const make = (stance: Record<string, unknown>): { ctl: PlanningController; calls: ReturnType<typeof recordingPlanner>['calls'] } => {
        const recorded = recordingPlanner();
        const ctl = new PlanningController(sim, recorded.planner, simPlan, env.actionSpace, exploration, new Rng(4), planning({ objectFirst: { stance: { near: 1, minMoments: 4, score: 'model', clearance: null, approachLift: 0, arriveAbove: null, ...stance } } }));
        return { ctl, calls: recorded.calls };
      };
      /** Practice: the test moves the hand over the object; the controller only watches. The hand's offsets from the object perceived at each tick. */
      const practise = (ctl: PlanningController): [number, number, number][] => {
        ctl.explore = true;
        let obs = env.reset(4, { task: 'push' });
        ctl.setGoal(env.goalObservation());
        const offsets: [number, number, number][] = [];
        for (let t = 0; t < 6; t++) {
          ctl.decide(obs);
          const object = perceivedObject(obs, sim.config.perception);
          const hand = obs.proprio!.endEffector.position;
          if (object !== undefined) offsets.push([hand[0] - object[0], hand[1] - object[1], hand[2] - object[2]]);
          obs = env.step(Float32Array.from([0.02, 0.01 * (t - 3), -0.02, 0])).observation;
        }
        return offsets;
      };
      const evaluate = (ctl: PlanningController): Observation => {
        ctl.explore = false;
        ctl.resetEpisode();
        const obs = env.reset(4, { task: 'push' });
        ctl.setGoal(env.goalObservation());
        return obs;
      };

      const { ctl, calls } = make({});
      const offsets = practise(ctl);
      assert.ok(offsets.length >= 4, `the object is perceived in ${offsets.length} of 6 practice ticks`);
      assert.equal(ctl.stanceMoments, offsets.length);
      let obs = evaluate(ctl);
      const before = calls.length;
      ctl.decide(obs);
      assert.equal(ctl.stanceMoments, offsets.length, 'evaluation keeps no moments');
      const stance = ctl.lastStanceTarget;
      const object = ctl.lastObjectTarget;
      assert.ok(stance !== undefined && object !== undefined, `the hand goes to a stance first: stance ${stance}, object ${object}`);
      // The default top (16) takes every moment kept here: the stance is their median offset, whatever the scores.
      const median = [0, 1, 2].map((k) => offsets.map((o) => o[k]).sort((a, b) => a - b)[Math.floor(offsets.length / 2)]);
      [0, 1, 2].forEach((k) => assert.ok(Math.abs(stance[k] - object[k] - median[k]) < 1e-6, `axis ${k}: ${stance[k] - object[k]} vs ${median[k]}`));
      const toStance = calls[before].config;
      assert.equal(toStance.cost.latentWeight, 0, 'on the way to the stance the goal latent does not pull');
      assert.equal(toStance.objectGoal, undefined);
      assert.equal(toStance.goalWeights, undefined);
      assert.equal(toStance.proprioGoal?.target?.length, 3);
      assert.equal(toStance.proprioGoal?.radius, undefined);
      // Scored once per episode: the next tick keeps the same stance.
      obs = env.step(Float32Array.from([0.01, 0, 0, 0])).observation;
      ctl.decide(obs);
      assert.deepEqual(ctl.lastStanceTarget, stance);

      // Arrived (a stance radius larger than the table): the object-first cost from the first plan on.
      const arrived = make({ arrive: 5 });
      practise(arrived.ctl);
      arrived.ctl.decide(evaluate(arrived.ctl));
      assert.equal(arrived.ctl.lastStanceTarget, undefined);
      assert.ok(arrived.ctl.lastObjectTarget !== undefined);
      const pushing = arrived.calls.at(-1)!.config;
      assert.ok(pushing.objectGoal !== undefined && pushing.goalWeights !== undefined, 'the object-first cost');
      // arriveAbove: inside that ball but higher above the stance than it allows, the hand is still on its way.
      const home = env.reset(4, { task: 'push' }).proprio!.endEffector.position;
      assert.ok(home[2] - stance[2] > 0.006, `the hand starts ${home[2] - stance[2]} m above the stance`);
      const high = make({ arrive: 5, arriveAbove: home[2] - stance[2] - 0.003 });
      practise(high.ctl);
      high.ctl.decide(evaluate(high.ctl));
      assert.deepEqual(high.ctl.lastStance, stance, 'too high above the stance: not arrived');
      const lowEnough = make({ arrive: 5, arriveAbove: home[2] - stance[2] + 0.003 });
      practise(lowEnough.ctl);
      lowEnough.ctl.decide(evaluate(lowEnough.ctl));
      assert.equal(lowEnough.ctl.lastStance, undefined, 'low enough: arrived');

      // From experience: practice gives the moments their outcomes (how far hand and object moved
      // over the next 2 ticks; the last two moments have none yet), and the stance is the memory's
      // experience stance toward the goal place.
      const memory = new StanceMemory(64, 64, 2);
      const experienced = new PlanningController(sim, recordingPlanner().planner, simPlan, env.actionSpace, exploration, new Rng(4), planning({ objectFirst: { stance: { near: 1, minMoments: 4, score: 'experience', minHandMove: 0, clearance: null, approachLift: 0 } } }), { stanceMemory: memory });
      practise(experienced);
      assert.ok(memory.withOutcome > 0 && memory.withOutcome <= memory.size - 2, `${memory.withOutcome} of ${memory.size} moments have an outcome`);
      experienced.decide(evaluate(experienced));
      const misplaced = experienced.lastObjectTarget!;
      const place = perceivedObject(env.goalObservation(), sim.config.perception)!;
      const length = Math.hypot(place[0] - misplaced[0], place[1] - misplaced[1]);
      const direction: [number, number] = [(place[0] - misplaced[0]) / length, (place[1] - misplaced[1]) / length];
      const expected = memory.experienceStance(direction, 16, 0, true)!;
      const chosen = experienced.lastStanceTarget!;
      [0, 1, 2].forEach((k) => assert.ok(Math.abs(chosen[k] - misplaced[k] - expected.offset[k]) < 1e-6, `experience stance axis ${k}: ${chosen[k] - misplaced[k]} vs ${expected.offset[k]}`));
      // Mirrored (the default): on the object's line to its goal place, nothing across it.
      const across = -(chosen[0] - misplaced[0]) * direction[1] + (chosen[1] - misplaced[1]) * direction[0];
      assert.ok(Math.abs(across) < 1e-6, `the stance ${across} m off the line`);

      // Clearance (the default, 1 cm): practice knocked the object from 3 cm behind its middle, at
      // its height, where the fingers overlap it; the stance is moved back along the line until the
      // hand's own shapes keep 1 cm clear of the object's points.
      const atStart = evaluate(experienced);
      const knocks = new StanceMemory(8, 8, 1);
      const frame = compactFromFrames(framesFromObservations([atStart], sim.config));
      for (let i = 0; i < 4; i++) {
        knocks.follow([0.27, 0, 0.02], [0.3, 0, 0.02]);
        knocks.add(frame, new Float32Array(sim.latentDim), sim.weightsVersion, [-0.03, 0, 0]);
        knocks.follow([0.3, 0, 0.02], [0.33, 0, 0.02]);
        knocks.endEpisode();
      }
      const cleared = new PlanningController(sim, recordingPlanner().planner, simPlan, env.actionSpace, exploration, new Rng(4), planning({ objectFirst: { stance: { near: 1, minMoments: 4, score: 'experience', minHandMove: 0 } } }), { stanceMemory: knocks });
      cleared.explore = false;
      cleared.setGoal(env.goalObservation());
      cleared.decide(atStart);
      const cluster = perceivedClusters(atStart, sim.config.perception).find((c) => c.middle.every((v, k) => v === misplaced[k]))!;
      const needed = stanceClearance(cluster.points, misplaced, direction, atStart.robotShapes!.shapes, atStart.proprio!.endEffector.position, misplaced[2], 0.01, 0.12)!;
      assert.ok(needed > 0.03, `the hand needs ${needed} m`);
      const stood = cleared.lastStance!;
      const behind = -((stood[0] - misplaced[0]) * direction[0] + (stood[1] - misplaced[1]) * direction[1]);
      assert.ok(Math.abs(behind - needed) < 1e-6, `the stance ${behind} m behind, ${needed} m needed`);
      assert.ok(Math.abs(-(stood[0] - misplaced[0]) * direction[1] + (stood[1] - misplaced[1]) * direction[0]) < 1e-6, 'still on the line');
      assert.ok(Math.abs(stood[2] - misplaced[2]) < 1e-9, 'at the height practice chose');

      // approachLift: far from the stance, the hand aims at the object's middle + lift above it (a stance
      // 1 mm wide is never reached here). follow: the stance keeps its offset from the object as
      // perceived at each plan; the whole cloud seen 2 cm along x moves the object, and the stance with it.
      const lifted = make({ approachLift: 0.1, follow: true, arrive: 0.001 });
      practise(lifted.ctl);
      obs = evaluate(lifted.ctl);
      lifted.ctl.decide(obs);
      const via = lifted.ctl.lastStanceTarget!;
      const seen = lifted.ctl.lastObjectTarget!;
      assert.ok(Math.abs(via[0] - stance[0]) < 1e-6 && Math.abs(via[1] - stance[1]) < 1e-6, `above the stance: ${via} vs ${stance}`);
      assert.ok(Math.abs(via[2] - Math.max(stance[2], seen[2] + 0.1)) < 1e-6, `at the lift: ${via[2]} vs object ${seen[2]}`);
      assert.deepEqual(lifted.ctl.lastStance, stance, 'the stance itself, under the lifted way there');
      const cloud = obs.points!;
      const nudged: Observation = { ...obs, points: { ...cloud, positions: cloud.positions.map((v, i) => (i % 3 === 0 ? v + 0.02 : v)) } };
      lifted.ctl.decide(nudged);
      const moved = lifted.ctl.lastObjectTarget!;
      assert.ok(Math.abs(moved[0] - seen[0] - 0.02) < 0.005, `the object is perceived 2 cm along: ${moved[0] - seen[0]}`);
      assert.ok(Math.abs(lifted.ctl.lastStanceTarget![0] - via[0] - (moved[0] - seen[0])) < 1e-6, 'the stance follows the object');
      ctl.resetEpisode();
      ctl.setGoal(env.goalObservation());
      ctl.decide(obs);
      ctl.decide(nudged);
      assert.deepEqual(ctl.lastStanceTarget, stance, 'without follow, the stance stays where it was first placed');

      // Too few moments, or the stance off: no stance, nothing kept.
      const few = make({ minMoments: 100 });
      practise(few.ctl);
      few.ctl.decide(evaluate(few.ctl));
      assert.equal(few.ctl.lastStanceTarget, undefined);
      const off = make({ enabled: false });
      practise(off.ctl);
      assert.equal(off.ctl.stanceMoments, 0);
    } finally {
      sim.dispose();
      env.close();
    }
  });

  test('object motion (objectView.motion): each latent holds how far the perceived object moved since the decision before; an episode starts at rest', async () => {
    const env = await SimEnv.create(simConfigSchema.parse({ camera: { width: 64, height: 64 }, pointCount: 4096 }));
    const moving = new WorldModel(tinyConfig({ proprio: { dim: 14, hidden: 16 }, actionDim: 4, perception: {}, modalities: { object: true }, objectView: { count: 8, hidden: [8], motion: true } }), { seed: 3 });
    try {
      const simPlan = plannerConfig(planConfigSchema.parse({ horizon: 2, samples: 8, elites: 2, iterations: 1 }), env.actionSpace);
      const ctl = new PlanningController(moving, recordingPlanner().planner, simPlan, env.actionSpace, exploration, new Rng(4), planning({ matchGoalModalities: false }));
      const still = env.reset(4, { task: 'push' });
      // The same scene seen 1.5 cm further along x: perception sees the object move that far.
      const positions = Float32Array.from(still.points!.positions, (v, i) => (i % 3 === 0 ? v + 0.015 : v));
      const shifted: Observation = { ...still, points: { ...still.points!, positions } };
      ctl.setGoal(env.goalObservation());
      const encodeWith = (obs: Observation, motion: ArrayLike<number>): Float32Array => {
        const frames = framesFromObservations([obs], moving.config);
        const state = moving.encodeFrames({ ...frames, objectMotion: Float32Array.from(motion) });
        const out = Float32Array.from(state.dataSync());
        state.dispose();
        return out;
      };
      const [p0, p1] = [still, shifted].map((o) => framesFromObservations([o], moving.config).objectPlace!);
      assert.ok(Math.abs(p1[0] - p0[0] - 0.015) < 0.005, `perception sees the object move ${p1[0] - p0[0]} m`);
      ctl.decide(still);
      assert.ok(close(ctl.lastLatent!, encodeWith(still, [0, 0, 0])), 'the first decision: at rest');
      ctl.decide(shifted);
      const motion = [0, 1, 2].map((k) => p1[k] - p0[k]);
      assert.ok(close(ctl.lastLatent!, encodeWith(shifted, motion)), 'moved since the decision before');
      assert.ok(!close(ctl.lastLatent!, encodeWith(shifted, [0, 0, 0])), 'the motion changes the latent');
      ctl.resetEpisode();
      ctl.decide(shifted);
      assert.ok(close(ctl.lastLatent!, encodeWith(shifted, [0, 0, 0])), 'a new episode starts at rest');
    } finally {
      moving.dispose();
      env.close();
    }
  });

  test('temporal abstraction: a planned action is held for plan.actionRepeat ticks, then the agent plans again', () => {
    const recorded = recordingPlanner();
    const repeated = plannerConfig(planConfigSchema.parse({ horizon: 2, samples: 8, elites: 2, iterations: 1, actionRepeat: 3 }), space);
    const ctl = new PlanningController(model, recorded.planner, repeated, space, exploration, new Rng(1));
    ctl.explore = false;
    ctl.setGoal(goalImage);
    const decisions = [1, 2, 3, 4, 5, 6, 7].map((seed) => ctl.decide(observation(seed)));
    assert.equal(recorded.calls.length, 3, 'plans at ticks 1, 4 and 7');
    assert.deepEqual(decisions.map((d) => d.predictedCost !== undefined), [true, false, false, true, false, false, true]);
    ctl.setGoal(goalImage);
    ctl.decide(observation(8));
    assert.equal(recorded.calls.length, 4, 'a new goal plans at once');
  });

  test('src/agent imports no baseline: the agent plans from what it learned, scripted controllers live in src/eval', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'src', 'agent');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    assert.ok(files.includes(join('controllers', 'PlanningController.ts')), `read src/agent at ${root}`);
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      const imports = [...text.matchAll(/(?:import|export)[^'"]*from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]);
      for (const path of imports) {
        assert.ok(!/\/eval\/|baselines|PushSubgoals|locateTabletopObject|scriptedPolicy/.test(path), `src/agent/${file} imports ${path}`);
      }
      assert.ok(!/PushSubgoals|locateTabletopObject/.test(text), `src/agent/${file} names the scripted push baseline`);
    }
  });
});
