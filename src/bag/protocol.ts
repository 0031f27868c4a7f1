import type { MessagePort } from 'node:worker_threads';
import type { BagEntry, EncodedEntry } from './BagEntry.js';
import type { BagFileSummaries, BagWriterOptions } from './BagWriter.js';

/** Messages from the recorder to its encoder thread (stage 1 of the pipeline). */
export type ToBagWriter = { readonly type: 'entries'; readonly entries: readonly BagEntry[] } | { readonly type: 'close' };

/**
 * Messages from the encoder thread to the writer thread (stage 2), one `encoded` per batch
 * the recorder posted, in order: `count` is the batch's size, `failures` the entries that
 * could not be encoded (not in `entries`), so the writer's acknowledgement covers the batch.
 */
export type ToBagFileWriter =
  | { readonly type: 'encoded'; readonly count: number; readonly entries: readonly EncodedEntry[]; readonly failures: readonly EntryFailure[] }
  | { readonly type: 'close' };

/** What the writer thread starts from: the bag's options and its end of the encoder's channel. */
export interface BagFileWriterData {
  readonly options: BagWriterOptions;
  readonly port: MessagePort;
}

/** Messages from either thread to the recorder (`done` and `closed` come from the writer). */
export type FromBagWriter =
  | { readonly type: 'ready' }
  /** `count` entries of the oldest batch were handled (written or failed). */
  | { readonly type: 'done'; readonly count: number; readonly failures: readonly EntryFailure[] }
  | { readonly type: 'closed'; readonly files: BagFileSummaries }
  | { readonly type: 'error'; readonly message: string; readonly stack?: string };

/** An entry that could not be encoded (a bad message); the recording goes on. */
export interface EntryFailure {
  readonly topic: string;
  readonly message: string;
}
