import type { BagEntry } from './BagEntry.js';
import type { BagFileSummaries } from './BagWriter.js';

/** Messages from the recorder to its writer thread. */
export type ToBagWriter = { readonly type: 'entries'; readonly entries: readonly BagEntry[] } | { readonly type: 'close' };

/** Messages from the writer thread. */
export type FromBagWriter =
  | { readonly type: 'ready' }
  /** `count` entries of the oldest batch were handled (written or failed); `bytes` their queue cost. */
  | { readonly type: 'done'; readonly count: number; readonly failures: readonly EntryFailure[] }
  | { readonly type: 'closed'; readonly files: BagFileSummaries }
  | { readonly type: 'error'; readonly message: string; readonly stack?: string };

/** An entry that could not be encoded (a bad message); the recording goes on. */
export interface EntryFailure {
  readonly topic: string;
  readonly message: string;
}
