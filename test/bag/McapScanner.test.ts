import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
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
import { mutate, mutations, mutationArbitrary, runs } from '../property.js';
import type { Mutation } from '../property.js';
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

describe('McapScanner properties', () => {
  const { dir: root, cleanup } = tempDir();
  after(cleanup);
  interface Pristine {
    readonly path: string;
    readonly bytes: Uint8Array;
    readonly chunks: readonly McapTypes.ChunkIndex[];
    readonly messages: readonly ScannedMessage[];
  }
  const pristine: Record<'none' | 'zstd', Pristine> = {} as never;
  let n = 0;
  const key = (m: ScannedMessage): string => `${m.channel.topic} ${m.message.logTime} ${m.message.sequence} ${Buffer.from(m.message.data).toString('base64')}`;

  before(async () => {
    for (const compression of ['none', 'zstd'] as const) {
      const writer = await BagWriter.create({ dir: join(root, compression), chunkBytes: 4000, compression });
      for (let k = 0; k < 12; k++) {
        const f = frame(k, 16);
        const t = toNanoseconds(f.stamp);
        await writer.write({ topic: '/rgb', logTime: t, publishTime: t, payload: { kind: 'rgb', image: f.rgb } });
        await writer.write({ topic: '/joint_states', logTime: t, publishTime: t, payload: { kind: 'joints', joints: f.proprio } });
        await writer.write({ topic: '/points', logTime: t, publishTime: t, payload: { kind: 'points', cloud: f.points } });
      }
      await writer.close();
      const path = join(root, compression, `${compression}_0.mcap`);
      pristine[compression] = { path, bytes: readFileSync(path), chunks: await chunkIndexes(path), messages: (await scan(path)).messages };
      assert.ok(pristine[compression].chunks.length >= 5, `${compression}: ${pristine[compression].chunks.length} chunks`);
    }
  });

  async function scanDamaged(compression: 'none' | 'zstd', damage: readonly Mutation[], summary: boolean): Promise<{ path: string; bytes: Uint8Array; scanner: McapScanner; messages: ScannedMessage[]; error?: Error }> {
    const path = join(root, `damaged-${n++}.mcap`);
    const bytes = mutate(pristine[compression].bytes, damage);
    writeFileSync(path, bytes);
    const scanner = new McapScanner(path);
    const messages: ScannedMessage[] = [];
    let error: Error | undefined;
    let known: { channels: ReadonlyMap<number, McapTypes.Channel>; schemas: ReadonlyMap<number, McapTypes.Schema> } | undefined;
    if (summary) {
      try {
        const handle = await open(path, 'r');
        try {
          const r = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle), decompressHandlers: await loadDecompressors() });
          known = { channels: r.channelsById, schemas: r.schemasById };
        } finally {
          await handle.close();
        }
      } catch {
        // no readable summary: a scan alone, as BagReader does
      }
    }
    try {
      for await (const m of scanner.messages({ decompressHandlers: await loadDecompressors(), ...(known ?? {}) })) messages.push(m);
    } catch (e) {
      error = e as Error;
    }
    return { path, bytes, scanner, messages, ...(error === undefined ? {} : { error }) };
  }

  test('any damage: the scan ends in bounded time, every problem names the file and a byte offset, and no message comes out altered unless its chunk lost its CRC', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('none' as const, 'zstd' as const), mutations(4), async (compression, damage) => {
        const t0 = performance.now();
        const { path, bytes, scanner, messages, error } = await scanDamaged(compression, damage, false);
        assert.ok(performance.now() - t0 < 5000, `scan took ${(performance.now() - t0).toFixed(0)} ms`);
        if (error !== undefined) {
          assert.match(error.message, /is not an MCAP file \(it does not start with the MCAP magic bytes\)/);
          return;
        }
        for (const p of scanner.problems) assert.match(p.message, new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*byte \\d+`));
        const originals = new Set(pristine[compression].messages.map(key));
        for (const m of messages) {
          if (originals.has(key(m))) continue;
          const crc = new DataView(bytes.buffer, bytes.byteOffset).getUint32(m.chunkOffset + 9 + 24, true);
          assert.equal(crc, 0, `an altered message on ${m.channel.topic} came out of the chunk at byte ${m.chunkOffset}, whose CRC ${crc} should have caught it`);
        }
      }),
      runs(150),
    );
  });

  const inPlace = fc.oneof(
    mutationArbitrary.filter((m) => m.kind === 'flip' || m.kind === 'zero' || m.kind === 'u32' || m.kind === 'u64'),
  );
  const damagedRange = (m: Mutation, length: number): [number, number] => {
    const at = m.at % length;
    switch (m.kind) {
      case 'flip':
        return [at, at + 1];
      case 'zero':
        return [at, at + m.length];
      case 'u32':
        return [Math.min(at, length - 4), Math.min(at, length - 4) + 4];
      case 'u64':
        return [Math.min(at, length - 8), Math.min(at, length - 8) + 8];
      default:
        throw new Error(`not in place: ${m.kind}`);
    }
  };

  test('one damaged spot, anywhere: every message of every chunk it did not touch is still read (nothing recorded is lost to damage elsewhere)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('none' as const, 'zstd' as const), inPlace, async (compression, damage) => {
        const p = pristine[compression];
        const [from, to] = damagedRange(damage, p.bytes.length);
        const { messages, scanner } = await scanDamaged(compression, [damage], true);
        const read = new Set(messages.map(key));
        const touched = p.chunks.filter((c) => Number(c.chunkStartOffset) < to && from < Number(c.chunkStartOffset) + Number(c.chunkLength)).map((c) => Number(c.chunkStartOffset));
        const missing = p.messages.filter((m) => !touched.includes(m.chunkOffset) && !read.has(key(m)));
        assert.deepEqual(
          missing.map((m) => `${m.channel.topic}@${m.chunkOffset}`),
          [],
          `damage at bytes ${from}..${to} (chunks touched: ${touched.join(', ') || 'none'}) lost messages of intact chunks; problems: ${scanner.problems.map((x) => x.message).join(' | ')}`,
        );
      }),
      runs(150),
    );
  });
});
