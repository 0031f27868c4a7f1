import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bagTopicsFromMetadata, DEFAULT_BAG_TOPICS } from '../../src/bag/topics.js';

describe('bagTopicsFromMetadata', () => {
  test('the defaults without topics metadata; named roles over the defaults otherwise', () => {
    assert.equal(bagTopicsFromMetadata({}, 'b'), DEFAULT_BAG_TOPICS);
    const topics = bagTopicsFromMetadata({ topics: JSON.stringify({ rgb: '/cam/image', goalDepth: '' }) }, 'b');
    assert.equal(topics.rgb, '/cam/image');
    assert.equal(topics.goalDepth, '');
    assert.equal(topics.jointStates, DEFAULT_BAG_TOPICS.jointStates);
  });

  test('metadata that is not JSON, not an object, names an unknown role or a non-string: errors that name the bag and the problem', () => {
    assert.throws(() => bagTopicsFromMetadata({ topics: '{rgb' }, '/bags/x'), /bag \/bags\/x: its topics metadata is not JSON/);
    assert.throws(() => bagTopicsFromMetadata({ topics: '[1]' }, 'x'), /not an object of role -> topic/);
    assert.throws(() => bagTopicsFromMetadata({ topics: '{"colour":"/c"}' }, 'x'), /unknown role 'colour' \(known: rgb, depth/);
    assert.throws(() => bagTopicsFromMetadata({ topics: '{"rgb":3}' }, 'x'), /gives role 'rgb' a number, expected a topic name/);
  });
});
