import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';
import { map } from 'rxjs';
import { synchronize } from '../../src/agent/synchronize.js';
import { toSeconds } from '../../src/core/Timestamp.js';
import { proprioAt, rgbAt, testSource } from './fixtures.js';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));

/** Each marble value is the message's own virtual time in ms. */
const at = (ms: number): number => ms;

test('pairs messages whose stamps lie within the slop, newest first', () => {
  scheduler().run(({ cold, expectObservable }) => {
    const rgb$ = cold('a 9ms b 9ms c|', { a: at(0), b: at(10), c: at(20) }).pipe(map(rgbAt));
    const proprio$ = cold('--x 9ms y 9ms z|', { x: at(2), y: at(12), z: at(22) }).pipe(map(proprioAt));
    const synced$ = synchronize(testSource({ rgb$, proprio$ }), { slopS: 0.005, required: ['rgb', 'proprio'] }).pipe(
      map((o) => `${toSeconds(o.rgb!.stamp) * 1000}/${toSeconds(o.proprio!.stamp) * 1000}`),
    );
    expectObservable(synced$).toBe('--a 9ms b 9ms c |', { a: '0/2', b: '10/12', c: '20/22' });
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

test('a required modality without a stream is a named error', () => {
  assert.throws(() => synchronize(testSource({}), { slopS: 0, required: ['points'] }), /required modality 'points' has no stream/);
});
