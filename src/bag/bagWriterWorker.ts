import { parentPort, workerData } from 'node:worker_threads';
import { BagWriter } from './BagWriter.js';
import type { BagFileWriterData, FromBagWriter, ToBagFileWriter } from './protocol.js';
import { writeEncodedBatch } from './writeBatch.js';

// Stage 2 of the recorder's pipeline: owns the MCAP writers; takes encoded batches from the
// encoder thread, chunks, compresses and writes them, and acknowledges each batch to the
// recorder (so a message counts as pending until it is in a file or failed).
const port = parentPort!;
const { options, port: encoded } = workerData as BagFileWriterData;
// More encoded batches than this waiting means this stage is behind: chunks are stored
// uncompressed until it catches up (compression is its costliest step).
const BEHIND_BATCHES = 2;
const post = (m: FromBagWriter): void => port.postMessage(m);
let failed = false;
const fail = (error: unknown): void => {
  if (failed) return;
  failed = true;
  const e = error as Error;
  post({ type: 'error', message: e.message, ...(e.stack === undefined ? {} : { stack: e.stack }) });
  encoded.close();
  port.close();
};

try {
  const writer = await BagWriter.create(options);
  let chain = Promise.resolve();
  // Batches received and not yet written.
  let waiting = 0;
  encoded.on('message', (m: ToBagFileWriter) => {
    if (m.type === 'encoded') waiting++;
    chain = chain
      .then(async () => {
        if (failed) return;
        if (m.type === 'encoded') {
          writer.behind = waiting > BEHIND_BATCHES;
          const failures = await writeEncodedBatch(writer, m.entries);
          waiting--;
          post({ type: 'done', count: m.count, failures: [...m.failures, ...failures] });
        } else {
          post({ type: 'closed', files: await writer.close() });
          encoded.close();
          port.close();
        }
      })
      .catch(fail);
  });
  post({ type: 'ready' });
} catch (error) {
  fail(error);
}
