import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { McapRecordBuilder, McapStreamReader, MCAP_MAGIC, Opcode } from '@mcap/core';
import type { DecompressHandlers, McapTypes } from '@mcap/core';

type Channel = McapTypes.Channel;
type Schema = McapTypes.Schema;
type Message = McapTypes.Message;

/** Something wrong in a file, with what it cost. */
export interface McapProblem {
  readonly kind: 'truncated' | 'corrupt-chunk' | 'bad-record' | 'unknown-channel';
  /** Byte offset of the record at fault. */
  readonly offset: number;
  readonly message: string;
  /** Messages lost per topic, when the file says (a corrupt chunk's message index). */
  readonly lost: ReadonlyMap<string, number>;
}

export interface ScannedMessage {
  readonly channel: Channel;
  readonly schema: Schema | undefined;
  readonly message: Message;
}

export interface ScanOptions {
  readonly decompressHandlers: DecompressHandlers;
  /** Only these topics (all when absent). */
  readonly topics?: ReadonlySet<string>;
  /** Nanoseconds, inclusive; chunks outside the range are skipped without decompressing. */
  readonly startTime?: bigint;
  readonly endTime?: bigint;
  /** Channels and schemas known from elsewhere (a readable summary), for chunks that lost theirs. */
  readonly channels?: ReadonlyMap<number, Channel>;
  readonly schemas?: ReadonlyMap<number, Schema>;
}

const RECORD_HEADER = 9;
const OPCODE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Opcode).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v, k]));

/**
 * Reads an MCAP file front to back and keeps going past damage: every complete, valid chunk
 * is read; a chunk with a bad CRC or bad contents is skipped whole (its message index tells
 * what it held); a file cut short (crash, kill -9, full disk) ends at the last complete
 * record. Each chunk is parsed by @mcap/core's McapStreamReader, fresh per record and primed
 * with the channels seen so far, so one bad chunk cannot derail the next. What went wrong is
 * in `problems`, each naming the byte offset and what was lost.
 */
export class McapScanner {
  readonly path: string;
  readonly problems: McapProblem[] = [];
  readonly schemas = new Map<number, Schema>();
  readonly channels = new Map<number, Channel>();
  header: McapTypes.Header | undefined;
  statistics: McapTypes.Statistics | undefined;
  /** MCAP Metadata records by name. */
  readonly metadata = new Map<string, ReadonlyMap<string, string>>();
  /** A footer was found: the file was closed properly. */
  complete = false;
  fileSize = 0;
  goodChunks = 0;
  badChunks = 0;
  /** Offset where the data went bad for good (truncation), else the file size. */
  validEnd = 0;

  constructor(path: string) {
    this.path = path;
  }

