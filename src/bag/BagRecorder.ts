import { MessageChannel, Worker } from 'node:worker_threads';
import type { WorkerOptions } from 'node:worker_threads';
import { silentLogger, toNanoseconds } from '../core/index.js';
import type { Logger, Timestamp } from '../core/index.js';
import { payloadBytes } from './BagEntry.js';
import type { BagEntry } from './BagEntry.js';
import type { AgentRecordMap } from './agentRecords.js';
import { BagWriter } from './BagWriter.js';
import type { BagFileSummaries, BagWriterOptions } from './BagWriter.js';
import type { BagFileWriterData, EntryFailure, FromBagWriter, ToBagWriter } from './protocol.js';
import { AGENT_TOPICS } from './topics.js';
import type { AgentTopic } from './topics.js';
import { writeBatch } from './writeBatch.js';

export interface BagRecorderOptions extends BagWriterOptions {
  /** Most bytes of messages handed over and not yet written; beyond it new messages are dropped. Default 256 MiB. */
  readonly maxQueueBytes?: number;
  /** Most messages handed over and not yet written. Default 4096. */
  readonly maxQueueMessages?: number;
  /**
   * `worker` (default): two worker threads as a pipeline (one converts and encodes, one
   * compresses and writes); `inline`: this thread, between ticks (tests, tools).
   */
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
 * copies core values into the worker's message); one worker thread converts and encodes,
 * a second compresses and writes (a pipeline, so the two costliest steps use both cores). The queue is bounded in messages and bytes; when it is full, the
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
    if (writerOptions.openFile !== undefined && thread !== 'inline') throw new Error("bag: openFile reaches the writer only with thread 'inline' (functions cannot cross to a worker thread)");
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
      let files: BagFileSummaries;
      try {
        files = await this.#sink.close();
      } catch (error) {
        // The writer's first failure is the one that says what happened (closing only repeats it).
        throw this.#failure ?? error;
      }
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

/** Starts a worker thread and waits for its `ready` (or its first error). */
async function startWorker(file: string, options: WorkerOptions): Promise<Worker> {
  const worker = new Worker(new URL(file, import.meta.url), options);
  // Only this function's own listeners are removed afterwards: Worker keeps internal ones.
  let early: ((m: FromBagWriter) => void) | undefined;
  let failed: ((e: Error) => void) | undefined;
  let exited: ((code: number) => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      early = (m) => {
        if (m.type === 'ready') resolve();
        else reject(new Error(m.type === 'error' ? m.message : `bag ${file} sent ${m.type} before ready`));
      };
      failed = reject;
      exited = (code) => reject(new Error(`bag ${file} exited with code ${code} before it was ready`));
      worker.on('message', early);
      worker.on('error', failed);
      worker.on('exit', exited);
    });
  } catch (error) {
    await worker.terminate();
    throw error;
  } finally {
    worker.off('message', early!);
    worker.off('error', failed!);
    worker.off('exit', exited!);
  }
  return worker;
}

/**
 * Two threads as a pipeline: the encoder converts and encodes each batch and transfers the
 * bytes to the writer, which chunks, compresses, writes and acknowledges the batch here.
 * Either failing fails the recording (and stops both).
 */
async function workerSink(options: BagWriterOptions, onDone: (count: number, failures: readonly EntryFailure[]) => void, onError: (e: Error) => void): Promise<Sink> {
  const channel = new MessageChannel();
  const writerData: BagFileWriterData = { options, port: channel.port2 };
  let writer: Worker;
  let encoder: Worker;
  try {
    writer = await startWorker('./bagWriterWorker.js', { workerData: writerData, transferList: [channel.port2] });
  } catch (error) {
    channel.port1.close();
    throw error;
  }
  try {
    encoder = await startWorker('./bagEncoderWorker.js', { workerData: { port: channel.port1 }, transferList: [channel.port1] });
  } catch (error) {
    await writer.terminate();
    throw error;
  }
  let closed: ((files: BagFileSummaries) => void) | undefined;
  let closeFailed: ((e: Error) => void) | undefined;
  let failure: Error | undefined;
  let finished = false;
  let closing = false;
  const failed = (e: Error): void => {
    if (failure !== undefined || finished) return;
    failure = e;
    onError(e);
    closeFailed?.(e);
    void encoder.terminate();
    void writer.terminate();
  };
  const onMessage = (m: FromBagWriter): void => {
    switch (m.type) {
      case 'done':
        onDone(m.count, m.failures);
        break;
      case 'closed':
        finished = true;
        closed?.(m.files);
        break;
      case 'error':
        failed(new Error(m.message));
        break;
      case 'ready':
        break;
    }
  };
  for (const [worker, name] of [[encoder, 'encoder'], [writer, 'writer']] as const) {
    worker.on('message', onMessage);
    worker.on('error', failed);
    worker.on('exit', (code) => {
      // The encoder ends normally once it has passed `close` on; the writer once it has closed the files.
      const normal = code === 0 && (name === 'encoder' ? closing : finished);
      if (!normal && !finished) failed(new Error(`bag ${name} thread exited (code ${code}) before the bag was closed`));
    });
  }
  return {
    post: (entries, transfer) => {
      const m: ToBagWriter = { type: 'entries', entries };
      encoder.postMessage(m, transfer);
    },
    close: () =>
      new Promise<BagFileSummaries>((resolve, reject) => {
        if (failure !== undefined) {
          reject(failure);
          return;
        }
        closed = resolve;
        closeFailed = reject;
        closing = true;
        const m: ToBagWriter = { type: 'close' };
        encoder.postMessage(m);
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
