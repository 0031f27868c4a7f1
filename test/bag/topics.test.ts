import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runs, valueOrNamedError } from '../property.js';
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

describe('bagTopicsFromMetadata properties', () => {
  const BUILTIN = new Set(Object.getOwnPropertyNames(Object.prototype));
  test('any topics metadata (a bag is outside input): topic roles, each a string, or a TypeError naming the bag', () => {
    const role = fc.oneof(fc.constantFrom(...Object.keys(DEFAULT_BAG_TOPICS), '__proto__', 'constructor', 'toString'), fc.string({ maxLength: 6 }));
    const text = fc.oneof(fc.dictionary(role, fc.oneof(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }))).map((d) => JSON.stringify(d)), fc.json({ maxDepth: 2 }), fc.string({ maxLength: 30 }));
    fc.assert(
      fc.property(text, (topics) => {
        const value = valueOrNamedError(() => bagTopicsFromMetadata({ topics }, '/bags/b1'), /^bag \/bags\/b1: its topics metadata /);
        if (value !== undefined) {
          assert.deepEqual(Object.keys(value).sort(), Object.keys(DEFAULT_BAG_TOPICS).sort());
          for (const v of Object.values(value)) assert.equal(typeof v, 'string');
        }
        assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).filter((k) => !BUILTIN.has(k)), []);
      }),
      runs(300),
    );
  });
});
