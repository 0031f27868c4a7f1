import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expandTopicName } from '../../../src/ros/index.js';

describe('expandTopicName', () => {
  test('expands private, relative and absolute names as rcl does', () => {
    assert.equal(expandTopicName('~/status', 'jepa_agent'), '/jepa_agent/status');
    assert.equal(expandTopicName('~/status', '/arm/jepa_agent'), '/arm/jepa_agent/status');
    assert.equal(expandTopicName('joint_states', '/arm/jepa_agent'), '/arm/joint_states');
    assert.equal(expandTopicName('joint_states', 'jepa_agent'), '/joint_states');
    assert.equal(expandTopicName('/estop', '/arm/jepa_agent'), '/estop');
    assert.throws(() => expandTopicName('', 'n'), /topic name is empty/);
  });
});
