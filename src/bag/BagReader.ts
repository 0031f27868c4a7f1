import { existsSync, readdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { McapIndexedReader } from '@mcap/core';
import type { DecompressHandlers, McapTypes } from '@mcap/core';
import { FileHandleReadable } from '@mcap/nodejs';
import { loadDecompressors } from './compression.js';
import { McapScanner } from './McapScanner.js';
import type { McapProblem, ScannedMessage } from './McapScanner.js';

/** One message of a bag, as stored. */
export interface BagMessage {
  readonly topic: string;
  /** `pkg/msg/Type`, a protobuf full name, or '' when the channel's schema is missing. */
  readonly schemaName: string;
  readonly schemaEncoding: string;
  readonly schemaData: Uint8Array | undefined;
  /** `cdr` or `protobuf`. */
  readonly messageEncoding: string;
  /** Nanoseconds. */
  readonly logTime: bigint;
  readonly publishTime: bigint;
  readonly sequence: number;
  readonly data: Uint8Array;
  /** Index into `BagReader.files`. */
  readonly file: number;
  /** Byte offset in that file of the chunk (or record) it was read from, for messages that name where a problem is. */
  readonly chunkOffset: number;
}

export interface BagFile {
  readonly path: string;
  /** ROS files (profile ros2, cdr) or the agent's protobuf files. */
  readonly role: 'ros' | 'agent';
  readonly bytes: number;
  /** The summary and indexes read (a properly closed file); absent when damaged. */
  readonly summary?: McapIndexedReader;
  /** Why the indexed reader refused the file. */
  readonly indexError?: string;
  /** The `jepa_agent` Metadata record, read with the summary. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Why the metadata could not be read through the summary's index (it is then looked for by a scan). */
  readonly metadataError?: string;
}

export interface ReadOptions {
  readonly topics?: readonly string[];
  /** Nanoseconds, inclusive. */
  readonly startTime?: bigint;
  readonly endTime?: bigint;
}

/**
 * Reads a bag: a folder of MCAP files (the ROS files and the agent's files) or one .mcap
 * file. Messages of all files come out merged by log time (ties: agent files first, then
 * file order, then order in the file), so a replay is deterministic. Damaged files still
 * give every complete chunk; what was wrong is in `problems` once a read has finished.
 */
export class BagReader {
  readonly path: string;
  readonly files: readonly BagFile[];
  readonly decompressHandlers: DecompressHandlers;
  readonly #problems = new Map<string, McapProblem>();

  private constructor(path: string, files: BagFile[], decompressHandlers: DecompressHandlers) {
    this.path = path;
    this.files = files;
    this.decompressHandlers = decompressHandlers;
  }

  static async open(path: string): Promise<BagReader> {
    const full = resolve(path);
    if (!existsSync(full)) throw new Error(`bag: ${full} does not exist`);
    const paths = statSync(full).isDirectory() ? bagFilePaths(full) : [full];
    if (paths.length === 0) throw new Error(`bag: ${full} holds no .mcap file`);
    const decompressHandlers = await loadDecompressors();
    const files: BagFile[] = [];
    for (const p of paths) files.push(await openFile(p, decompressHandlers));
    // Agent files first: at equal log times their records (arm state, goal markers) precede the sensor messages they complete.
    files.sort((a, b) => (a.role === b.role ? 0 : a.role === 'agent' ? -1 : 1));
    return new BagReader(full, files, decompressHandlers);
  }

  /**
   * Problems found by reads so far (each once), plus files whose summary could not be read
   * when nothing else found explains it (a damaged summary in a file whose data is whole).
   */
  get problems(): readonly McapProblem[] {
    const found = [...this.#problems.values()];
    for (const f of this.files) {
      // A file written without a summary is valid MCAP (readable front to back), not a damaged one.
      if (f.indexError === undefined || /File is not indexed/.test(f.indexError) || found.some((p) => p.message.startsWith(f.path))) continue;
      found.push({ kind: 'bad-record', offset: 0, message: `${f.path}: its summary (indexes, statistics) cannot be read: ${f.indexError.replace(/ \[(library=[^\]]*|no header)\]$/, '')}`, lost: new Map() });
    }
    return found;
  }

  /** Throws an error listing every problem, after a full read. */
  assertIntact(): void {
    const problems = this.problems;
    if (problems.length > 0) {
      throw new Error(`bag ${this.path} is damaged (run \`jepa-agent bag repair\`):\n  ${problems.map((p) => p.message).join('\n  ')}`);
    }
  }

  /** Channels of every file, from their summaries or, for damaged files, a scan. */
  async channels(): Promise<Array<{ topic: string; schemaName: string; schemaEncoding: string; messageEncoding: string; file: number }>> {
    const out: Array<{ topic: string; schemaName: string; schemaEncoding: string; messageEncoding: string; file: number }> = [];
    for (const [i, f] of this.files.entries()) {
      let channels: ReadonlyMap<number, McapTypes.Channel>;
      let schemas: ReadonlyMap<number, McapTypes.Schema>;
      if (f.summary !== undefined) {
        channels = f.summary.channelsById;
        schemas = f.summary.schemasById;
      } else {
        const scanner = new McapScanner(f.path);
        for await (const _ of scanner.messages({ decompressHandlers: this.decompressHandlers, topics: new Set() })) {
          // only the channel definitions are wanted
        }
        this.#note(scanner.problems);
        channels = scanner.channels;
        schemas = scanner.schemas;
      }
      for (const c of channels.values()) {
        const s = schemas.get(c.schemaId);
        out.push({ topic: c.topic, schemaName: s?.name ?? '', schemaEncoding: s?.encoding ?? '', messageEncoding: c.messageEncoding, file: i });
      }
    }
    return out;
  }

  /** The `jepa_agent` MCAP Metadata record (robot, joint names...) of the first file that has one. */
  async metadata(): Promise<Readonly<Record<string, string>> | undefined> {
    for (const f of this.files) {
      if (f.metadata !== undefined) return f.metadata;
      if (f.summary === undefined || f.metadataError !== undefined) {
        const scanner = new McapScanner(f.path);
        const it = scanner.messages({ decompressHandlers: this.decompressHandlers, topics: new Set() });
        // The metadata record follows the header: reading the first records is enough.
        for await (const _ of it) break;
        const m = scanner.metadata.get('jepa_agent');
        if (m !== undefined) return Object.fromEntries(m);
      }
    }
    return undefined;
  }

  /** Messages of every file merged by log time. */
  async *messages(options: ReadOptions = {}): AsyncGenerator<BagMessage> {
    const topics = options.topics === undefined ? undefined : new Set(options.topics);
    const scanners = this.files.map((f) => new McapScanner(f.path));
    const streams = scanners.map((s, i) =>
      s.messages({
        decompressHandlers: this.decompressHandlers,
        ...(topics === undefined ? {} : { topics }),
        ...(options.startTime === undefined ? {} : { startTime: options.startTime }),
        ...(options.endTime === undefined ? {} : { endTime: options.endTime }),
        // A readable summary names every channel, even those whose chunk was lost.
        ...(this.files[i].summary === undefined ? {} : { channels: this.files[i].summary!.channelsById, schemas: this.files[i].summary!.schemasById }),
      }),
    );
    const heads: Array<ScannedMessage | undefined> = [];
    try {
      for (const s of streams) heads.push((await s.next()).value ?? undefined);
      for (;;) {
        let best = -1;
        for (let i = 0; i < heads.length; i++) {
          const h = heads[i];
          if (h !== undefined && (best < 0 || h.message.logTime < heads[best]!.message.logTime)) best = i;
        }
        if (best < 0) break;
        yield bagMessage(heads[best]!, best);
        heads[best] = (await streams[best].next()).value ?? undefined;
      }
    } finally {
      for (const s of streams) await s.return(undefined);
      for (const s of scanners) this.#note(s.problems);
    }
  }

  #note(problems: readonly McapProblem[]): void {
    for (const p of problems) this.#problems.set(p.message, p);
  }
}

/** The .mcap files of a bag folder: ROS files in split order, then the agent's. */
/** A message as the scanner read it from file `file` of a bag, as the reader hands it on. */
export function bagMessage({ channel, schema, message, chunkOffset }: ScannedMessage, file: number): BagMessage {
  return {
    topic: channel.topic,
    schemaName: schema?.name ?? '',
    schemaEncoding: schema?.encoding ?? '',
    schemaData: schema?.data,
    messageEncoding: channel.messageEncoding,
    logTime: message.logTime,
    publishTime: message.publishTime,
    sequence: message.sequence,
    data: message.data,
    file,
    chunkOffset,
  };
}

export function bagFilePaths(dir: string): string[] {
  const index = (f: string): number => Number(/_(\d+)\.mcap$/.exec(f)?.[1] ?? 0);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.mcap'))
    .sort((a, b) => index(a) - index(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((f) => join(dir, f));
}

/**
 * A readable that refuses reads past the end of the file before they happen: the indexed
 * reader takes offsets and lengths from the file (a metadata index, the summary start), and
 * FileHandleReadable allocates twice the length asked for before reading.
 */
class BoundedReadable implements McapTypes.IReadable {
  readonly #inner: McapTypes.IReadable;
  readonly #size: bigint;
  readonly #path: string;

  constructor(inner: McapTypes.IReadable, size: bigint, path: string) {
    this.#inner = inner;
    this.#size = size;
    this.#path = path;
  }

  size(): Promise<bigint> {
    return Promise.resolve(this.#size);
  }

  read(offset: bigint, length: bigint): Promise<Uint8Array> {
    if (offset < 0n || length < 0n || offset + length > this.#size) {
      return Promise.reject(new RangeError(`${this.#path}: a read of ${length} bytes at byte ${offset} runs past the end of the ${this.#size}-byte file (a damaged offset or length)`));
    }
    return this.#inner.read(offset, length);
  }
}

async function openFile(path: string, decompressHandlers: DecompressHandlers): Promise<BagFile> {
  const bytes = statSync(path).size;
  const handle = await open(path, 'r');
  let summary: McapIndexedReader | undefined;
  let indexError: string | undefined;
  let metadata: Record<string, string> | undefined;
  let metadataError: string | undefined;
  try {
    const readable = new BoundedReadable(new FileHandleReadable(handle), BigInt(bytes), path);
    try {
      summary = await McapIndexedReader.Initialize({ readable, decompressHandlers });
    } catch (error) {
      indexError = (error as Error).message;
    }
    try {
      // The Metadata record sits in the data section, which no CRC covers: a damaged one costs the metadata, not the summary.
      if (summary !== undefined) for await (const m of summary.readMetadata({ name: 'jepa_agent' })) metadata = Object.fromEntries(m.metadata);
    } catch (error) {
      metadata = undefined;
      metadataError = (error as Error).message;
    }
  } finally {
    // The summary is kept in memory; messages are read by the scanner through its own handle.
    await handle.close();
  }
  const role = summary !== undefined ? (summary.header.profile === 'ros2' ? 'ros' : 'agent') : /_agent_\d+\.mcap$/.test(basename(path)) ? 'agent' : 'ros';
  return {
    path,
    role,
    bytes,
    ...(summary === undefined ? {} : { summary }),
    ...(indexError === undefined ? {} : { indexError }),
    ...(metadata === undefined ? {} : { metadata }),
    ...(metadataError === undefined ? {} : { metadataError }),
  };
}
