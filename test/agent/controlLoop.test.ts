import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';
import { map, timer } from 'rxjs';
import { controlLoop, robotShapesAt } from '../../src/agent/controlLoop.js';
import type { LoopEvent } from '../../src/agent/controlLoop.js';
import type { Controller, Decision } from '../../src/agent/Controller.js';
import { agentConfigSchema } from '../../src/core/config/agentConfig.js';
import type { Observation, RobotShapes } from '../../src/core/Observation.js';
import type { Action } from '../../src/core/Action.js';
import type { AppliedAction } from '../../src/agent/Sink.js';
import { timestampFromSeconds, toSeconds } from '../../src/core/Timestamp.js';
import { proprioAt, RecordingSink, rgbAt, testSource } from './fixtures.js';

const config = agentConfigSchema.parse({ syncSlopMs: 1, watchdog: { observationTimeoutMs: 50, planTimeoutMs: 40 } });
const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));

/** A controller that takes `busyMs` of virtual time per decision and records what it saw. */
function slowController(ts: TestScheduler, busyMs: number, planningMs = busyMs): Controller & { seen: number[] } {
  const seen: number[] = [];
  return {
    seen,
    setGoal: () => undefined,
    decide: (obs: Observation) => {
      seen.push(toSeconds(obs.stamp) * 1000);
      const decision: Decision = { values: new Float32Array([0.5, 0, 0, 2]), planningMs };
      return timer(busyMs, ts).pipe(map(() => decision));
    },
  };
}

test('observations that arrive while the controller is busy are dropped, not queued', () => {
  const ts = scheduler();
  ts.run(({ cold }) => {
    const frames = { a: 0, b: 10, c: 20, d: 30, e: 40, f: 50, g: 60 };
    const rgb$ = cold('a 9ms b 9ms c 9ms d 9ms e 9ms f 9ms g|', frames).pipe(map(rgbAt));
    const proprio$ = cold('a 9ms b 9ms c 9ms d 9ms e 9ms f 9ms g|', frames).pipe(map(proprioAt));
    const sink = new RecordingSink();
    const controller = slowController(ts, 25);
    const loop = controlLoop(testSource({ rgb$, proprio$ }), sink, controller, config, ts);
    const events: LoopEvent[] = [];
    loop.events$.subscribe((e) => events.push(e));
    ts.flush();
    // Busy 0-25: 10 and 20 dropped; takes 30, busy to 55: 40 and 50 dropped; takes 60.
    assert.deepEqual(controller.seen, [0, 30, 60]);
    assert.equal(loop.metrics.summary().droppedFrames, 4);
    assert.equal(sink.sent.length, 3);
    // The loop clipped the decision to the action space (gripper 2 -> 1).
    assert.deepEqual(Array.from(sink.sent[0].values), [0.5, 0, 0, 1]);
    const ticks = events.filter((e) => e.type === 'tick');
    assert.deepEqual(ticks.map((t) => (t.type === 'tick' ? t.latencyMs : -1)), [25, 25, 25]);
  });
});

test('the watchdog commands a safe stop when the source stalls', () => {
  const ts = scheduler();
  ts.run(({ cold }) => {
    const frames = { a: 0, b: 10 };
    // Emits at 0 and 10, then silence (the streams stay open).
    const rgb$ = cold('a 9ms b', frames).pipe(map(rgbAt));
    const proprio$ = cold('a 9ms b', frames).pipe(map(proprioAt));
    const sink = new RecordingSink();
    const loop = controlLoop(testSource({ rgb$, proprio$ }), sink, slowController(ts, 1), config, ts);
    const sub = loop.events$.subscribe();
    ts.schedule(() => sub.unsubscribe(), 200);
    ts.flush();
    // Last observation at 10 ms, timeout 50 ms: one safe stop at 60 ms, and no more for the same silence.
    assert.equal(sink.stops.length, 1);
    assert.match(sink.stops[0], /observations late: none synchronised for 50 ms/);
    assert.equal(loop.metrics.summary().safeStops, 1);
  });
});

test('a decision that overruns its budget is not sent and stops the arm', () => {
  const ts = scheduler();
  ts.run(({ cold }) => {
    const rgb$ = cold('a|', { a: 0 }).pipe(map(rgbAt));
    const proprio$ = cold('a|', { a: 0 }).pipe(map(proprioAt));
    const sink = new RecordingSink();
    const loop = controlLoop(testSource({ rgb$, proprio$ }), sink, slowController(ts, 5, 45), config, ts);
    loop.events$.subscribe();
    ts.flush();
    assert.equal(sink.sent.length, 0);
    assert.match(sink.stops[0], /planner overran: 45\.0 ms > 40 ms budget; its action was not sent/);
  });
});

