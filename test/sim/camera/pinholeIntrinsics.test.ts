import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pinholeIntrinsics } from '../../../src/sim/camera/index.js';

describe('pinholeIntrinsics', () => {
  test('fovy spans the image height edge to edge, pixel centres at integers', () => {
    const k = pinholeIntrinsics(80, 64, 90);
    assert.ok(Math.abs(k.fy - 32) < 1e-9, `fy ${k.fy}`);
    assert.equal(k.fx, k.fy);
    assert.equal(k.cx, 39.5);
    assert.equal(k.cy, 31.5);
    // The top edge of the top row (v = -0.5) is at the half angle.
    assert.ok(Math.abs(Math.atan((k.cy + 0.5) / k.fy) - Math.PI / 4) < 1e-12);
  });

  test('names the bad input', () => {
    assert.throws(() => pinholeIntrinsics(3.5, 4, 60), /positive integers, got 3.5x4/);
    assert.throws(() => pinholeIntrinsics(4, 4, 180), /fovyDeg must be in \(0, 180\), got 180/);
  });
});
