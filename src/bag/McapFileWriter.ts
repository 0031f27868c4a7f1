import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { McapWriter as EsmMcapWriter } from '@mcap/core';
import type { CompressChunk } from './compression.js';
import type { EncodedEntry, SchemaInfo } from './BagEntry.js';
import { FileWritable } from './FileWritable.js';
import type { WritableFile } from './FileWritable.js';

/**
 * McapWriter with native CRC32. McapWriter checksums every chunk twice (the uncompressed
 * records, then the chunk record for the data-section CRC) with @foxglove/crc, table-driven JS
 * that runs at about 0.5-1 GB/s here: 5-8 ms of each 30 Hz RGB-D + cloud frame on the writer
 * thread. Node's zlib.crc32 (20.15+) gives the same values several times faster. @mcap/core's
 * CommonJS build looks the CRC functions up on @foxglove/crc's exports at each call, so its
 * McapWriter uses zlib once those exports point at it; this thread's ESM copy (the readers) is
 * untouched. Without zlib.crc32 the ESM McapWriter is used as it is.
 */
const McapWriter: typeof EsmMcapWriter = (() => {
  const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  if (typeof native !== 'function') return EsmMcapWriter;
  const require = createRequire(import.meta.url);
  // @foxglove/crc keeps a running CRC inverted (crc32Init() is ~0, crc32Final(s) is ~s >>> 0).
  const crc = require('@foxglove/crc') as Record<string, unknown>;
  crc.crc32 = (data: Uint8Array): number => native(data);
  crc.crc32Update = (state: number, data: Uint8Array): number => ~native(data, ~state >>> 0);
  return (require('@mcap/core') as { McapWriter: typeof EsmMcapWriter }).McapWriter;
})();

export interface McapFileWriterOptions {
  /** MCAP header profile: `ros2` for rosbag2 files, '' for the agent's protobuf files. */
  readonly profile: string;
  readonly chunkBytes: number;
  readonly compressChunk?: CompressChunk;
  /** Channel metadata per message encoding (rosbag2 reads `offered_qos_profiles` on cdr channels). */
  readonly channelMetadata?: (topic: string, messageEncoding: string) => Map<string, string>;
  /** MCAP Metadata records written right after the header (name -> key/values). */
  readonly metadata?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Library string of the header. */
  readonly library?: string;
  /** Creates the file (failing if it exists); default node:fs/promises' open(path, 'wx'). Tests put a full disk here. */
  readonly openFile?: (path: string) => Promise<WritableFile>;
}

export interface TopicCount {
  readonly topic: string;
  readonly schemaName: string;
  readonly messageEncoding: string;
  readonly count: number;
}

/** What one closed file holds, for metadata.yaml and reports. */
export interface McapFileSummary {
  readonly path: string;
  readonly bytes: number;
  readonly messageCount: number;
  /** Nanoseconds; 0n when the file has no message. */
  readonly startTime: bigint;
  readonly endTime: bigint;
  readonly topics: readonly TopicCount[];
}

interface ChannelState {
  readonly id: number;
  readonly schemaName: string;
  readonly messageEncoding: string;
  sequence: number;
}

/**
 * One MCAP file written with @mcap/core's McapWriter: chunked, optionally compressed, with
 * message and chunk indexes, Statistics and summary offsets. Completed chunks are written to
 * the file as soon as they fill, so a crash loses at most the chunk being built. Calls must
 * be awaited one at a time (McapWriter's rule).
 */
export class McapFileWriter {
  readonly path: string;
  readonly #handle: WritableFile;
  readonly #writable: FileWritable;
  readonly #writer: EsmMcapWriter;
  readonly #options: McapFileWriterOptions;
  readonly #schemas = new Map<string, number>();
  readonly #channels = new Map<string, ChannelState>();
  readonly #counts = new Map<string, number>();
  #messages = 0;
  #start = 0n;
  #end = 0n;
  #closed: McapFileSummary | undefined;

  #failure: Error | undefined;
  /** The file handle is closed. */
  #released = false;

