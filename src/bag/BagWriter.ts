import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { encodeBagEntry } from './BagEntry.js';
import type { BagEntry, EncodedEntry } from './BagEntry.js';
import { loadChunkCompressor } from './compression.js';
import type { ChunkCompression, CompressChunk } from './compression.js';
import { McapFileWriter } from './McapFileWriter.js';
import type { McapFileSummary, McapFileWriterOptions } from './McapFileWriter.js';
import { DEFAULT_OFFERED_QOS, metadataYaml } from './metadataYaml.js';

export interface BagWriterOptions {
  /** The bag folder; created, and it must not hold MCAP files already. */
  readonly dir: string;
  /** Chunk compression of every file. Default zstd. */
  readonly compression?: ChunkCompression;
  /** zstd level; default 1 (fast). */
  readonly compressionLevel?: number;
  /** Uncompressed chunk size of the ROS files; a crash loses at most one chunk. Default 1 MiB. */
  readonly chunkBytes?: number;
  /** Chunk size of the agent's files (small records, so small chunks reach the disk soon). Default 32 KiB. */
  readonly agentChunkBytes?: number;
  /** Start a new file once a file holds this many bytes (0: never). Default 0. */
  readonly splitBytes?: number;
  /** Start a new file once a file spans this many seconds of log time (0: never). Default 0. */
  readonly splitSeconds?: number;
  /** Key/values stored as an MCAP Metadata record `jepa_agent` in every file (robot name, joint names...). */
  readonly metadata?: Readonly<Record<string, string>>;
  /**
   * How the MCAP files are created (default: exclusively, with node:fs). For tests that fill the
   * disk; a function cannot reach the recorder's worker threads, so BagRecorder takes it inline only.
   */
  readonly openFile?: McapFileWriterOptions['openFile'];
}

export interface BagFileSummaries {
  readonly dir: string;
  readonly ros: readonly McapFileSummary[];
  readonly agent: readonly McapFileSummary[];
  /** Chunks compressed, and chunks stored uncompressed because the writer was behind. */
  readonly chunks: { readonly compressed: number; readonly stored: number };
}

type Role = 'ros' | 'agent';

/**
 * A bag folder: ROS topics (cdr) in rosbag2-compatible `<name>_<i>.mcap` files with a
 * metadata.yaml, the agent's protobuf records in sibling `<name>_agent_<i>.mcap` files
 * (rosbag2 refuses a file that mixes encodings). Files split by size or duration; each
 * split rewrites metadata.yaml, so it lists every finished file even if the recorder dies.
 */
export class BagWriter {
  readonly dir: string;
  readonly name: string;
  readonly #options: BagWriterOptions;
  readonly #compress: CompressChunk | undefined;
  readonly #open: Partial<Record<Role, McapFileWriter>> = {};
  readonly #index: Record<Role, number> = { ros: 0, agent: 0 };
  readonly #done: Record<Role, McapFileSummary[]> = { ros: [], agent: [] };
  #closed: BagFileSummaries | undefined;
  /**
   * Set by the writer's owner while it is behind (messages waiting): chunks are then stored
   * uncompressed, since compression is the costliest step and a dropped message costs more
   * than a larger file. Readers handle both kinds of chunk.
   */
  behind = false;
  #chunks = { compressed: 0, stored: 0 };

  private constructor(options: BagWriterOptions, compress: CompressChunk | undefined) {
    this.dir = resolve(options.dir);
    this.name = basename(this.dir);
    this.#options = options;
    this.#compress = compress;
  }

  static async create(options: BagWriterOptions): Promise<BagWriter> {
    const dir = resolve(options.dir);
    mkdirSync(dir, { recursive: true });
    const existing = readdirSync(dir).filter((f) => f.endsWith('.mcap'));
    if (existing.length > 0) throw new Error(`bag: ${dir} already holds ${existing.join(', ')}; record into a new folder`);
    const compress = await loadChunkCompressor(options.compression ?? 'zstd', options.compressionLevel ?? 1);
    return new BagWriter(options, compress);
  }

