import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tickLateness } from '../../src/agent/tickLateness.js';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Blocks the thread, as a training step on the control thread would.
  }
}

test('a blocked thread shows as tick lateness', async () => {
  let n = 0;
  // Every other tick blocks for 30 ms: the tick after it runs about 30 ms late.
  const lateness = await tickLateness(10, 300, () => {
    if (n++ % 2 === 0) busy(30);
  });
  assert.ok(lateness.length >= 5, `${lateness.length} ticks`);
  assert.ok(Math.max(...lateness) >= 20, `worst lateness ${Math.max(...lateness)} ms`);
  assert.ok(lateness.every((v) => v >= 0));
});

test('a period or duration that is not positive is an error', async () => {
  await assert.rejects(tickLateness(0, 100), /period and duration must be > 0 ms, got 0 and 100/);
  await assert.rejects(tickLateness(10, -1), /got 10 and -1/);
});
