import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toWorkerError } from '../../src/learn/protocol.js';

test('toWorkerError keeps the name, message and stack of an Error, and reads anything else as a message', () => {
  const err = new RangeError('bad size');
  assert.deepEqual(toWorkerError(err), { name: 'RangeError', message: 'bad size', stack: err.stack });
  assert.deepEqual(toWorkerError('plain'), { name: 'Error', message: 'plain' });
  assert.deepEqual(structuredClone(toWorkerError(err)), toWorkerError(err), 'survives the thread boundary');
});
