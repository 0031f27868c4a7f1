import type { IWritable } from '@mcap/core';

/** What a bag file needs of an open file (node:fs/promises' FileHandle has it). */
export interface WritableFile {
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  close(): Promise<void>;
}

/** A failed write to a bag file: names the file, where it stopped and, for a full disk, says so. */
export class BagWriteError extends Error {
  /** The system's error code (ENOSPC when the disk is full). */
  readonly code: string | undefined;
  readonly path: string;
  /** Bytes of the file on disk (everything before was written). */
  readonly position: number;

  constructor(path: string, position: number, cause: unknown) {
    const code = (cause as { code?: unknown } | undefined)?.code;
    const why =
      code === 'ENOSPC'
        ? 'no space left on device (ENOSPC)'
        : code === 'EDQUOT'
          ? 'disk quota exceeded (EDQUOT)'
          : (cause as Error | undefined)?.message ?? String(cause);
    super(`cannot write ${path} after ${position} bytes: ${why}; the chunks completed before it are readable (jepa-agent bag repair recovers them)`, { cause });
    this.name = 'BagWriteError';
    this.code = typeof code === 'string' ? code : undefined;
    this.path = path;
    this.position = position;
  }
}

/**
 * IWritable (McapWriter's output) over an open file that writes every byte it is given. A
 * disk that fills up takes what fits and returns a short count; the rest is written again
 * from where it stopped, so the file never has a gap and the next write's error is the one
 * that says why (@mcap/nodejs' FileHandleWritable counts short writes as whole). Errors become
 * a BagWriteError naming the file and position.
 */
export class FileWritable implements IWritable {
  readonly path: string;
  readonly #file: WritableFile;
  #position = 0;

  constructor(path: string, file: WritableFile) {
    this.path = path;
    this.#file = file;
  }

  async write(buffer: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < buffer.length) {
      let written: number;
      try {
        ({ bytesWritten: written } = await this.#file.write(buffer, offset, buffer.length - offset));
      } catch (error) {
        throw new BagWriteError(this.path, this.#position, error);
      }
      if (!(written > 0)) throw new BagWriteError(this.path, this.#position, new Error(`the file took ${written} of ${buffer.length - offset} bytes`));
      offset += written;
      this.#position += written;
    }
  }

  position(): bigint {
    return BigInt(this.#position);
  }
}
