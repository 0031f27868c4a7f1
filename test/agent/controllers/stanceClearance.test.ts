import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stanceClearance } from '../../../src/agent/controllers/stanceClearance.js';
import type { RobotShape } from '../../../src/core/index.js';

const IDENTITY = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/** A 4 cm cube resting on the table at (0.4, 0), sampled on its faces. */
function cube(): Float32Array {
  const values: number[] = [];
  for (let i = 0; i <= 4; i++) for (let j = 0; j <= 4; j++) {
    const a = -0.02 + 0.01 * i, b = -0.02 + 0.01 * j;
    values.push(0.4 + a, b, 0.04, 0.4 - 0.02, a, 0.02 + b, 0.4 + 0.02, a, 0.02 + b);
  }
  return Float32Array.from(values);
}

test('stanceClearance: the hand\'s shapes at the object\'s height, by their farthest reach about the tool, plus the object behind its middle and the margin', () => {
  const tool: [number, number, number] = [0.2, 0.1, 0.12];
  // A finger: a box 1 cm thick, 3 cm wide, 8 cm tall, its middle 3 cm beside the tool and 3 cm above it.
  const finger: RobotShape = { kind: 'box', position: [0.2, 0.13, 0.15], rotation: IDENTITY, size: [0.015, 0.005, 0.04] };
  // The wrist: a sphere 9 cm above the tool; the base: a box on the table 30 cm away.
  const wrist: RobotShape = { kind: 'sphere', position: [0.2, 0.1, 0.21], rotation: IDENTITY, size: [0.03] };
  const base: RobotShape = { kind: 'box', position: [0, 0, 0.03], rotation: IDENTITY, size: [0.07, 0.07, 0.03] };
  const middle: [number, number, number] = [0.4, 0, 0.02];
  const shapes = [finger, wrist, base];
  const clearance = stanceClearance(cube(), middle, [1, 0], shapes, tool, 0.02, 0.01, 0.12)!;
  // Behind the middle: 2 cm; the finger's farthest corner: (1.5, 3.5) cm from the tool's axis.
  const expected = 0.02 + Math.hypot(0.015, 0.035) + 0.01;
  assert.ok(Math.abs(clearance - expected) < 1e-6, `clearance ${clearance} vs ${expected}`);
  // Pushed diagonally, the cube reaches farther behind its middle (its corner): the clearance grows.
  const diagonal = stanceClearance(cube(), middle, [Math.SQRT1_2, Math.SQRT1_2], shapes, tool, 0.02, 0.01, 0.12)!;
  assert.ok(Math.abs(diagonal - (0.02 * Math.SQRT2 + Math.hypot(0.015, 0.035) + 0.01)) < 1e-6, `diagonal ${diagonal}`);
  // A capsule hanging 2 cm beside the tool counts by its radius too.
  const capsule: RobotShape = { kind: 'capsule', position: [0.2, 0.08, 0.14], rotation: IDENTITY, size: [0.01, 0.03] };
  assert.ok(Math.abs(stanceClearance(cube(), middle, [1, 0], [capsule], tool, 0.02, 0, 0.12)! - (0.02 + 0.03)) < 1e-6);
  // Without the finger nothing of the hand reaches the object's height there: no clearance to keep.
  assert.equal(stanceClearance(cube(), middle, [1, 0], [wrist, base], tool, 0.02, 0.01, 0.12), undefined);
  // Standing high enough above the object, the finger passes over it.
  assert.equal(stanceClearance(cube(), middle, [1, 0], shapes, tool, 0.2, 0.01, 0.12), undefined);
  assert.equal(stanceClearance(new Float32Array(0), middle, [1, 0], shapes, tool, 0.02, 0.01, 0.12), undefined, 'no object points');
});