  /** Encodes (converting core values with the shared ROS conversions) and writes one message. */
  async write(entry: BagEntry): Promise<void> {
    await this.writeEncoded(encodeBagEntry(entry));
  }

  async writeEncoded(entry: EncodedEntry): Promise<void> {
    if (this.#closed !== undefined) throw new Error(`bag: ${this.dir} is closed`);
    const role: Role = entry.messageEncoding === 'cdr' ? 'ros' : 'agent';
    // Duration: a message that would make the file span splitSeconds or more opens the next file.
    const splitNs = BigInt(Math.round((this.#options.splitSeconds ?? 0) * 1e9));
    const current = this.#open[role];
    if (current !== undefined && splitNs > 0n && current.messageCount > 0 && entry.logTime - current.startTime >= splitNs) await this.#rotate(role);
    const file = await this.#file(role);
    await file.add(entry);
    // Size: the file that reached splitBytes is closed after the message that filled it.
    const splitBytes = this.#options.splitBytes ?? 0;
    if (splitBytes > 0 && file.bytes >= splitBytes) await this.#rotate(role);
  }

  async #rotate(role: Role): Promise<void> {
    const file = this.#open[role];
    if (file === undefined) return;
    this.#done[role].push(await file.close());
    delete this.#open[role];
    this.#index[role]++;
    this.#writeMetadata();
  }

  /** Files finished so far and the ones still open (their sizes so far). */
  get fileCount(): number {
    return this.#done.ros.length + this.#done.agent.length + Object.keys(this.#open).length;
  }

  /** Closes every open file (each one even when another fails: no handle is left open), then writes metadata.yaml; throws the first failure. */
  async close(): Promise<BagFileSummaries> {
    if (this.#closed !== undefined) return this.#closed;
    let failure: unknown;
    for (const role of ['ros', 'agent'] as const) {
      const file = this.#open[role];
      if (file !== undefined) {
        delete this.#open[role];
        try {
          this.#done[role].push(await file.close());
        } catch (error) {
          failure ??= error;
        }
      }
    }
    if (failure !== undefined) throw failure;
    this.#writeMetadata();
    this.#closed = { dir: this.dir, ros: this.#done.ros, agent: this.#done.agent, chunks: this.chunkStats };
    return this.#closed;
  }

  async #file(role: Role): Promise<McapFileWriter> {
    const open = this.#open[role];
    if (open !== undefined) return open;
    const fileName = role === 'ros' ? `${this.name}_${this.#index.ros}.mcap` : `${this.name}_agent_${this.#index.agent}.mcap`;
    const file = await McapFileWriter.create(join(this.dir, fileName), {
      profile: role === 'ros' ? 'ros2' : '',
      chunkBytes: role === 'ros' ? (this.#options.chunkBytes ?? 1 << 20) : (this.#options.agentChunkBytes ?? 32 << 10),
      ...(this.#compress === undefined ? {} : { compressChunk: this.#compressUnlessBehind }),
      channelMetadata: (_topic, encoding) => (encoding === 'cdr' ? new Map([['offered_qos_profiles', DEFAULT_OFFERED_QOS]]) : new Map()),
      ...(this.#options.metadata === undefined ? {} : { metadata: { jepa_agent: this.#options.metadata } }),
      ...(this.#options.openFile === undefined ? {} : { openFile: this.#options.openFile }),
    });
    this.#open[role] = file;
    return file;
  }

  /** Chunks compressed and chunks stored as they were because the writer was behind. */
  get chunkStats(): { compressed: number; stored: number } {
    return { ...this.#chunks };
  }

  readonly #compressUnlessBehind: CompressChunk = (chunk) => {
    if (this.behind) {
      this.#chunks.stored++;
      return { compression: '', compressedData: chunk };
    }
    this.#chunks.compressed++;
    return this.#compress!(chunk);
  };

  #writeMetadata(): void {
    const yaml = metadataYaml(this.#done.ros, (p) => relative(this.dir, p));
    // Written beside and renamed, so a reader never sees half a file.
    const tmp = join(this.dir, '.metadata.yaml.tmp');
    writeFileSync(tmp, yaml);
    renameSync(tmp, join(this.dir, 'metadata.yaml'));
  }
}
