import { parentPort, workerData } from 'node:worker_threads';
import { BagWriter } from './BagWriter.js';
import type { BagWriterOptions } from './BagWriter.js';
import { writeBatch } from './writeBatch.js';
import type { FromBagWriter, ToBagWriter } from './protocol.js';

// The recorder's writer thread: owns the MCAP writers, converts, encodes, compresses and
// writes, so none of that runs on the control thread.
const port = parentPort!;
const BEHIND_BATCHES = 3;
const post = (m: FromBagWriter): void => port.postMessage(m);

try {
  const writer = await BagWriter.create(workerData as BagWriterOptions);
  let chain = Promise.resolve();
  // Batches received and not yet written: more than a couple means the writer is behind.
  let waiting = 0;
  port.on('message', (m: ToBagWriter) => {
    if (m.type === 'entries') waiting++;
    chain = chain.then(async () => {
      if (m.type === 'entries') {
        writer.behind = waiting > BEHIND_BATCHES;
        const failures = await writeBatch(writer, m.entries);
        waiting--;
        post({ type: 'done', count: m.entries.length, failures });
      } else {
        post({ type: 'closed', files: await writer.close() });
        port.close();
      }
    }).catch((error: unknown) => {
      const e = error as Error;
      post({ type: 'error', message: e.message, ...(e.stack === undefined ? {} : { stack: e.stack }) });
      port.close();
    });
  });
  post({ type: 'ready' });
} catch (error) {
  const e = error as Error;
  post({ type: 'error', message: e.message, ...(e.stack === undefined ? {} : { stack: e.stack }) });
  port.close();
}
