import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkNumber, checkPositions, checkVec3, indexBuffer } from '../../src/perception/checkInputs.js';

test('checks name the function and the field', () => {
  assert.throws(() => checkPositions('f', 'cloud.positions', new Float32Array(2), 1), /f: cloud.positions has 2 values, expected at least 3 \* count = 3/);
  assert.throws(() => checkPositions('f', 'p', new Float32Array(3), 1.5), /f: p count must be a non-negative integer, got 1.5/);
  assert.throws(() => checkVec3('f', 'box.max', [0, 0, Infinity]), /f: box.max\[2\] must be finite, got Infinity/);
  assert.throws(() => checkNumber('f', 'tolerance', NaN, 0), /f: tolerance must be in \[0, Infinity\], got NaN/);
  assert.throws(() => indexBuffer('f', new Int32Array(1), 2), /f: out must be an Int32Array of at least 2 entries, got 1/);
  assert.doesNotThrow(() => checkPositions('f', 'p', new Float32Array(6), 2));
  assert.equal(indexBuffer('f', undefined, 4).length, 4);
});
