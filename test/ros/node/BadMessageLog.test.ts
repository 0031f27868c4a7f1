import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BadMessageLog } from '../../../src/ros/node/index.js';
import { recordingLogger } from './fixtures.js';

describe('BadMessageLog', () => {
  test('counts every bad message per topic and logs at most once per interval, saying how many it held back', () => {
    let now = 0;
    const logger = recordingLogger();
    const log = new BadMessageLog(logger, { intervalMs: 1000, now: () => now });
    for (let i = 0; i < 5; i++) log.record('/a', new RangeError(`bad ${i}`));
    log.record('/b', 'odd');
    assert.deepEqual(log.counts(), { '/a': 5, '/b': 1 });
    assert.equal(log.count(), 6);
    assert.deepEqual(logger.lines.map((l) => l.message), ['bad message on /a, skipped: bad 0', 'bad message on /b, skipped: odd']);
    now = 1500;
    log.record('/a', new Error('bad 5'));
    assert.equal(logger.lines.length, 3);
    assert.equal(logger.lines[2].level, 'error');
    assert.equal(log.count('/a'), 6);
  });
});
