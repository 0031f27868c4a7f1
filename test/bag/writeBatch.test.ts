import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { BagEntry, EncodedEntry } from '../../src/bag/BagEntry.js';
import { BagReader } from '../../src/bag/BagReader.js';
import { BagWriter } from '../../src/bag/BagWriter.js';
import { encodeBatch, transferables, writeBatch, writeEncodedBatch } from '../../src/bag/writeBatch.js';
import { frame, tempDir } from './fixtures.js';

const f = frame(0);
const rgb = (t: bigint, width = f.rgb.width): BagEntry => ({ topic: '/rgb', logTime: t, publishTime: t, payload: { kind: 'rgb', image: { ...f.rgb, width } } });

describe('writeBatch', () => {
  const { dir: root, cleanup } = tempDir();
  after(cleanup);

  test('encodeBatch keeps the good entries in order and names the bad one', () => {
    const { encoded, failures } = encodeBatch([rgb(1n), rgb(2n, 31), rgb(3n)]);
    assert.deepEqual(encoded.map((e) => e.logTime), [1n, 3n]);
    assert.equal(failures.length, 1);
    assert.equal(failures[0].topic, '/rgb');
    assert.match(failures[0].message, /cannot encode the rgb message for \/rgb: .*expected 31x32x3/);
  });

  test('transferables: whole buffers once each, never views into a larger or shared buffer', () => {
    const { encoded } = encodeBatch([rgb(1n), rgb(2n)]);
    const slab = new Uint8Array(64);
    const shared = new Uint8Array(new SharedArrayBuffer(16));
    const entries: EncodedEntry[] = [
      ...encoded,
      { ...encoded[0], data: encoded[0].data },
      { ...encoded[0], data: slab.subarray(8, 24) },
      { ...encoded[0], data: shared },
    ];
    const list = transferables(entries);
    assert.deepEqual(list, [encoded[0].data.buffer, encoded[1].data.buffer]);
  });

  test('writeEncodedBatch reports a topic changing type and goes on; writeBatch round-trips', async () => {
    const dir = join(root, 'bag');
    const writer = await BagWriter.create({ dir, compression: 'none' });
    const failures = await writeBatch(writer, [rgb(1n), rgb(2n, 31)]);
    assert.equal(failures.length, 1);
    const joints = encodeBatch([{ topic: '/rgb', logTime: 3n, publishTime: 3n, payload: { kind: 'joints', joints: f.proprio } }]).encoded;
    const more = await writeEncodedBatch(writer, [...joints, ...encodeBatch([rgb(4n)]).encoded]);
    assert.equal(more.length, 1);
    assert.match(more[0].message, /topic \/rgb was recorded as sensor_msgs\/msg\/Image/);
    await writer.close();
    const reader = await BagReader.open(dir);
    const times: bigint[] = [];
    for await (const m of reader.messages()) times.push(m.logTime);
    assert.deepEqual(times, [1n, 4n]);
  });
});
