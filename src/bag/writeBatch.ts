import type { BagEntry, EncodedEntry } from './BagEntry.js';
import { encodeBagEntry } from './BagEntry.js';
import type { BagWriter } from './BagWriter.js';
import type { EntryFailure } from './protocol.js';

/**
 * Writes a batch in order. A message that cannot be encoded is reported and skipped (one bad
 * message must not end a recording); a failure to write the file ends it (thrown).
 */
export async function writeBatch(writer: BagWriter, entries: readonly BagEntry[]): Promise<EntryFailure[]> {
  const { encoded, failures } = encodeBatch(entries);
  failures.push(...(await writeEncodedBatch(writer, encoded)));
  return failures;
}

/** Encodes a batch (stage 1 of the recorder's pipeline); entries that cannot be encoded become failures. */
export function encodeBatch(entries: readonly BagEntry[]): { encoded: EncodedEntry[]; failures: EntryFailure[] } {
  const encoded: EncodedEntry[] = [];
  const failures: EntryFailure[] = [];
  for (const entry of entries) {
    try {
      encoded.push(encodeBagEntry(entry));
    } catch (error) {
      failures.push({ topic: entry.topic, message: (error as Error).message });
    }
  }
  return { encoded, failures };
}

/** Writes encoded entries in order (stage 2); a message the file refuses (a TypeError) becomes a failure. */
export async function writeEncodedBatch(writer: BagWriter, entries: readonly EncodedEntry[]): Promise<EntryFailure[]> {
  const failures: EntryFailure[] = [];
  for (const entry of entries) {
    try {
      await writer.writeEncoded(entry);
    } catch (error) {
      // A TypeError is about the message (e.g. a topic changing type); anything else is the file's.
      if (!(error instanceof TypeError)) throw error;
      failures.push({ topic: entry.topic, message: error.message });
    }
  }
  return failures;
}

/**
 * The buffers of encoded entries that can move to another thread instead of being copied:
 * those a message owns whole (a fresh CDR buffer). A view into a shared or pooled buffer
 * (protobufjs writes small records into a pooled slab) is left to be copied.
 */
export function transferables(entries: readonly EncodedEntry[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const { data } of entries) {
    if (data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) out.add(data.buffer);
  }
  return [...out];
}
