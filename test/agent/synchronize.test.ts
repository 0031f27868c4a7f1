import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';
import { asyncScheduler, map } from 'rxjs';
import { synchronize } from '../../src/agent/synchronize.js';
import { toSeconds } from '../../src/core/Timestamp.js';
import { proprioAt, rgbAt, testSource } from './fixtures.js';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));

/** Each marble value is the message's own virtual time in ms. */
const at = (ms: number): number => ms;

test('pairs frames with the joint state of their own instant, interpolated between the joint states around it', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const rgb$ = cold('a 9ms b 9ms c|', { a: at(0), b: at(10), c: at(20) }).pipe(map(rgbAt));
    const proprio$ = cold('--x 9ms y 9ms z|', { x: at(2), y: at(12), z: at(22) }).pipe(map(proprioAt));
    const synced$ = synchronize(testSource({ rgb$, proprio$ }), { slopS: 0.005, required: ['rgb', 'proprio'] }).pipe(
      map((o) => `${toSeconds(o.rgb!.stamp) * 1000}/${toSeconds(o.proprio!.stamp) * 1000}`),
    );
    // 0 has no joint state before it: the closest within the slop (2); 10 and 20 lie between two.
    expectObservable(synced$).toBe('--a 9ms b 9ms c |', { a: '0/2', b: '10/10', c: '20/20' });
  });
});

test('emits nothing while a partner is further away than the slop', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const rgb$ = cold('a 19ms b|', { a: 0, b: 20 }).pipe(map(rgbAt));
    const proprio$ = cold('10ms x 19ms |', { x: 10 }).pipe(map(proprioAt));
    expectObservable(synchronize(testSource({ rgb$, proprio$ }), { slopS: 0.005, required: ['rgb', 'proprio'] })).toBe('30ms |');
  });
});

test('a late message never yields an observation older than one already emitted', () => {
  scheduler().run(({ cold, expectObservable }) => {
    // The proprio stamped 1 ms arrives after the set (10, 11) was emitted.
    const rgb$ = cold('a 9ms b 19ms |', { a: 0, b: 10 }).pipe(map(rgbAt));
    const proprio$ = cold('-- 9ms y 2ms x 9ms |', { y: 11, x: 1 }).pipe(map(proprioAt));
    const synced$ = synchronize(testSource({ rgb$, proprio$ }), { slopS: 0.005, required: ['rgb', 'proprio'] }).pipe(
      map((o) => toSeconds(o.stamp) * 1000),
    );
    expectObservable(synced$).toBe('11ms a 18ms |', { a: 11 });
  });
});

test('optional modalities are attached when in time and left out otherwise', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const proprio$ = cold('a 9ms b|', { a: 0, b: 10 }).pipe(map(proprioAt));
    const rgb$ = cold('-x 99ms |', { x: 1 }).pipe(map(rgbAt));
    const synced$ = synchronize(testSource({ rgb$, proprio$ }), { slopS: 0.005, required: ['proprio'], optional: ['rgb'] }).pipe(
      map((o) => (o.rgb ? 'with-rgb' : 'without-rgb')),
    );
    // At 0 ms no rgb yet; the rgb at 1 ms triggers nothing; at 10 ms it is 9 ms away: outside the slop.
    expectObservable(synced$).toBe('a 9ms b |', { a: 'without-rgb', b: 'without-rgb' });
  });
});

test('an optional message within the slop is attached', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const proprio$ = cold('a 9ms b|', { a: 0, b: 10 }).pipe(map(proprioAt));
    const rgb$ = cold('--------x 99ms |', { x: 8 }).pipe(map(rgbAt));
    const synced$ = synchronize(testSource({ rgb$, proprio$ }), { slopS: 0.005, required: ['proprio'], optional: ['rgb'] }).pipe(
      map((o) => (o.rgb ? 'with-rgb' : 'without-rgb')),
    );
    expectObservable(synced$).toBe('a 9ms b |', { a: 'without-rgb', b: 'with-rgb' });
  });
});

test('unsubscribing releases every input stream', () => {
  scheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
    const rgb = hot('a-b-c-d', { a: 0, b: 2, c: 4, d: 6 });
    const proprio = hot('a-b-c-d', { a: 0, b: 2, c: 4, d: 6 });
    const synced$ = synchronize(testSource({ rgb$: rgb.pipe(map(rgbAt)), proprio$: proprio.pipe(map(proprioAt)) }), {
      slopS: 0,
      required: ['rgb', 'proprio'],
    }).pipe(map(() => 's'));
    expectObservable(synced$, '^--!').toBe('s-s');
    expectSubscriptions(rgb.subscriptions).toBe('^--!');
    expectSubscriptions(proprio.subscriptions).toBe('^--!');
  });
});

test('a frame that leads its joint state waits for the joint state of its instant', () => {
  scheduler().run(({ cold, expectObservable }) => {
    // The robot publishes the image first: each joint state arrives 3 ms after the frame of its instant.
    const rgb$ = cold('a 49ms b 49ms c|', { a: 0, b: 50, c: 100 }).pipe(map(rgbAt));
    const proprio$ = cold('---x 49ms y 49ms z|', { x: 0, y: 50, z: 100 }).pipe(map(proprioAt));
    const synced$ = synchronize(testSource({ rgb$, proprio$ }), { slopS: 0.05, required: ['rgb', 'proprio'], waitS: 0.02, scheduler: asyncScheduler }).pipe(
      map((o) => `${toSeconds(o.rgb!.stamp) * 1000}/${toSeconds(o.proprio!.stamp) * 1000}/${o.proprio!.positions[0]}`),
    );
    // Without waiting, 50 would have paired with the joint state of 0 (within the 50 ms slop).
    expectObservable(synced$).toBe('---a 49ms b 49ms c |', { a: '0/0/0', b: '50/50/50', c: '100/100/100' });
  });
});

