import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Babbler } from '../../../src/agent/controllers/Babbler.js';
import { makeActionSpace } from '../../../src/core/Action.js';
import { Rng } from '../../../src/core/Rng.js';

const space = makeActionSpace('ee_delta', ['dx', 'dy', 'dz', 'gripper'], [-0.025, -0.025, -0.025, -1], [0.025, 0.025, 0.025, 1]);

test('babbling holds each random action for the configured ticks, inside the bounds', () => {
  const b = new Babbler(space, 3, new Rng(1));
  const actions = Array.from({ length: 12 }, () => b.next());
  for (let i = 0; i < 12; i += 3) {
    assert.deepEqual(actions[i], actions[i + 1]);
    assert.deepEqual(actions[i], actions[i + 2]);
  }
  assert.notDeepEqual(actions[0], actions[3]);
  for (const a of actions) a.forEach((v, k) => assert.ok(v >= space.low[k] && v <= space.high[k]));
});

test('babbling is reproducible from its seed and sweeps the action range', () => {
  const a = new Babbler(space, 1, new Rng(7));
  const b = new Babbler(space, 1, new Rng(7));
  const xs: number[] = [];
  for (let i = 0; i < 200; i++) {
    const va = a.next();
    assert.deepEqual(va, b.next());
    xs.push(va[0]);
  }
  assert.ok(Math.min(...xs) < -0.02 && Math.max(...xs) > 0.02);
});

test('a returned action is a copy: changing it does not change the next one', () => {
  const b = new Babbler(space, 2, new Rng(3));
  const first = b.next();
  const copy = Float32Array.from(first);
  first[0] = 99;
  assert.deepEqual(b.next(), copy);
});
