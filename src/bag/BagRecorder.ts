import { Worker } from 'node:worker_threads';
import { silentLogger, toNanoseconds } from '../core/index.js';
import type { Logger, Timestamp } from '../core/index.js';
import { payloadBytes } from './BagEntry.js';
import type { BagEntry } from './BagEntry.js';
import type { AgentRecordMap } from './agentRecords.js';
import { BagWriter } from './BagWriter.js';
import type { BagFileSummaries, BagWriterOptions } from './BagWriter.js';
import type { EntryFailure, FromBagWriter, ToBagWriter } from './protocol.js';
import { AGENT_TOPICS } from './topics.js';
import type { AgentTopic } from './topics.js';
import { writeBatch } from './writeBatch.js';

export interface BagRecorderOptions extends BagWriterOptions {
  /** Most bytes of messages handed over and not yet written; beyond it new messages are dropped. Default 256 MiB. */
  readonly maxQueueBytes?: number;
  /** Most messages handed over and not yet written. Default 4096. */
  readonly maxQueueMessages?: number;
  /** `worker` (default): a worker thread writes; `inline`: this thread, between ticks (tests, tools). */
  readonly thread?: 'worker' | 'inline';
  readonly logger?: Logger;
}

export interface TopicStats {
  /** Accepted into the queue. */
  queued: number;
  /** Refused because the queue was full. */
  dropped: number;
  /** Accepted but could not be encoded. */
  failed: number;
}

export interface BagRecorderStats {
  readonly queued: number;
  readonly written: number;
  readonly dropped: number;
  readonly failed: number;
  /** Messages and bytes waiting for the writer now. */
  readonly pendingMessages: number;
  readonly pendingBytes: number;
  readonly topics: Readonly<Record<string, Readonly<TopicStats>>>;
}

export interface BagRecording {
  readonly files: BagFileSummaries;
  readonly stats: BagRecorderStats;
}

interface Sink {
  post(entries: BagEntry[], transfer: ArrayBuffer[]): void;
  close(): Promise<BagFileSummaries>;
}

const DROP_LOG_EVERY = 100;

/**
 * Records messages into a bag without blocking its caller: `write` only enqueues (and
 * copies core values into the writer thread's message), a worker thread converts, encodes,
 * compresses and writes. The queue is bounded in messages and bytes; when it is full, the
 * new message is dropped, counted per topic, and logged (the first drop of a topic, then
 * every 100th), never silently. A message bigger than the whole queue is still accepted
 * when the queue is empty, so one large cloud cannot be refused forever.
 */
export class BagRecorder {
  readonly dir: string;
  readonly #sink: Sink;
  readonly #logger: Logger;
  readonly #maxBytes: number;
  readonly #maxMessages: number;
  readonly #topics = new Map<string, TopicStats>();
  /** Queue costs of the batches in flight, oldest first. */
  readonly #inFlight: Array<{ count: number; bytes: number }> = [];
  #batch: BagEntry[] = [];
  #batchBytes = 0;
  #transfer: ArrayBuffer[] = [];
  #flushScheduled = false;
  #pendingMessages = 0;
  #pendingBytes = 0;
  #written = 0;
  #closing: Promise<BagRecording> | undefined;
  #failure: Error | undefined;

  private constructor(dir: string, sink: Sink, options: BagRecorderOptions, logger: Logger) {
    this.dir = dir;
    this.#sink = sink;
    this.#logger = logger;
    this.#maxBytes = options.maxQueueBytes ?? 256 << 20;
    this.#maxMessages = options.maxQueueMessages ?? 4096;
  }

  static async start(options: BagRecorderOptions): Promise<BagRecorder> {
    const logger = (options.logger ?? silentLogger).child({ component: 'bag' });
    const { logger: _l, maxQueueBytes: _b, maxQueueMessages: _m, thread = 'worker', ...writerOptions } = options;
    // The sink reports to the recorder, which needs the sink to exist: tied through a holder.
    const holder: { recorder?: BagRecorder } = {};
    const onDone = (count: number, failures: readonly EntryFailure[]): void => holder.recorder!.#done(count, failures);
    const onError = (error: Error): void => holder.recorder!.#fail(error);
    const sink = thread === 'inline' ? await inlineSink(writerOptions, onDone, onError) : await workerSink(writerOptions, onDone, onError);
    const recorder = new BagRecorder(writerOptions.dir, sink, options, logger);
    holder.recorder = recorder;
    logger.info('recording', { dir: writerOptions.dir, thread, compression: writerOptions.compression ?? 'zstd' });
    return recorder;
  }

