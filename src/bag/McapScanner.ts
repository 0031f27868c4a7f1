import { open } from 'node:fs/promises';
import zlib from 'node:zlib';
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
  /** Byte offset of the top-level record it came in (its chunk), for messages that name where a problem is. */
  readonly chunkOffset: number;
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
// A Chunk record's fixed fields: message start and end times, uncompressed size, CRC, the
// compression string's length and the records' length.
const CHUNK_FIXED = 8 + 8 + 8 + 4 + 4 + 8;
const FOOTER_RECORD = RECORD_HEADER + 8 + 8 + 4;
// How far the search for the next chunk after damage reads at a time.
const SEARCH_BLOCK = 1 << 16;
const OPCODE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Opcode).filter(([k, v]) => typeof v === 'number' && k !== 'MIN' && k !== 'MAX').map(([k, v]) => [v, k]));

/**
 * Reads an MCAP file front to back and keeps going past damage: every complete, valid chunk
 * is read; a chunk with a bad CRC or bad contents is skipped whole (its message index tells
 * what it held); a file cut short (crash, kill -9, full disk) ends at the last complete
 * record. Each chunk is parsed by @mcap/core's McapStreamReader, fresh per record and primed
 * with the channels seen so far, so one bad chunk cannot derail the next. A damaged record
 * header (an opcode that is none, a length past the end of the file or into the next
 * records) would put every later record out of reach: the scan then looks for the next
 * chunk that parses (and passes its CRC) after the last record boundary it trusted, and goes
 * on from there; only when none follows is the file taken as cut short. Channels and schemas
 * given in the options (a summary, which its CRC protects) win over different copies in the
 * data section, which nothing protects. What went wrong is in `problems`, each naming the
 * byte offset and what was lost.
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
    let givenSchemas = options.schemas;
    let givenChannels = options.channels;
    let handle: FileHandle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      throw new Error(`bag: cannot open ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    try {
      this.fileSize = (await handle.stat()).size;
      // Without channels from elsewhere, the file's own summary (when its CRC holds) names them:
      // the chunk that first defined a channel may be the damaged one.
      let chunked = false;
      if (givenChannels === undefined) {
        const summary = await this.#summary(handle);
        if (summary !== undefined) {
          givenSchemas = summary.schemas;
          givenChannels = summary.channels;
          chunked = summary.chunks > 0;
        }
      }
      for (const [id, s] of givenSchemas ?? []) this.schemas.set(id, s);
      for (const [id, c] of givenChannels ?? []) this.channels.set(id, c);
      const magic = await readAt(handle, 0, MCAP_MAGIC.length + RECORD_HEADER);
      if (magic.byteLength < MCAP_MAGIC.length && magic.every((b, i) => MCAP_MAGIC[i] === b)) {
        // Cut before anything was written (a recorder killed as it opened the file): empty, not foreign.
        this.#truncated(0, `the file ends at byte ${magic.byteLength}, inside the MCAP magic bytes`);
        this.validEnd = 0;
        return;
      }
      if (magic.byteLength < MCAP_MAGIC.length || !MCAP_MAGIC.every((b, i) => magic[i] === b)) {
        // Damaged magic bytes in an MCAP file (its header record follows, or its footer ends it) cost nothing else.
        const header = magic.byteLength === MCAP_MAGIC.length + RECORD_HEADER && magic[MCAP_MAGIC.length] === Opcode.HEADER && new DataView(magic.buffer, magic.byteOffset).getBigUint64(MCAP_MAGIC.length + 1, true) < 1n << 20n;
        if (!header && !(await this.#endsWithFooter(handle))) {
          throw new Error(`bag: ${this.path} is not an MCAP file (it does not start with the MCAP magic bytes)`);
        }
        this.problems.push({ kind: 'bad-record', offset: 0, message: `${this.path}: the MCAP magic bytes at byte 0 are damaged; read on`, lost: new Map() });
      }
      let offset = MCAP_MAGIC.length;
      // Where the search for the next chunk starts after damage: the end of the last chunk that
      // parsed whole (its CRC checked), or just past the start of a record that failed since (its
      // length may be what was damaged). Record boundaries in between may come from a damaged
      // length, so the search goes back over them; it only moves forward from one search to the next.
      let trusted = offset;
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
        const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
        const opcode = head.byteLength > 0 ? view.getUint8(0) : 0;
        const length = head.byteLength < RECORD_HEADER ? 0n : view.getBigUint64(1, true);
        const end = offset + RECORD_HEADER + Number(length);
        const knownOpcode = (opcode >= Opcode.MIN && opcode <= Opcode.MAX) || opcode >= 0x80;
        if (head.byteLength < RECORD_HEADER || !knownOpcode || length > BigInt(this.fileSize) || end > this.fileSize) {
          // Cut short here, or thrown off the record boundaries by damage: a chunk further on says which.
          const next = await this.#nextChunk(handle, trusted, options.decompressHandlers);
          const what = head.byteLength < RECORD_HEADER ? 'the file ends inside a record header' : knownOpcode ? `${recordName(opcode)} claims ${length} bytes, past the end of the file` : `opcode 0x${opcode.toString(16)} is no MCAP record`;
          if (next !== undefined) {
            flushCorrupt();
            this.problems.push({ kind: 'bad-record', offset, message: `${this.path}: damaged record header at byte ${offset} (${what}); the scan goes on at the next chunk that parses, at byte ${next}`, lost: new Map() });
            // Past it whatever it turns out to be, so that the search always moves on.
            trusted = next + 1;
            offset = next;
            continue;
          }
          if (await this.#endsWithFooter(handle)) {
            // The end of the file is intact: what is damaged is the summary (or the data end), which the scan does not need.
            flushCorrupt();
            this.problems.push({ kind: 'bad-record', offset, message: `${this.path}: damaged record header at byte ${offset} (${what}); no chunk follows, so the rest up to the footer (the summary) is skipped`, lost: new Map() });
            this.complete = true;
            offset = this.fileSize;
            break;
          }
          if (head.byteLength < RECORD_HEADER) {
            this.#truncated(offset, `the file ends inside a record header at byte ${offset}`);
            break;
          }
          let range = '';
          if (opcode === Opcode.CHUNK && this.fileSize - offset >= RECORD_HEADER + 16) {
            const t = await readAt(handle, offset + RECORD_HEADER, 16);
            const tv = new DataView(t.buffer, t.byteOffset, 16);
            range = ` (messages logged ${tv.getBigUint64(0, true)}..${tv.getBigUint64(8, true)} ns)`;
          }
          const name = OPCODE_NAMES[opcode] ?? `opcode 0x${opcode.toString(16)}`;
          this.#truncated(offset, knownOpcode ? `a ${name} record at byte ${offset} needs ${end - offset} bytes but only ${this.fileSize - offset} remain${range}` : `the record at byte ${offset} has ${name}, which is no MCAP record`);
          break;
        }
        if (opcode === Opcode.FOOTER && end + MCAP_MAGIC.length !== this.fileSize) {
          // A footer anywhere but at the end is a damaged opcode: look for the next chunk instead.
          const next = await this.#nextChunk(handle, trusted, options.decompressHandlers);
          if (next !== undefined) {
            flushCorrupt();
            this.problems.push({ kind: 'bad-record', offset, message: `${this.path}: damaged record header at byte ${offset} (a FOOTER record before the end of the file); the scan goes on at the next chunk that parses, at byte ${next}`, lost: new Map() });
            trusted = next + 1;
            offset = next;
            continue;
          }
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
                this.#known(offset, 'Schema', r.id, r, this.schemas, givenSchemas, sameSchema);
                break;
              case 'Channel':
                this.#known(offset, 'Channel', r.id, r, this.channels, givenChannels, sameChannel);
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
                // In a chunked file every message is in a chunk: a bare one is a damaged record (a message index whose opcode flipped).
                if (opcode !== Opcode.CHUNK && (chunked || this.goodChunks + this.badChunks > 0)) {
                  throw new Error('a Message record outside any chunk of a chunked file (a damaged opcode)');
                }
                const channel = this.channels.get(r.channelId)!;
                if (options.topics !== undefined && !options.topics.has(channel.topic)) break;
                if (options.startTime !== undefined && r.logTime < options.startTime) break;
                if (options.endTime !== undefined && r.logTime > options.endTime) break;
                parsed.push({ channel, schema: this.schemas.get(channel.schemaId), message: r, chunkOffset: offset });
                break;
              }
              default:
                break;
            }
          }
          if (opcode === Opcode.CHUNK) {
            this.goodChunks++;
            chunked = true;
            trusted = end;
          } else if (opcode === Opcode.MESSAGE && !chunked) {
            // A file without chunks (other writers) has no chunk to search for: its messages are the boundaries to trust.
            trusted = end;
          }
        } catch (error) {
          trusted = Math.max(trusted, offset + 1);
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

  /**
   * Offset of the first Chunk record at or after `from` that parses whole (CRC included), or
   * undefined: where the scan picks up after a damaged record header.
   */
  async #nextChunk(handle: FileHandle, from: number, decompressHandlers: DecompressHandlers): Promise<number | undefined> {
    for (let block = from; block < this.fileSize; block += SEARCH_BLOCK) {
      const bytes = await readAt(handle, block, Math.min(SEARCH_BLOCK, this.fileSize - block));
      for (let i = bytes.indexOf(Opcode.CHUNK); i >= 0; i = bytes.indexOf(Opcode.CHUNK, i + 1)) {
        const at = block + i;
        if (await this.#isChunk(handle, at, decompressHandlers)) return at;
      }
    }
    return undefined;
  }

  async #isChunk(handle: FileHandle, at: number, decompressHandlers: DecompressHandlers): Promise<boolean> {
    const head = await readAt(handle, at, RECORD_HEADER + CHUNK_FIXED + 8);
    if (head.byteLength < RECORD_HEADER + CHUNK_FIXED) return false;
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const length = view.getBigUint64(1, true);
    if (length < BigInt(CHUNK_FIXED) || at + RECORD_HEADER + Number(length) > this.fileSize) return false;
    if (view.getBigUint64(RECORD_HEADER, true) > view.getBigUint64(RECORD_HEADER + 8, true)) return false;
    const compressionLength = view.getUint32(RECORD_HEADER + 28, true);
    if (compressionLength > 8 || RECORD_HEADER + 32 + compressionLength + 8 > head.byteLength) return false;
    const compression = new TextDecoder().decode(head.subarray(RECORD_HEADER + 32, RECORD_HEADER + 32 + compressionLength));
    if (compression !== '' && decompressHandlers[compression] === undefined) return false;
    if (view.getBigUint64(RECORD_HEADER + 32 + compressionLength, true) !== length - BigInt(CHUNK_FIXED + compressionLength)) return false;
    try {
      for (const _ of this.#parse(await readAt(handle, at, RECORD_HEADER + Number(length)), decompressHandlers)) {
        // parsing whole (CRC, records) is the test
      }
      return true;
    } catch (error) {
      // Its CRC held and its records parse up to a channel defined in a chunk that was lost: still a chunk.
      return /without prior channel record/.test((error as Error).message);
    }
  }

  /**
   * Schemas, channels and chunk count from the file's summary section, read from the footer
   * at its end when the summary CRC holds (undefined otherwise, or without zlib.crc32).
   */
  async #summary(handle: FileHandle): Promise<{ schemas: Map<number, Schema>; channels: Map<number, Channel>; chunks: number } | undefined> {
    const crc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
    if (crc32 === undefined || !(await this.#endsWithFooter(handle))) return undefined;
    const footerOffset = this.fileSize - FOOTER_RECORD - MCAP_MAGIC.length;
    const footer = await readAt(handle, footerOffset, FOOTER_RECORD);
    const view = new DataView(footer.buffer, footer.byteOffset, footer.byteLength);
    const summaryStart = view.getBigUint64(RECORD_HEADER, true);
    const summaryCrc = view.getUint32(RECORD_HEADER + 16, true);
    if (summaryStart === 0n || summaryCrc === 0 || summaryStart < BigInt(MCAP_MAGIC.length) || summaryStart > BigInt(footerOffset)) return undefined;
    const section = await readAt(handle, Number(summaryStart), footerOffset - Number(summaryStart));
    if (crc32(footer.subarray(0, RECORD_HEADER + 16), crc32(section)) !== summaryCrc) return undefined;
    const schemas = new Map<number, Schema>();
    const channels = new Map<number, Channel>();
    let chunks = 0;
    try {
      const reader = new McapStreamReader({ noMagicPrefix: true, validateCrcs: true });
      reader.append(section);
      for (let r = reader.nextRecord(); r !== undefined; r = reader.nextRecord()) {
        if (r.type === 'Schema') schemas.set(r.id, r);
        else if (r.type === 'Channel') channels.set(r.id, r);
        else if (r.type === 'ChunkIndex') chunks++;
      }
    } catch {
      return undefined;
    }
    return { schemas, channels, chunks };
  }

  /** Whether the file ends with a Footer record and the closing magic (it was closed, whatever happened inside). */
  async #endsWithFooter(handle: FileHandle): Promise<boolean> {
    if (this.fileSize < MCAP_MAGIC.length + FOOTER_RECORD + MCAP_MAGIC.length) return false;
    const tail = await readAt(handle, this.fileSize - FOOTER_RECORD - MCAP_MAGIC.length, FOOTER_RECORD + MCAP_MAGIC.length);
    if (tail.byteLength !== FOOTER_RECORD + MCAP_MAGIC.length || tail[0] !== Opcode.FOOTER) return false;
    if (new DataView(tail.buffer, tail.byteOffset + 1, 8).getBigUint64(0, true) !== BigInt(FOOTER_RECORD - RECORD_HEADER)) return false;
    return MCAP_MAGIC.every((b, i) => tail[FOOTER_RECORD + i] === b);
  }

  /**
   * Records a Schema or Channel read from the data section; one given in the options (from a
   * summary, CRC-checked) that differs wins, and the difference is a problem.
   */
  #known<T extends Schema | Channel>(offset: number, kind: string, id: number, record: T, into: Map<number, T>, given: ReadonlyMap<number, T> | undefined, same: (a: T, b: T) => boolean): void {
    const trusted = given?.get(id);
    if (trusted !== undefined && !same(trusted, record)) {
      this.problems.push({ kind: 'bad-record', offset, message: `${this.path}: chunk at byte ${offset}: its ${kind} record ${id} differs from the summary's (damaged); the summary's is used`, lost: new Map() });
      into.set(id, trusted);
      return;
    }
    into.set(id, record);
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

function recordName(opcode: number): string {
  const name = OPCODE_NAMES[opcode];
  return name === undefined ? `a record with opcode 0x${opcode.toString(16)}` : `a ${name} record`;
}

function sameSchema(a: Schema, b: Schema): boolean {
  return a.name === b.name && a.encoding === b.encoding && Buffer.compare(a.data, b.data) === 0;
}

function sameChannel(a: Channel, b: Channel): boolean {
  return a.topic === b.topic && a.schemaId === b.schemaId && a.messageEncoding === b.messageEncoding;
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
