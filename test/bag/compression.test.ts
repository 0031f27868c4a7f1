import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadChunkCompressor, loadDecompressors } from '../../src/bag/compression.js';
import { runs, timed } from '../property.js';

describe('loadDecompressors', () => {
  test('leaves no process-wide exception handlers behind (the bz2 loader installs two that rethrow, turning any uncaught error into exit code 7)', async () => {
    const before = [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
    await loadDecompressors();
    assert.deepEqual([process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')], before);
  });

  test('zstd chunks decompress; a claimed size its frame contradicts is refused before anything is allocated', async () => {
    const handlers = await loadDecompressors();
    const compress = (await loadChunkCompressor('zstd'))!;
    const data = new Uint8Array(10_000).map((_, i) => i % 7);
    const { compressedData } = compress(data);
    assert.deepEqual(handlers.zstd!(compressedData, BigInt(data.length)), data);
    assert.throws(() => handlers.zstd!(compressedData, 6_442_450_944n), /the chunk claims 6442450944 bytes uncompressed from \d+ zstd bytes, more than they can hold \(at most 67108864\)/);
    assert.throws(() => handlers.zstd!(compressedData, 9_999n), /the chunk claims 9999 bytes uncompressed, but its first zstd frame alone holds 10000/);
  });
});

describe('loadDecompressors properties', () => {
  test('any data, any claimed size: the right size decompresses; a size beyond what the bytes can hold is a RangeError, at once', async () => {
    const handlers = await loadDecompressors();
    const compress = (await loadChunkCompressor('zstd'))!;
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 3000 }), fc.nat({ max: 100_000 }).map((n) => new Uint8Array(n))),
        fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 1n << 26n, max: 1n << 36n })),
        fc.constantFrom('zstd', 'lz4', 'bz2'),
        (data, claim, compression) => {
          const chunk = compression === 'zstd' ? compress(data).compressedData : data;
          if (compression === 'zstd' && chunk !== data) assert.deepEqual(handlers.zstd!(chunk, BigInt(data.length)), data);
          const bound = compression === 'lz4' ? BigInt(chunk.length + 64) * 255n : BigInt(Math.max(64 << 20, 1000 * chunk.length));
          // Sizes within the bound would be allocated (that is the point of the bound): only those beyond are tried.
          if (claim <= bound) return;
          const { ms } = timed(() => assert.throws(() => handlers[compression]!(chunk, claim), new RegExp(`^RangeError: the chunk claims ${claim} bytes uncompressed`)));
          assert.ok(ms < 100, `refusing took ${ms.toFixed(0)} ms`);
        },
      ),
      runs(200),
    );
  });
});
