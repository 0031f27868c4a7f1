import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRobotConfig } from '../../../src/core/config/robotConfig.js';
import { DEFAULT_SPREAD, defaultSpread } from '../../../src/eval/crossmodal/armPoses.js';

test('the default pose spread: ours for our arm, one value per joint for another arm', () => {
  assert.deepEqual(defaultSpread(defaultRobotConfig()), DEFAULT_SPREAD);
  const other = defaultSpread({ mjcf: '/robots/panda.xml', joints: ['j1', 'j2', 'j3', 'j4', 'j5', 'j6', 'j7'] });
  assert.equal(other.length, 7);
  assert.ok(other.every((s) => s > 0 && s < Math.PI));
});