  /**
   * Enqueues one message; returns false when it was dropped (queue full) or the recorder
   * is closing. Core values in the payload are copied when the batch is posted (this tick),
   * so the caller may reuse them afterwards.
   */
  write(entry: BagEntry, transfer?: ArrayBuffer): boolean {
    if (this.#failure !== undefined) throw this.#failure;
    const stats = this.#stats(entry.topic);
    if (this.#closing !== undefined) {
      this.#drop(entry.topic, stats, 'the recorder is closing');
      return false;
    }
    const bytes = payloadBytes(entry.payload);
    const queued = this.#pendingMessages + this.#batch.length;
    const queuedBytes = this.#pendingBytes + this.#batchBytes;
    if (queued > 0 && (queued + 1 > this.#maxMessages || queuedBytes + bytes > this.#maxBytes)) {
      this.#drop(entry.topic, stats, `queue full (${queued} messages, ${(queuedBytes / 2 ** 20).toFixed(1)} MiB waiting)`);
      return false;
    }
    stats.queued++;
    this.#batch.push(entry);
    this.#batchBytes += bytes;
    if (transfer !== undefined) this.#transfer.push(transfer);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
    return true;
  }

  /**
   * Raw CDR bytes as a ROS 2 node received them (no decode, no re-encode). `data` is copied
   * unless `owned` says the recorder may take its buffer (then it must span its whole
   * ArrayBuffer, and the caller must not touch it again).
   */
  writeRaw(topic: string, type: string, logTime: bigint, data: Uint8Array, options: { schema?: string; publishTime?: bigint; owned?: boolean } = {}): boolean {
    const whole = options.owned === true && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
    const bytes = whole ? data : data.slice();
    return this.write(
      {
        topic,
        logTime,
        publishTime: options.publishTime ?? logTime,
        payload: { kind: 'cdr', type, data: bytes, ...(options.schema === undefined ? {} : { schema: options.schema }) },
      },
      bytes.buffer as ArrayBuffer,
    );
  }

  /** One of the agent's records, logged at its stamp. */
  writeAgent<T extends AgentTopic>(topic: T, record: AgentRecordMap[(typeof AGENT_TOPICS)[T]] & { readonly stamp: Timestamp }): boolean {
    const logTime = toNanoseconds(record.stamp);
    const type = AGENT_TOPICS[topic];
    return this.write({ topic, logTime, publishTime: logTime, payload: { kind: 'agent', type, record } as BagEntry['payload'] });
  }

  stats(): BagRecorderStats {
    let queued = 0;
    let dropped = 0;
    let failed = 0;
    const topics: Record<string, TopicStats> = {};
    for (const [t, s] of this.#topics) {
      queued += s.queued;
      dropped += s.dropped;
      failed += s.failed;
      topics[t] = { ...s };
    }
    return {
      queued,
      written: this.#written,
      dropped,
      failed,
      pendingMessages: this.#pendingMessages + this.#batch.length,
      pendingBytes: this.#pendingBytes + this.#batchBytes,
      topics,
    };
  }

  /** Writes what is queued, closes the files (summary, indexes, metadata.yaml). */
  close(): Promise<BagRecording> {
    this.#closing ??= (async () => {
      this.#flush();
      const files = await this.#sink.close();
      if (this.#failure !== undefined) throw this.#failure;
      const stats = this.stats();
      if (stats.dropped > 0) {
        const per = Object.entries(stats.topics).filter(([, s]) => s.dropped > 0).map(([t, s]) => `${t} ${s.dropped}`).join(', ');
        this.#logger.warn(`bag ${this.dir}: ${stats.dropped} messages dropped because the write queue was full (${per})`, { dropped: stats.dropped });
      }
      this.#logger.info('bag closed', { dir: this.dir, written: stats.written, dropped: stats.dropped, failed: stats.failed });
      return { files, stats };
    })();
    return this.#closing;
  }

  #stats(topic: string): TopicStats {
    let s = this.#topics.get(topic);
    if (s === undefined) {
      s = { queued: 0, dropped: 0, failed: 0 };
      this.#topics.set(topic, s);
    }
    return s;
  }

