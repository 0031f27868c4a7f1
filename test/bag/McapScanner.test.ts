import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { McapIndexedReader, McapStreamReader } from '@mcap/core';
import type { McapTypes } from '@mcap/core';
import { FileHandleReadable } from '@mcap/nodejs';
import { BagWriter } from '../../src/bag/BagWriter.js';
import { loadDecompressors } from '../../src/bag/compression.js';
import { McapScanner } from '../../src/bag/McapScanner.js';
import type { ScannedMessage } from '../../src/bag/McapScanner.js';
import { toNanoseconds } from '../../src/core/index.js';
import { frame, tempDir } from './fixtures.js';

async function chunkIndexes(path: string): Promise<readonly McapTypes.ChunkIndex[]> {
  const handle = await open(path, 'r');
  try {
    return (await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle) })).chunkIndexes;
  } finally {
    await handle.close();
  }
}

async function scan(path: string): Promise<{ scanner: McapScanner; messages: ScannedMessage[] }> {
  const scanner = new McapScanner(path);
  const messages: ScannedMessage[] = [];
  for await (const m of scanner.messages({ decompressHandlers: await loadDecompressors() })) messages.push(m);
  return { scanner, messages };
}

describe('McapScanner', () => {
  const { dir: root, cleanup } = tempDir();
  after(cleanup);
  const frames = Array.from({ length: 10 }, (_, k) => frame(k));
  let original = '';
  let chunks: readonly McapTypes.ChunkIndex[] = [];

  before(async () => {
    // Uncompressed, one rgb + one joint state per frame, chunks of ~2 frames.
    const writer = await BagWriter.create({ dir: join(root, 'bag'), chunkBytes: 5000, compression: 'none' });
    for (const f of frames) {
      const t = toNanoseconds(f.stamp);
      await writer.write({ topic: '/rgb', logTime: t, publishTime: t, payload: { kind: 'rgb', image: f.rgb } });
      await writer.write({ topic: '/joint_states', logTime: t, publishTime: t, payload: { kind: 'joints', joints: f.proprio } });
    }
    await writer.close();
    original = join(root, 'bag', 'bag_0.mcap');
    chunks = await chunkIndexes(original);
  });

  test('an intact file: every message, no problem, complete', async () => {
    const { scanner, messages } = await scan(original);
    assert.equal(messages.length, 20);
    assert.deepEqual(scanner.problems, []);
    assert.equal(scanner.complete, true);
    assert.equal(scanner.goodChunks, chunks.length);
    assert.ok(chunks.length >= 4, `${chunks.length} chunks`);
  });

  test('a truncated file (as after kill -9): complete chunks read, the cut named', async () => {
    const path = join(root, 'truncated.mcap');
    copyFileSync(original, path);
    const cut = Number(chunks[2].chunkStartOffset) + 100;
    truncateSync(path, cut);
    await assert.rejects(chunkIndexes(path), 'the indexed reader refuses it');
    const { scanner, messages } = await scan(path);
    // Exactly the messages of the first two chunks.
    assert.equal(messages.length, (await chunkIndexesCount(original, 0)) + (await chunkIndexesCount(original, 1)));
    assert.ok(messages.length >= 4);
    assert.equal(scanner.complete, false);
    assert.equal(scanner.problems.length, 1);
    assert.equal(scanner.problems[0].kind, 'truncated');
    assert.match(scanner.problems[0].message, new RegExp(`truncated\\.mcap is truncated: a CHUNK record at byte ${chunks[2].chunkStartOffset} needs \\d+ bytes but only 100 remain \\(messages logged \\d+\\.\\.\\d+ ns\\)`));
  });

  test('a file cut between records: still named as truncated', async () => {
    const path = join(root, 'cut-clean.mcap');
    copyFileSync(original, path);
    truncateSync(path, Number(chunks[3].chunkStartOffset));
    const { scanner } = await scan(path);
    assert.equal(scanner.problems.length, 1);
    assert.match(scanner.problems[0].message, /is truncated: the file ends at byte \d+ without a footer/);
  });

  test('a corrupted chunk (bad CRC): skipped whole with its lost messages counted; later chunks read', async () => {
    const path = join(root, 'corrupt.mcap');
    const bytes = readFileSync(original);
    const at = Number(chunks[1].chunkStartOffset) + Number(chunks[1].chunkLength) - 50;
    bytes[at] ^= 0xff;
    writeFileSync(path, bytes);
    const { scanner, messages } = await scan(path);
    const lostCount = await chunkIndexesCount(original, 1);
    assert.equal(messages.length, 20 - lostCount);
    assert.equal(scanner.badChunks, 1);
    assert.equal(scanner.problems.length, 1);
    const p = scanner.problems[0];
    assert.equal(p.kind, 'corrupt-chunk');
    assert.match(p.message, new RegExp(`chunk at byte ${chunks[1].chunkStartOffset}: Incorrect chunk CRC \\d+ \\(expected \\d+\\); lost \\d+ on /`));
    assert.equal([...p.lost.values()].reduce((a, b) => a + b, 0), lostCount);
  });

  test('not an MCAP file: a clear error', async () => {
    const path = join(root, 'not.mcap');
    writeFileSync(path, 'hello world, this is not a bag');
    await assert.rejects(scan(path), /not\.mcap is not an MCAP file/);
  });
});

/** Messages inside chunk `i` of an intact file: the stream reader yields each chunk, then its messages. */
async function chunkIndexesCount(path: string, i: number): Promise<number> {
  const reader = new McapStreamReader({ includeChunks: true });
  reader.append(readFileSync(path));
  let chunk = -1;
  let count = 0;
  for (let r = reader.nextRecord(); r !== undefined; r = reader.nextRecord()) {
    if (r.type === 'Chunk') chunk++;
    else if (r.type === 'Message' && chunk === i) count++;
  }
  return count;
}
