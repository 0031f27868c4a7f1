import type { BagEntry } from './BagEntry.js';
import { encodeBagEntry } from './BagEntry.js';
import type { BagWriter } from './BagWriter.js';
import type { EntryFailure } from './protocol.js';

/**
 * Writes a batch in order. A message that cannot be encoded is reported and skipped (one bad
 * message must not end a recording); a failure to write the file ends it (thrown).
 */
export async function writeBatch(writer: BagWriter, entries: readonly BagEntry[]): Promise<EntryFailure[]> {
  const failures: EntryFailure[] = [];
  for (const entry of entries) {
    let encoded;
    try {
      encoded = encodeBagEntry(entry);
    } catch (error) {
      failures.push({ topic: entry.topic, message: (error as Error).message });
      continue;
    }
    try {
      await writer.writeEncoded(encoded);
    } catch (error) {
      // A TypeError is about the message (e.g. a topic changing type); anything else is the file's.
      if (!(error instanceof TypeError)) throw error;
      failures.push({ topic: entry.topic, message: error.message });
    }
  }
  return failures;
}
