import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';
import { asyncScheduler, map, timer } from 'rxjs';
import type { SchedulerAction, SchedulerLike } from 'rxjs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { controlLoop } from '../../../src/agent/controlLoop.js';
import type { Controller } from '../../../src/agent/Controller.js';
import { SimWorld } from '../../../src/agent/sources/SimWorld.js';
import type { SimWorldEvent } from '../../../src/agent/sources/SimWorld.js';
import { agentConfigSchema } from '../../../src/core/config/agentConfig.js';
import { compareTimestamps } from '../../../src/core/Timestamp.js';
import { makeEnv } from '../../sim/fixtures.js';

const config = agentConfigSchema.parse({ watchdog: { observationTimeoutMs: 1000, planTimeoutMs: 1000 } });

function constantController(values: number[], busyMs = 0, ts?: TestScheduler): Controller & { goals: number } {
  const c = {
    goals: 0,
    setGoal: () => void c.goals++,
    decide: () => {
      const d = { values: Float32Array.from(values), planningMs: busyMs };
      return ts && busyMs > 0 ? timer(busyMs, ts).pipe(map(() => d)) : d;
    },
  };
  return c;
}

describe('SimWorld as source and sink of the control loop', async () => {
  const env = await makeEnv('episodeSteps=12');
  after(() => env.close());

  function run(clock: 'lockstep' | 'realtime', busyMs: number, untilMs: number): { events: SimWorldEvent[]; ticks: number; dropped: number; goals: number; x: number[]; withShapes: number } {
    const ts = new TestScheduler(assert.deepEqual);
    let result!: ReturnType<typeof run>;
    ts.run(() => {
      const world = new SimWorld(env, { clock, scheduler: ts });
      const controller = constantController([0.02, 0, 0, 1], busyMs, ts);
      const loop = controlLoop(world, world, controller, config, ts);
      const events: SimWorldEvent[] = [];
      world.events$.subscribe((e) => events.push(e));
      const x: number[] = [];
      // Ticks whose observation carries the robot's shapes of its cloud's instant.
      let withShapes = 0;
      const sub = loop.events$.subscribe((e) => {
        if (e.type !== 'tick') return;
        x.push(e.observation.proprio!.endEffector.position[0]);
        const { robotShapes, points } = e.observation;
        if (robotShapes !== undefined && points !== undefined && robotShapes.shapes.length > 0 && compareTimestamps(robotShapes.stamp, points.stamp) === 0) withShapes++;
      });
      world.reset(4, { task: 'reach' });
      ts.schedule(() => {
        sub.unsubscribe();
        world.close();
      }, untilMs);
      ts.flush();
      const summary = loop.metrics.summary();
      result = { events, ticks: summary.ticks, dropped: summary.droppedFrames, goals: controller.goals, x, withShapes };
    });
    return result;
  }

  test('lockstep: one step per action, the goal delivered, the arm moves as commanded', () => {
    const r = run('lockstep', 0, 1);
    const steps = r.events.filter((e) => e.type === 'step');
    assert.equal(r.goals, 1);
    assert.equal(steps.length, 12, 'the episode ran to its step limit');
    assert.equal(steps.at(-1)!.result!.done, true);
    assert.equal(r.ticks, 12);
    assert.equal(r.dropped, 0);
    assert.equal(r.withShapes, 12, 'every observation the controller sees has the robot shapes of its cloud, as the learner\'s frames do');
    assert.ok(r.x.at(-1)! - r.x[0] > 0.15, `tool moved ${r.x.at(-1)! - r.x[0]} m in +x`);
  });

  test('lockstep runs are reproducible', () => {
    assert.deepEqual(run('lockstep', 0, 1).x, run('lockstep', 0, 1).x);
  });

  test('realtime: the world keeps stepping at its control rate while a slow controller thinks, and stale frames are dropped', () => {
    // 20 Hz world, a controller that needs 120 ms: the world steps every 50 ms regardless.
    const r = run('realtime', 120, 800);
    const steps = r.events.filter((e) => e.type === 'step').length;
    assert.equal(steps, 12, '800 ms at 20 Hz is 16 periods, but the episode stops at 12 steps');
    assert.ok(r.ticks >= 4 && r.ticks <= 6, `ticks ${r.ticks}`);
    assert.ok(r.dropped >= 5, `dropped ${r.dropped}`);
  });
});

describe('SimWorld safe stop in lockstep', async () => {
  const env = await makeEnv('episodeSteps=5');
  after(() => env.close());

  test('a safe stop steps the world once holding position, so the loop is never left without observations', () => {
    const ts = new TestScheduler(assert.deepEqual);
    ts.run(() => {
      const world = new SimWorld(env, { clock: 'lockstep', scheduler: ts });
      const steps: number[][] = [];
      world.events$.subscribe((e) => {
        if (e.type === 'step') steps.push(Array.from(e.result!.action.values));
      });
      world.reset(2, { task: 'reach' });
      ts.flush();
      world.send({ space: 'ee_delta', values: new Float32Array([0.02, 0, 0, -1]) });
      ts.flush();
      world.safeStop('test');
      ts.flush();
      assert.equal(steps.length, 2);
      assert.deepEqual(steps[1], [0, 0, 0, -1], 'held: no motion, gripper as last commanded');
      assert.equal(world.stoppedReason, 'test');
      world.close();
    });
  });
});

describe('SimWorld keeps nothing of the steps it ran', async () => {
  const env = await makeEnv('episodeSteps=1000');
  after(() => env.close());

  test('each finished lockstep step is released (the hour-long soak found one kept per step)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const actions: WeakRef<object>[] = [];
    const scheduler: SchedulerLike = {
      now: () => asyncScheduler.now(),
      schedule: ((work: (this: SchedulerAction<unknown>, state?: unknown) => void, delay?: number, state?: unknown) => {
        const action = asyncScheduler.schedule(work, delay, state);
        actions.push(new WeakRef(action));
        return action;
      }) as SchedulerLike['schedule'],
    };
    const world = new SimWorld(env, { clock: 'lockstep', scheduler });
    let steps = 0;
    world.events$.subscribe((e) => {
      if (e.type === 'step') steps++;
    });
    world.reset(3, { task: 'reach' });
    await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 60; i++) {
      world.send({ space: 'ee_delta', values: new Float32Array([0, 0, 0, 1]) });
      await new Promise((r) => setTimeout(r, 2));
    }
    assert.equal(steps, 60);
    await new Promise((r) => setTimeout(r, 5));
    gc();
    const kept = actions.filter((a) => a.deref() !== undefined).length;
    assert.ok(kept <= 2, `${kept} of ${actions.length} scheduled actions still reachable while the world is open`);
    world.close();
  });
});
