import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from '@foxglove/crc';
import { McapStreamReader } from '@mcap/core';
import type { McapTypes } from '@mcap/core';
import { loadDecompressHandlers } from '@mcap/support';
import { encodeBagEntry } from '../../src/bag/BagEntry.js';
import { loadChunkCompressor } from '../../src/bag/compression.js';
import { McapFileWriter } from '../../src/bag/McapFileWriter.js';
import { frame, tempDir } from './fixtures.js';

describe('McapFileWriter', () => {
  const { dir: root, cleanup } = tempDir();
  after(cleanup);

  // The writer swaps @foxglove/crc's JS CRC for zlib's: the checksums must be the same values.
  for (const compression of ['zstd', 'none'] as const) {
    test(`chunk and data-section CRCs check out against @foxglove/crc (${compression})`, async () => {
      const path = join(root, `crc-${compression}.mcap`);
      const compress = await loadChunkCompressor(compression);
      const file = await McapFileWriter.create(path, { profile: 'ros2', chunkBytes: 8 << 10, ...(compress === undefined ? {} : { compressChunk: compress }) });
      for (let k = 0; k < 20; k++) {
        const f = frame(k);
        await file.add(encodeBagEntry({ topic: '/rgb', logTime: BigInt(k), publishTime: 0n, payload: { kind: 'rgb', image: f.rgb } }));
        await file.add(encodeBagEntry({ topic: '/depth', logTime: BigInt(k), publishTime: 0n, payload: { kind: 'depth', image: f.depth } }));
      }
      const summary = await file.close();
      assert.equal(summary.messageCount, 40);
      const bytes = new Uint8Array(readFileSync(path));
      // validateCrcs makes the reader throw on a chunk whose records do not match its CRC.
      const reader = new McapStreamReader({ validateCrcs: true, decompressHandlers: await loadDecompressHandlers() });
      reader.append(bytes);
      let messages = 0;
      let chunks = 0;
      let dataEnd: McapTypes.DataEnd | undefined;
      for (let r = reader.nextRecord(); r !== undefined; r = reader.nextRecord()) {
        if (r.type === 'Message') messages++;
        if (r.type === 'DataEnd') dataEnd = r;
        if (r.type === 'ChunkIndex') chunks++;
      }
      assert.equal(messages, 40);
      assert.ok(chunks > 3, `${chunks} chunks`);
      assert.ok(dataEnd !== undefined);
      // The DataEnd record (opcode 0x0f, length 4, crc) follows the data section it covers.
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let at = -1;
      for (let i = bytes.length - 13; i >= 0 && at < 0; i--) {
        if (bytes[i] === 0x0f && view.getBigUint64(i + 1, true) === 4n && view.getUint32(i + 9, true) === dataEnd.dataSectionCrc) at = i;
      }
      assert.ok(at > 0, 'DataEnd record found');
      assert.equal(dataEnd.dataSectionCrc, crc32(bytes.subarray(0, at)) >>> 0);
    });
  }
});
