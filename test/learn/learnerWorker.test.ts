import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { before, test } from 'node:test';
import type { FromWorker, LearnerWorkerData, ToWorker } from '../../src/learn/protocol.js';
import { markedFrame, tinyConfig } from './fixtures.js';
import { TEST_BACKEND, useTestBackend } from '../backend.js';

const workerUrl = new URL('../../src/learn/learnerWorker.js', import.meta.url);

// This thread runs the workers' backend too, as every command runs its loop on its learner's:
// a worker alone on tfjs-node 4.22 makes the process crash (SIGSEGV) at exit, as Node unloads
// libtensorflow with the worker.
before(useTestBackend);

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
    assert.equal(ready.backend, TEST_BACKEND);
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

test('crash: the worker throws the message as an uncaught error and ends', async () => {
  const worker = new Worker(workerUrl, { workerData: { config: tinyConfig() } satisfies LearnerWorkerData });
  try {
    await next(worker, 'ready');
    const failed = new Promise<Error>((resolve) => worker.once('error', resolve));
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    worker.postMessage({ type: 'crash', message: 'injected fault' } satisfies ToWorker);
    assert.equal((await failed).message, 'injected fault');
    assert.equal(await exited, 1);
  } finally {
    await worker.terminate();
  }
});

test('the learner thread is niced below the loop, never above the process (Linux)', { skip: process.platform !== 'linux' && 'thread priorities are per thread on Linux only' }, async () => {
  const threadNices = (): number[] =>
    readdirSync('/proc/self/task').map((t) => Number(readFileSync(`/proc/self/task/${t}/stat`, 'utf8').split(') ')[1].split(' ')[16]));
  const own = getPriority(0);
  const before = new Set(readdirSync('/proc/self/task'));
  const worker = new Worker(workerUrl, { workerData: { config: tinyConfig('learn.workerNice=10') } satisfies LearnerWorkerData });
  try {
    await next(worker, 'ready');
    const learnerThreads = readdirSync('/proc/self/task').filter((t) => !before.has(t));
    const nices = learnerThreads.map((t) => Number(readFileSync(`/proc/self/task/${t}/stat`, 'utf8').split(') ')[1].split(' ')[16]));
    assert.ok(threadNices().every((n) => n >= own), `no thread above the process's niceness ${own}: ${threadNices().join(' ')}`);
    assert.ok(nices.includes(Math.max(own, 10)), `the learner thread at niceness ${Math.max(own, 10)}: ${nices.join(' ')}`);
  } finally {
    await worker.terminate();
  }
});