test('interpolates positions between the joint states around the frame, at the frame stamp', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const proprio$ = cold('x 19ms y 29ms |', { x: 0, y: 20 }).pipe(map(proprioAt));
    const rgb$ = cold('-- 23ms a 29ms |', { a: 5 }).pipe(map(rgbAt));
    const synced$ = synchronize(testSource({ rgb$, proprio$ }), { slopS: 0.01, required: ['rgb', 'proprio'] }).pipe(
      map((o) => `${toSeconds(o.proprio!.stamp) * 1000}/${o.proprio!.positions[0]}/${o.proprio!.stamp === o.rgb!.stamp}`),
    );
    // A late frame (stamp 5, arriving at 25) finds 0 and 20 around it: 5/20 of the way.
    expectObservable(synced$).toBe('-- 23ms a 29ms |', { a: '5/5/true' });
  });
});

test('after waiting its bound, a frame takes the closest joint state within the slop, which keeps its own stamp', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const proprio$ = cold('x 99ms |', { x: 0 }).pipe(map(proprioAt));
    const rgb$ = cold('-- 28ms a 69ms |', { a: 30 }).pipe(map(rgbAt));
    const synced$ = synchronize(testSource({ rgb$, proprio$ }), { slopS: 0.05, required: ['rgb', 'proprio'], waitS: 0.01, scheduler: asyncScheduler }).pipe(
      map((o) => `${toSeconds(o.rgb!.stamp) * 1000}/${toSeconds(o.proprio!.stamp) * 1000}`),
    );
    expectObservable(synced$).toBe('-- 38ms a 59ms |', { a: '30/0' });
  });
});

test('a newer frame replaces one still waiting for its joint state', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const rgb$ = cold('a 9ms b 29ms |', { a: 0, b: 10 }).pipe(map(rgbAt));
    const proprio$ = cold('-- 9ms y 29ms |', { y: 12 }).pipe(map(proprioAt));
    const synced$ = synchronize(testSource({ rgb$, proprio$ }), { slopS: 0.005, required: ['rgb', 'proprio'] }).pipe(
      map((o) => `${toSeconds(o.rgb!.stamp) * 1000}/${toSeconds(o.proprio!.stamp) * 1000}`),
    );
    expectObservable(synced$).toBe('-- 9ms a 29ms |', { a: '10/12' });
  });
});

test('an optional joint state: frames go on without one when none flows, and are never held without a bound', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const rgb$ = cold('a 9ms b 9ms c |', { a: 0, b: 10, c: 20 }).pipe(map(rgbAt));
    const proprio$ = cold('---------- 5ms x 99ms |', { x: 3 }).pipe(map(proprioAt));
    const synced$ = synchronize(testSource({ rgb$, proprio$ }), { slopS: 0.01, required: ['rgb'], optional: ['proprio'] }).pipe(
      map((o) => `${toSeconds(o.rgb!.stamp) * 1000}/${o.proprio === undefined ? '-' : toSeconds(o.proprio.stamp) * 1000}`),
    );
    // 0 and 10 come before any joint state; 20 finds the one of 3, too old for the slop, and no bound to wait with.
    expectObservable(synced$).toBe('a 9ms b 9ms c |', { a: '0/-', b: '10/-', c: '20/-' });
  });
});

test('a required modality without a stream is a named error', () => {
  assert.throws(() => synchronize(testSource({}), { slopS: 0, required: ['points'] }), /required modality 'points' has no stream/);
});

test('a clock that jumps back: reported once, the buffers start afresh, and sets go on at the new time', () => {
  const jumps: string[] = [];
  scheduler().run(({ cold, expectObservable }) => {
    // Stamps (ms) 5000 and 5010, then the clock restarts near 0 (a simulation reset, a bag that loops).
    const stamps = { a: 5000, b: 5010, c: 20, d: 30 };
    const rgb$ = cold('a 9ms b 9ms c 9ms d 9ms |', stamps).pipe(map(rgbAt));
    const proprio$ = cold('a 9ms b 9ms c 9ms d 9ms |', stamps).pipe(map(proprioAt));
    const synced$ = synchronize(testSource({ rgb$, proprio$ }), {
      slopS: 0.005,
      required: ['rgb', 'proprio'],
      onClockJump: (j) => jumps.push(`${j.modality} ${j.fromS} -> ${j.toS}`),
    }).pipe(map((o) => toSeconds(o.stamp) * 1000));
    // Without the reset, 20 and 30 would wait until the stamps passed 5010.
    expectObservable(synced$).toBe('a 9ms b 9ms c 9ms d 9ms |', stamps);
  });
  // The stream that went back first reports it; the other's next message finds the buffers fresh.
  assert.deepEqual(jumps, ['rgb 5.01 -> 0.02']);
});

test('a stamp older than the newest of its stream by less than jumpBackS is a late message, not a jump', () => {
  const jumps: string[] = [];
  scheduler().run(({ cold, expectObservable }) => {
    const rgb$ = cold('a 9ms b 9ms c|', { a: 1000, b: 1010, c: 500 }).pipe(map(rgbAt));
    const proprio$ = cold('a 9ms b 9ms c|', { a: 1000, b: 1010, c: 500 }).pipe(map(proprioAt));
    const synced$ = synchronize(testSource({ rgb$, proprio$ }), { slopS: 0.005, required: ['rgb', 'proprio'], onClockJump: (j) => jumps.push(j.modality) }).pipe(
      map((o) => toSeconds(o.stamp) * 1000),
    );
    expectObservable(synced$).toBe('a 9ms b 10ms |', { a: 1000, b: 1010 });
  });
  assert.deepEqual(jumps, []);
});
