import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RobotShape } from '../../src/core/Observation.js';
import { quatFromAxisAngle, quatToMatrix } from '../../src/core/Pose.js';
import { filterRobotPoints } from '../../src/perception/index.js';
import { flatten } from './fixtures.js';

const I = [1, 0, 0, 0, 1, 0, 0, 0, 1];
/** 90 degrees about y: the shape's local z axis (the third column) becomes the frame's x axis. */
const ROT_Y = quatToMatrix(quatFromAxisAngle([0, 1, 0], Math.PI / 2));

function kept(points: number[][], shapes: RobotShape[], padding = 0): number[] {
  return Array.from(filterRobotPoints(flatten(points), shapes, padding));
}

test('a sphere removes the points inside it (padded) and keeps those outside', () => {
  const sphere: RobotShape = { kind: 'sphere', position: [1, 0, 0], rotation: I, size: [0.1] };
  const pts = [[1, 0, 0], [1.09, 0, 0], [1.11, 0, 0], [1, 0.2, 0]];
  assert.deepEqual(kept(pts, [sphere]), [2, 3]);
  assert.deepEqual(kept(pts, [sphere], 0.02), [3]);
});

test('a capsule along its rotated local z axis removes its cylinder and its end caps only', () => {
  // Axis rotated onto the frame's x axis: half length 0.2, radius 0.05, centre at the origin.
  const capsule: RobotShape = { kind: 'capsule', position: [0, 0, 0], rotation: ROT_Y, size: [0.05, 0.2] };
  const pts = [
    [0.19, 0.04, 0], // inside the cylinder part
    [0.24, 0, 0], // inside the end cap
    [0.24, 0.04, 0], // outside beside the cap
    [0, 0, 0.1], // beside the axis, outside
    [0, 0, 0.2], // on the unrotated axis: outside once rotated
  ];
  assert.deepEqual(kept(pts, [capsule]), [2, 3, 4]);
});

test('a rotated box removes points by its own axes', () => {
  const r = quatToMatrix(quatFromAxisAngle([0, 0, 1], Math.PI / 4));
  const box: RobotShape = { kind: 'box', position: [0.5, 0.5, 0], rotation: r, size: [0.2, 0.02, 0.05] };
  const d = Math.SQRT1_2;
  const pts = [
    [0.5 + 0.15 * d, 0.5 + 0.15 * d, 0], // along the long axis
    [0.5 + 0.15, 0.5, 0], // 0.106 across the thin axis: outside
    [0.5, 0.5, 0.06], // above
    [0.5, 0.5, 0.04],
  ];
  assert.deepEqual(kept(pts, [box]), [1, 2]);
  assert.deepEqual(kept(pts, [box], 0.015), [1], 'padding grows every half size');
});

test('several shapes: a point inside any is removed; no shapes keep everything', () => {
  const shapes: RobotShape[] = [
    { kind: 'sphere', position: [0, 0, 0], rotation: I, size: [0.1] },
    { kind: 'box', position: [1, 0, 0], rotation: I, size: [0.1, 0.1, 0.1] },
  ];
  const pts = [[0, 0, 0], [1, 0, 0], [0.5, 0, 0]];
  assert.deepEqual(kept(pts, shapes), [2]);
  assert.deepEqual(kept(pts, []), [0, 1, 2]);
  const withHeader = filterRobotPoints(flatten(pts), { stamp: { sec: 0, nanosec: 0 }, frameId: 'base_link', shapes }, 0);
  assert.deepEqual(Array.from(withHeader), [2]);
});

test('bad shapes name the shape and field', () => {
  const p = flatten([[0, 0, 0]]);
  assert.throws(() => filterRobotPoints(p, [{ kind: 'box', position: [0, 0, 0], rotation: I, size: [1, 1] }], 0), (e: Error) => e instanceof RangeError && /robotShapes.shapes\[0\].size must hold 3/.test(e.message));
  assert.throws(() => filterRobotPoints(p, [{ kind: 'sphere', position: [0, NaN, 0], rotation: I, size: [1] }], 0), /robotShapes.shapes\[0\].position must be 3 finite numbers/);
  assert.throws(() => filterRobotPoints(p, [{ kind: 'sphere', position: [0, 0, 0], rotation: [1], size: [1] }], 0), /shapes\[0\].rotation must be 9 finite numbers/);
  assert.throws(() => filterRobotPoints(p, [{ kind: 'cone' as 'box', position: [0, 0, 0], rotation: I, size: [1] }], 0), /shapes\[0\].kind must be sphere, capsule or box, got 'cone'/);
  assert.throws(() => filterRobotPoints(new Float32Array(4), [], 0), /positions must be a Float32Array of \[n, 3\], got 4 values/);
  assert.throws(() => filterRobotPoints(p, [], -0.1), /padding must be in/);
});
