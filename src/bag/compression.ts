import { loadDecompressHandlers } from '@mcap/support';
import type { DecompressHandlers } from '@mcap/core';

export type ChunkCompression = 'zstd' | 'none';

interface ZstdModule {
  readonly isLoaded: Promise<boolean>;
  compress(buffer: Uint8Array, level?: number): Uint8Array;
}

export type CompressChunk = (chunk: Uint8Array) => { compression: string; compressedData: Uint8Array };

/**
 * The chunk compressor for McapWriter. zstd is the wasm build @mcap/support also decompresses
 * with (it installs offline); its level 1 runs at about 300 MB/s on one core here, which keeps
 * up with 640x480 RGB-D and a 100k-point cloud at 30 Hz. LZ4 has no compressor in that family.
 */
export async function loadChunkCompressor(compression: ChunkCompression, level = 1): Promise<CompressChunk | undefined> {
  if (compression === 'none') return undefined;
  const mod = (await import('@foxglove/wasm-zstd')) as unknown as ZstdModule & { default?: ZstdModule };
  const zstd = mod.default ?? mod;
  await zstd.isLoaded;
  return (chunk) => {
    const compressed = zstd.compress(chunk, level);
    // Incompressible chunks (float noise) are stored as they are: readers skip a decompression.
    return compressed.byteLength < chunk.byteLength
      ? { compression: 'zstd', compressedData: compressed }
      : { compression: '', compressedData: chunk };
  };
}

/** zstd, lz4 and bz2 decompressors, as MCAP readers take them. */
export function loadDecompressors(): Promise<DecompressHandlers> {
  return loadDecompressHandlers();
}