test('goal observations reach the controller', () => {
  const ts = scheduler();
  ts.run(({ cold }) => {
    const goals: Observation[] = [];
    const goal: Observation = { stamp: { sec: 0, nanosec: 0 } };
    const source = { ...testSource({ rgb$: cold('|'), proprio$: cold('|') }), goal$: cold('g|', { g: goal }) };
    const loop = controlLoop(source, new RecordingSink(), { decide: () => ({ values: new Float32Array(4), planningMs: 0 }), setGoal: (g) => goals.push(g) }, config, ts);
    loop.events$.subscribe();
    ts.flush();
    assert.deepEqual(goals, [goal]);
  });
});

test('the robot shapes of a frame\'s instant ride with its observation to the controller; none when no shapes are that close', () => {
  const ts = scheduler();
  ts.run(({ cold }) => {
    const seen: (number | undefined)[] = [];
    const controller: Controller = {
      setGoal: () => undefined,
      decide: (obs: Observation) => {
        seen.push(obs.robotShapes === undefined ? undefined : toSeconds(obs.robotShapes.stamp) * 1000);
        return { values: new Float32Array(4), planningMs: 0 };
      },
    };
    const frames = { a: 1, b: 11, c: 21 };
    const rgb$ = cold('-a 9ms b 9ms c 200ms |', frames).pipe(map(rgbAt));
    const proprio$ = cold('-a 9ms b 9ms c 200ms |', frames).pipe(map(proprioAt));
    // Shapes are published before the frames of their instant; the frame at 11 ms has none, the one at 21 ms one 0.5 ms off (within the 1 ms slop).
    const robotShapes$ = cold('a 19ms c 200ms |', { a: 1, c: 20.5 }).pipe(map((ms) => ({ stamp: timestampFromSeconds(ms / 1000), frameId: 'base_link', shapes: [] })));
    controlLoop({ ...testSource({ rgb$, proprio$ }), robotShapes$ }, new RecordingSink(), controller, config, ts).events$.subscribe();
    ts.flush();
    assert.deepEqual(seen, [1, undefined, 20.5]);
  });
});

test('robotShapesAt: the closest within the slop, by the cloud\'s stamp where there is a cloud', () => {
  const at = (ms: number): RobotShapes => ({ stamp: timestampFromSeconds(ms / 1000), frameId: 'base_link', shapes: [] });
  const shapes = [at(10), at(20), at(30)];
  const cloudAt = (ms: number, newest: number): Observation => ({ stamp: timestampFromSeconds(newest / 1000), points: { stamp: timestampFromSeconds(ms / 1000), frameId: 'base_link', count: 0, positions: new Float32Array(0) } });
  assert.equal(robotShapesAt(shapes, cloudAt(19.6, 31), 0.001), shapes[1], 'by the cloud, not the newest part');
  assert.equal(robotShapesAt(shapes, { stamp: timestampFromSeconds(0.0302) }, 0.001), shapes[2], 'by the observation without a cloud');
  assert.equal(robotShapesAt(shapes, cloudAt(25, 25), 0.001), undefined, 'none within the slop');
  assert.equal(robotShapesAt([], cloudAt(10, 10), 1), undefined);
});

/** Frames every `periodMs` from 0 to `untilMs`, rgb and proprio at the same stamps, as a cold marble. */
function framesEvery(periodMs: number, untilMs: number): { marbles: string; values: Record<string, number> } {
  const values: Record<string, number> = {};
  let marbles = '';
  let t = 0;
  for (let i = 0; t <= untilMs; i++, t += periodMs) {
    const key = String.fromCharCode(0x100 + i);
    values[key] = t;
    marbles += i === 0 ? key : ` ${periodMs - 1}ms ${key}`;
  }
  return { marbles: `${marbles} 200ms |`, values };
}

test('a camera faster than the control rate: one decision per control period, on the freshest frame', () => {
  const ts = scheduler();
  ts.run(({ cold }) => {
    // A 33 Hz camera (every 30 ms) and a 20 Hz control rate, for one second.
    const { marbles, values } = framesEvery(30, 990);
    const rgb$ = cold(marbles, values).pipe(map(rgbAt));
    const proprio$ = cold(marbles, values).pipe(map(proprioAt));
    const sink = new RecordingSink();
    const controller = slowController(ts, 0);
    const loop = controlLoop(testSource({ rgb$, proprio$ }), sink, controller, { ...config, controlHz: 20 }, ts);
    const ticks: number[] = [];
    loop.events$.subscribe((e) => {
      if (e.type === 'tick') ticks.push(ts.now());
    });
    ts.flush();
    // Decisions at 0, 50, 100, ...: the leading frame, then the freshest of each period at its end.
    assert.deepEqual(ticks.slice(0, 5), [0, 50, 100, 150, 200]);
    // Each on the newest frame that had arrived by then.
    assert.deepEqual(controller.seen, ticks.map((t) => Math.floor(t / 30) * 30));
    for (let i = 1; i < ticks.length; i++) assert.ok(ticks[i] - ticks[i - 1] >= 50, `decision ${i} came ${ticks[i] - ticks[i - 1]} ms after the one before`);
    const summary = loop.metrics.summary();
    assert.equal(summary.ticks, ticks.length);
    // 34 frames in 0..990 ms; decisions at 0, 50, ..., 1000 (the last frame's period ends at 1000).
    assert.equal(summary.ticks, 21);
    assert.equal(summary.commandsSent, 21);
    assert.equal(summary.heldBack, 0);
    assert.equal(summary.controlHz, 20);
    assert.equal(summary.decisionHz, 20);
    assert.equal(summary.droppedFrames, 34 - 21, 'the frames no decision took');
  });
});

