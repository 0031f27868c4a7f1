import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { test } from 'node:test';
import type { FromWorker, LearnerWorkerData, ToWorker } from '../../src/learn/protocol.js';
import { markedFrame, tinyConfig } from './fixtures.js';

const workerUrl = new URL('../../src/learn/learnerWorker.js', import.meta.url);

/** The next message of `type` from the worker, or a rejection after `ms`. */
function next<T extends FromWorker['type']>(worker: Worker, type: T, ms = 30_000): Promise<Extract<FromWorker, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${type}' message from the worker within ${ms} ms`)), ms);
    const onMessage = (message: FromWorker): void => {
      if (message.type !== type) return;
      clearTimeout(timer);
      worker.off('message', onMessage);
      resolve(message as Extract<FromWorker, { type: T }>);
    };
    worker.on('message', onMessage);
  });
}

test('refuses to run on the main thread', async () => {
  await assert.rejects(import(workerUrl.href), /learnerWorker.js runs as a worker thread started by LearnerHost/);
});

test('speaks the protocol: ready, adds, a stats request, close', async () => {
  const config = tinyConfig('learn.minFrames=100');
  const workerData: LearnerWorkerData = { config };
  const worker = new Worker(workerUrl, { workerData });
  try {
    const ready = await next(worker, 'ready');
    assert.equal(ready.backend, 'wasm');
    assert.equal(ready.stats.steps, 0);
    const send = (message: ToWorker): void => worker.postMessage(message);
    for (let i = 0; i < 5; i++) send({ type: 'add', frame: markedFrame(config.model, i), action: new Float32Array(4), episode: 0 });
    const reply = next(worker, 'reply');
    send({ type: 'stats', id: 7 });
    const stats = await reply;
    assert.equal(stats.id, 7);
    assert.equal(stats.stats.framesAdded, 5);
    assert.equal(stats.stats.ready, false, 'below learn.minFrames nothing trains');
    const closed = next(worker, 'reply');
    send({ type: 'close', id: 8, checkpoint: false });
    assert.equal((await closed).id, 8);
  } finally {
    await worker.terminate();
  }
});
