import { test } from 'node:test';
import assert from 'node:assert/strict';
import { removeSupportPlane } from '../../src/perception/index.js';
import { flatten } from './fixtures.js';

const TABLE = { normal: [0, 0, 1] as [number, number, number], offset: 0 };

test('removeSupportPlane drops the plane band, what is under it and what is above maxHeight', () => {
  const pts = flatten([
    [0, 0, 0], // on the plane
    [0, 0, 0.005], // within tolerance
    [0, 0, -0.3], // under the table
    [0, 0, 0.02], // object
    [0, 0, 0.12], // object top, at maxHeight
    [0, 0, 0.2], // the arm above
  ]);
  assert.deepEqual(Array.from(removeSupportPlane(pts, 6, TABLE, { tolerance: 0.006, maxHeight: 0.12 })), [3, 4]);
  assert.deepEqual(Array.from(removeSupportPlane(pts, 6, TABLE, { tolerance: 0.006, maxHeight: 0 })), [3, 4, 5], 'maxHeight 0: no upper limit');
  // A raised, tilted plane (y + z = 0.1 * sqrt(2)): heights are measured along its normal.
  const s = Math.SQRT1_2;
  const tilted = { normal: [0, s, s] as [number, number, number], offset: -0.1 };
  const onTilted = flatten([[0, 0.05, 0.05], [0, 0.0707, 0.0707], [0, 0.1, 0.1]]);
  assert.deepEqual(Array.from(removeSupportPlane(onTilted, 3, tilted, { tolerance: 0.01, maxHeight: 0 })), [2]);
});

test('removeSupportPlane names a bad plane', () => {
  assert.throws(
    () => removeSupportPlane(new Float32Array(3), 1, { normal: [0, 0, 2], offset: 0 }, { tolerance: 0.01, maxHeight: 0 }),
    (e: Error) => e instanceof RangeError && /plane.normal must be a finite unit vector/.test(e.message),
  );
  assert.throws(() => removeSupportPlane(new Float32Array(3), 1, TABLE, { tolerance: -1, maxHeight: 0 }), /tolerance must be in/);
});