test('held-back decisions are counted apart, are not sent, and the control rate is the command rate', () => {
  const ts = scheduler();
  ts.run(({ cold }) => {
    const { marbles, values } = framesEvery(10, 190);
    const rgb$ = cold(marbles, values).pipe(map(rgbAt));
    const proprio$ = cold(marbles, values).pipe(map(proprioAt));
    // A sink whose rate limit holds back every other decision; a held-back twist persists.
    let n = 0;
    let last: Float32Array = new Float32Array(4);
    const sink = {
      send: (a: Action): AppliedAction => {
        if (n++ % 2 === 1) return { ...a, values: last, unsent: 'held_back' };
        last = a.values;
        return a;
      },
      safeStop: () => undefined,
    };
    const loop = controlLoop(testSource({ rgb$, proprio$ }), sink, slowController(ts, 0), config, ts);
    const sent: boolean[] = [];
    loop.events$.subscribe((e) => {
      if (e.type === 'tick') sent.push(e.sent);
    });
    ts.flush();
    assert.equal(sent.length, 20);
    assert.deepEqual(sent.slice(0, 4), [true, false, true, false]);
    const summary = loop.metrics.summary();
    assert.equal(summary.ticks, 20);
    assert.equal(summary.decisionHz, 100);
    assert.equal(summary.commandsSent, 10);
    assert.equal(summary.heldBack, 10);
    assert.equal(summary.controlHz, 50);
  });
});

test('stale pairs: decisions whose joint state is older than the frame by more than half a control period', () => {
  const ts = scheduler();
  ts.run(({ cold }) => {
    // Joint states stop after 60 ms while frames go on; each later frame takes the last joint state after its wait.
    const rgb$ = cold('a 49ms b 49ms c 49ms d 99ms |', { a: 0, b: 50, c: 100, d: 150 }).pipe(map(rgbAt));
    const proprio$ = cold('x 59ms y 199ms |', { x: 0, y: 60 }).pipe(map(proprioAt));
    const controller = slowController(ts, 0);
    const loop = controlLoop(testSource({ rgb$, proprio$ }), new RecordingSink(), controller, { ...config, syncSlopMs: 100, syncWaitMs: 5, controlHz: 10 }, ts);
    loop.events$.subscribe();
    ts.flush();
    // 0 pairs exactly; 50 waits 5 ms and takes the joint state of 0 (50 ms old: not more than half
    // of 100 ms); 100 is replaced, within its control period, by 150, which takes 60 (90 ms old: stale).
    const summary = loop.metrics.summary();
    assert.deepEqual(controller.seen, [0, 50, 150]);
    assert.equal(summary.pairs, 3);
    assert.equal(summary.stalePairs, 1);
  });
});

test('a sensor message the loop cannot use is refused by name and counted; the loop goes on', () => {
  const ts = scheduler();
  ts.run(({ cold }) => {
    const frames = { a: 0, b: 10, c: 20 };
    const rgb$ = cold('a 9ms b 9ms c 99ms |', frames).pipe(map(rgbAt));
    // The joint state at 10 ms reads NaN.
    const proprio$ = cold('a 9ms b 9ms c 99ms |', frames).pipe(map((ms) => (ms === 10 ? { ...proprioAt(ms), positions: Float64Array.of(NaN) } : proprioAt(ms))));
    const controller = slowController(ts, 0);
    const loop = controlLoop(testSource({ rgb$, proprio$ }), new RecordingSink(), controller, config, ts);
    const events: LoopEvent[] = [];
    loop.events$.subscribe((e) => events.push(e));
    ts.flush();
    assert.deepEqual(
      events.filter((e) => e.type === 'input_fault'),
      [{ type: 'input_fault', fault: 'rejected', modality: 'proprio', reason: "joint state: position of joint 'j' is NaN" }],
    );
    // The frame at 10 ms has no joint state within the slop: only 0 and 20 are decided on.
    assert.deepEqual(controller.seen, [0, 20]);
    assert.equal(loop.metrics.summary().rejectedMessages, 1);
    assert.equal(loop.metrics.summary().clockJumps, 0);
  });
});
