import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';
import { map, timer } from 'rxjs';
import { controlLoop } from '../../src/agent/controlLoop.js';
import type { LoopEvent } from '../../src/agent/controlLoop.js';
import type { Controller, Decision } from '../../src/agent/Controller.js';
import { agentConfigSchema } from '../../src/core/config/agentConfig.js';
import type { Observation } from '../../src/core/Observation.js';
import { toSeconds } from '../../src/core/Timestamp.js';
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
