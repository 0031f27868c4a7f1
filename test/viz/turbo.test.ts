import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { turbo } from '../../src/viz/index.js';

function colourOf(t: number): [number, number, number] {
  const out = new Uint8Array(3);
  turbo(t, out, 0);
  return [out[0], out[1], out[2]];
}

describe('turbo', () => {
  test('runs dark blue, through green, to dark red', () => {
    assert.ok(colourOf(0).every((c) => c < 60), `start ${colourOf(0)}`);
    const [rb, gb, bb] = colourOf(0.1);
    assert.ok(bb > 2 * rb && bb > gb, `blue ${colourOf(0.1)}`);
    const [r5, g5, b5] = colourOf(0.5);
    assert.ok(g5 > 200 && g5 > r5 && g5 > b5, `middle ${colourOf(0.5)}`);
    const [r1, g1, b1] = colourOf(1);
    assert.ok(r1 > 100 && r1 > 3 * g1 && r1 > 3 * b1, `end ${colourOf(1)}`);
  });

  test('clamps outside [0, 1] and writes at the offset', () => {
    assert.deepEqual(colourOf(-3), colourOf(0));
    assert.deepEqual(colourOf(7), colourOf(1));
    const out = new Uint8Array(6);
    turbo(0.5, out, 3);
    assert.deepEqual([...out.subarray(0, 3)], [0, 0, 0]);
    assert.deepEqual([...out.subarray(3)], colourOf(0.5));
  });
});
