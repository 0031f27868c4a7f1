import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { FromBagWriter, ToBagFileWriter, ToBagWriter } from './protocol.js';
import { encodeBatch, transferables } from './writeBatch.js';

// Stage 1 of the recorder's pipeline: converts core values with the shared ROS conversions
// and encodes them (CDR, protobuf), then hands the bytes to the writer thread (stage 2) by
// transfer, not copy. Encoding and compression then run on different cores.
const port = parentPort!;
const writer = (workerData as { port: MessagePort }).port;
const fail = (error: unknown): void => {
  const e = error as Error;
  const m: FromBagWriter = { type: 'error', message: `bag encoder: ${e.message}`, ...(e.stack === undefined ? {} : { stack: e.stack }) };
  port.postMessage(m);
  writer.close();
  port.close();
};

port.on('message', (m: ToBagWriter) => {
  try {
    if (m.type === 'entries') {
      const { encoded, failures } = encodeBatch(m.entries);
      const out: ToBagFileWriter = { type: 'encoded', count: m.entries.length, entries: encoded, failures };
      writer.postMessage(out, transferables(encoded));
    } else {
      const out: ToBagFileWriter = { type: 'close' };
      writer.postMessage(out);
      writer.close();
      port.close();
    }
  } catch (error) {
    fail(error);
  }
});
port.postMessage({ type: 'ready' } satisfies FromBagWriter);