  #drop(topic: string, stats: TopicStats, why: string): void {
    stats.dropped++;
    if (stats.dropped === 1 || stats.dropped % DROP_LOG_EVERY === 0) {
      this.#logger.warn(`bag ${this.dir}: dropped a message on ${topic}: ${why} (${stats.dropped} dropped on this topic so far)`, { topic, dropped: stats.dropped });
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#batch.length === 0 || this.#failure !== undefined) return;
    const batch = this.#batch;
    const transfer = this.#transfer;
    this.#inFlight.push({ count: batch.length, bytes: this.#batchBytes });
    this.#pendingMessages += batch.length;
    this.#pendingBytes += this.#batchBytes;
    this.#batch = [];
    this.#transfer = [];
    this.#batchBytes = 0;
    this.#sink.post(batch, transfer);
  }

  #done(count: number, failures: readonly EntryFailure[]): void {
    const batch = this.#inFlight.shift();
    if (batch === undefined || batch.count !== count) {
      this.#fail(new Error(`bag ${this.dir}: writer acknowledged ${count} messages, expected ${batch?.count ?? 'none'}`));
      return;
    }
    this.#pendingMessages -= batch.count;
    this.#pendingBytes -= batch.bytes;
    this.#written += count - failures.length;
    for (const f of failures) {
      this.#stats(f.topic).failed++;
      this.#logger.error(`bag ${this.dir}: could not record a message on ${f.topic}: ${f.message}`, { topic: f.topic });
    }
  }

  #fail(error: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = new Error(`bag ${this.dir}: the writer failed: ${error.message}`, { cause: error });
    this.#logger.error(this.#failure.message);
  }
}

async function workerSink(options: BagWriterOptions, onDone: (count: number, failures: readonly EntryFailure[]) => void, onError: (e: Error) => void): Promise<Sink> {
  const worker = new Worker(new URL('./bagWriterWorker.js', import.meta.url), { workerData: options });
  let closed: ((files: BagFileSummaries) => void) | undefined;
  let closeFailed: ((e: Error) => void) | undefined;
  let exited = false;
  await new Promise<void>((resolve, reject) => {
    const early = (m: FromBagWriter): void => {
      worker.off('message', early);
      if (m.type === 'ready') resolve();
      else reject(new Error(m.type === 'error' ? m.message : `bag writer sent ${m.type} before ready`));
    };
    worker.on('message', early);
    worker.once('error', reject);
  });
  worker.on('message', (m: FromBagWriter) => {
    switch (m.type) {
      case 'done':
        onDone(m.count, m.failures);
        break;
      case 'closed':
        closed?.(m.files);
        break;
      case 'error': {
        const e = new Error(m.message);
        onError(e);
        closeFailed?.(e);
        break;
      }
      case 'ready':
        break;
    }
  });
  worker.on('error', (e) => {
    onError(e);
    closeFailed?.(e);
  });
  worker.on('exit', (code) => {
    exited = true;
    if (code !== 0) closeFailed?.(new Error(`bag writer thread exited with code ${code}`));
  });
  return {
    post: (entries, transfer) => {
      const m: ToBagWriter = { type: 'entries', entries };
      worker.postMessage(m, transfer);
    },
    close: () =>
      new Promise<BagFileSummaries>((resolve, reject) => {
        if (exited) {
          reject(new Error('bag writer thread is gone'));
          return;
        }
        closed = resolve;
        closeFailed = reject;
        const m: ToBagWriter = { type: 'close' };
        worker.postMessage(m);
      }),
  };
}

async function inlineSink(options: BagWriterOptions, onDone: (count: number, failures: readonly EntryFailure[]) => void, onError: (e: Error) => void): Promise<Sink> {
  const writer = await BagWriter.create(options);
  let chain = Promise.resolve();
  return {
    post: (entries) => {
      chain = chain
        .then(async () => onDone(entries.length, await writeBatch(writer, entries)))
        .catch((e: unknown) => onError(e as Error));
    },
    close: async () => {
      await chain;
      return writer.close();
    },
  };
}