  /** Messages of every readable chunk, in file order; `problems` is complete once it ends. */
  async *messages(options: ScanOptions): AsyncGenerator<ScannedMessage> {
    for (const [id, s] of options.schemas ?? []) this.schemas.set(id, s);
    for (const [id, c] of options.channels ?? []) this.channels.set(id, c);
    let handle: FileHandle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      throw new Error(`bag: cannot open ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    try {
      this.fileSize = (await handle.stat()).size;
      const magic = await readAt(handle, 0, MCAP_MAGIC.length);
      if (magic.byteLength < MCAP_MAGIC.length || !MCAP_MAGIC.every((b, i) => magic[i] === b)) {
        throw new Error(`bag: ${this.path} is not an MCAP file (it does not start with the MCAP magic bytes)`);
      }
      let offset = MCAP_MAGIC.length;
      let corrupt: { offset: number; text: string; lost: Map<string, number> } | undefined;
      const flushCorrupt = (): void => {
        if (corrupt === undefined) return;
        const lostText = corrupt.lost.size === 0 ? 'its messages are lost' : `lost ${[...corrupt.lost].map(([t, n]) => `${n} on ${t}`).join(', ')}`;
        this.problems.push({ kind: 'corrupt-chunk', offset: corrupt.offset, message: `${this.path}: chunk at byte ${corrupt.offset}: ${corrupt.text}; ${lostText}`, lost: corrupt.lost });
        corrupt = undefined;
      };
      for (;;) {
        if (offset >= this.fileSize) break;
        const head = await readAt(handle, offset, RECORD_HEADER);
        if (head.byteLength < RECORD_HEADER) {
          this.#truncated(offset, `the file ends inside a record header at byte ${offset}`);
          break;
        }
        const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
        const opcode = view.getUint8(0);
        const length = view.getBigUint64(1, true);
        const end = offset + RECORD_HEADER + Number(length);
        if (length > BigInt(this.fileSize) || end > this.fileSize) {
          const what = OPCODE_NAMES[opcode] ?? `opcode 0x${opcode.toString(16)}`;
          let range = '';
          if (opcode === Opcode.CHUNK && this.fileSize - offset >= RECORD_HEADER + 16) {
            const t = await readAt(handle, offset + RECORD_HEADER, 16);
            const tv = new DataView(t.buffer, t.byteOffset, 16);
            range = ` (messages logged ${tv.getBigUint64(0, true)}..${tv.getBigUint64(8, true)} ns)`;
          }
          this.#truncated(offset, `a ${what} record at byte ${offset} needs ${end - offset} bytes but only ${this.fileSize - offset} remain${range}`);
          break;
        }
        if (opcode === Opcode.FOOTER) {
          flushCorrupt();
          this.complete = true;
          offset = end;
          break;
        }
        if (opcode !== Opcode.MESSAGE_INDEX) flushCorrupt();
        if (opcode === Opcode.CHUNK && (options.startTime !== undefined || options.endTime !== undefined)) {
          const t = await readAt(handle, offset + RECORD_HEADER, 16);
          const tv = new DataView(t.buffer, t.byteOffset, 16);
          const [first, last] = [tv.getBigUint64(0, true), tv.getBigUint64(8, true)];
          if ((options.endTime !== undefined && first > options.endTime) || (options.startTime !== undefined && last < options.startTime)) {
            offset = end;
            continue;
          }
        }
        const record = await readAt(handle, offset, end - offset);
        const parsed: ScannedMessage[] = [];
        try {
          for (const r of this.#parse(record, options.decompressHandlers)) {
            switch (r.type) {
              case 'Header':
                this.header = r;
                break;
              case 'Schema':
                this.schemas.set(r.id, r);
                break;
              case 'Channel':
                this.channels.set(r.id, r);
                break;
              case 'Statistics':
                this.statistics = r;
                break;
              case 'Metadata':
                this.metadata.set(r.name, r.metadata);
                break;
              case 'MessageIndex':
                if (corrupt !== undefined && r.records.length > 0) {
                  const topic = this.channels.get(r.channelId)?.topic ?? `channel ${r.channelId}`;
                  corrupt.lost.set(topic, (corrupt.lost.get(topic) ?? 0) + r.records.length);
                }
                break;
              case 'Message': {
                const channel = this.channels.get(r.channelId)!;
                if (options.topics !== undefined && !options.topics.has(channel.topic)) break;
                if (options.startTime !== undefined && r.logTime < options.startTime) break;
                if (options.endTime !== undefined && r.logTime > options.endTime) break;
                parsed.push({ channel, schema: this.schemas.get(channel.schemaId), message: r });
                break;
              }
              default:
                break;
            }
          }
          if (opcode === Opcode.CHUNK) this.goodChunks++;
        } catch (error) {
          const text = (error as Error).message.replace(/ \[(library=[^\]]*|no header)\]$/, '');
          if (opcode === Opcode.CHUNK) {
            this.badChunks++;
            corrupt = { offset, text, lost: new Map() };
          } else if (/without prior channel record/.test(text)) {
            this.problems.push({ kind: 'unknown-channel', offset, message: `${this.path}: record at byte ${offset}: ${text}`, lost: new Map() });
          } else {
            this.problems.push({ kind: 'bad-record', offset, message: `${this.path}: ${OPCODE_NAMES[opcode] ?? `opcode 0x${opcode.toString(16)}`} record at byte ${offset}: ${text}`, lost: new Map() });
          }
          offset = end;
          continue;
        }
        // A chunk's messages come out only once the whole chunk has parsed: all or nothing.
        for (const m of parsed) yield m;
        offset = end;
      }
      flushCorrupt();
      this.validEnd = this.problems.some((p) => p.kind === 'truncated') ? Math.min(...this.problems.filter((p) => p.kind === 'truncated').map((p) => p.offset)) : offset;
      if (!this.complete && !this.problems.some((p) => p.kind === 'truncated')) {
        this.#truncated(offset, `the file ends at byte ${offset} without a footer`);
      }
    } finally {
      await handle.close();
    }
  }

  #truncated(offset: number, what: string): void {
    this.problems.push({
      kind: 'truncated',
      offset,
      message: `${this.path} is truncated: ${what} (${this.fileSize - offset} bytes after the last complete record are unusable; summary and indexes missing)`,
      lost: new Map(),
    });
  }

  /** Records of one top-level record, through a fresh stream reader primed with the known channels. */
  *#parse(record: Uint8Array, decompressHandlers: DecompressHandlers): Generator<McapTypes.TypedMcapRecord> {
    const reader = new McapStreamReader({ noMagicPrefix: true, validateCrcs: true, decompressHandlers });
    if (this.channels.size > 0) {
      const primer = new McapRecordBuilder();
      for (const c of this.channels.values()) primer.writeChannel(c);
      reader.append(primer.buffer);
      for (let r = reader.nextRecord(); r !== undefined; r = reader.nextRecord()) {
        // primer records: already known
      }
    }
    reader.append(record);
    for (let r = reader.nextRecord(); r !== undefined; r = reader.nextRecord()) yield r;
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let read = 0;
  while (read < length) {
    const { bytesRead } = await handle.read(buffer, read, length - read, position + read);
    if (bytesRead === 0) break;
    read += bytesRead;
  }
  return read === length ? buffer : buffer.subarray(0, read);
}