  private constructor(path: string, handle: WritableFile, options: McapFileWriterOptions) {
    this.path = path;
    this.#handle = handle;
    this.#options = options;
    this.#writable = new FileWritable(path, handle);
    this.#writer = new McapWriter({
      writable: this.#writable,
      chunkSize: options.chunkBytes,
      ...(options.compressChunk === undefined ? {} : { compressChunk: options.compressChunk }),
    });
  }

  /** Creates `path` (failing if it exists) and writes the header and metadata. */
  static async create(path: string, options: McapFileWriterOptions): Promise<McapFileWriter> {
    let handle: WritableFile;
    try {
      handle = await (options.openFile ?? ((p: string) => open(p, 'wx')))(path);
    } catch (error) {
      throw new Error(`bag: cannot create ${path}: ${(error as Error).message}`, { cause: error });
    }
    const file = new McapFileWriter(path, handle, options);
    try {
      await file.#writer.start({ profile: options.profile, library: options.library ?? 'jepa-agent' });
      for (const [name, values] of Object.entries(options.metadata ?? {})) {
        await file.#writer.addMetadata({ name, metadata: new Map(Object.entries(values)) });
      }
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
    return file;
  }

  /** Bytes written to the file so far (the chunk being built is not counted). */
  get bytes(): number {
    return Number(this.#writable.position());
  }

  get messageCount(): number {
    return this.#messages;
  }

  /** Log time of the earliest message, nanoseconds (0n before the first). */
  get startTime(): bigint {
    return this.#start;
  }

  /** Nanoseconds between the first and the last message. */
  get duration(): bigint {
    return this.#messages === 0 ? 0n : this.#end - this.#start;
  }

  async add(entry: EncodedEntry): Promise<void> {
    if (this.#closed !== undefined) throw new Error(`bag: ${this.path} is closed`);
    // After a failed write the writer's state is unknown: nothing more goes into the file.
    if (this.#failure !== undefined) throw this.#failure;
    const channel = await this.#channel(entry.topic, entry.schema, entry.messageEncoding);
    try {
      await this.#writer.addMessage({
        channelId: channel.id,
        sequence: entry.sequence ?? channel.sequence,
        logTime: entry.logTime,
        publishTime: entry.publishTime,
        data: entry.data,
      });
    } catch (error) {
      this.#failure = error as Error;
      throw error;
    }
    channel.sequence++;
    if (this.#messages === 0 || entry.logTime < this.#start) this.#start = entry.logTime;
    if (this.#messages === 0 || entry.logTime > this.#end) this.#end = entry.logTime;
    this.#messages++;
    this.#counts.set(entry.topic, (this.#counts.get(entry.topic) ?? 0) + 1);
  }

  /**
   * Writes the last chunk, the summary and the footer; idempotent. After a failed write only
   * the file is closed (what reached it stays as it is) and the failure is thrown again.
   */
  async close(): Promise<McapFileSummary> {
    if (this.#closed !== undefined) return this.#closed;
    try {
      if (this.#failure !== undefined) throw this.#failure;
      await this.#writer.end();
    } catch (error) {
      this.#failure = error as Error;
      throw error;
    } finally {
      if (!this.#released) {
        this.#released = true;
        await this.#handle.close();
      }
    }
    this.#closed = {
      path: this.path,
      bytes: this.bytes,
      messageCount: this.#messages,
      startTime: this.#start,
      endTime: this.#end,
      topics: [...this.#channels].map(([topic, c]) => ({ topic, schemaName: c.schemaName, messageEncoding: c.messageEncoding, count: this.#counts.get(topic) ?? 0 })),
    };
    return this.#closed;
  }

  async #channel(topic: string, schema: SchemaInfo, messageEncoding: string): Promise<ChannelState> {
    const existing = this.#channels.get(topic);
    if (existing !== undefined) {
      if (existing.schemaName !== schema.name || existing.messageEncoding !== messageEncoding) {
        throw new TypeError(
          `bag: topic ${topic} was recorded as ${existing.schemaName} (${existing.messageEncoding}), got a ${schema.name} (${messageEncoding}) message`,
        );
      }
      return existing;
    }
    const key = `${schema.encoding}:${schema.name}`;
    let schemaId = this.#schemas.get(key);
    if (schemaId === undefined) {
      schemaId = await this.#writer.registerSchema({ name: schema.name, encoding: schema.encoding, data: schema.data });
      this.#schemas.set(key, schemaId);
    }
    const metadata = this.#options.channelMetadata?.(topic, messageEncoding) ?? new Map<string, string>();
    const id = await this.#writer.registerChannel({ schemaId, topic, messageEncoding, metadata });
    const state: ChannelState = { id, schemaName: schema.name, messageEncoding, sequence: 0 };
    this.#channels.set(topic, state);
    return state;
  }
}
