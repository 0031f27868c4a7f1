// The disk fills while the real recorder writes a real simulation run: a named error, the file
// handles closed, and every chunk that reached the disk before it filled readable (and repaired).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, truncateSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BagReader, BagRecorder, recordObservation, repairBag } from '../../src/bag/index.js';
import { Rng, sampleAction } from '../../src/core/index.js';
import type { Observation } from '../../src/core/index.js';
import { SimEnv } from '../../src/sim/index.js';
import { fullDisk, tempDir } from '../bag/fixtures.js';
import { faultConfig } from './fixtures.js';

interface Stored {
  readonly topic: string;
  readonly logTime: bigint;
  readonly data: string;
}

async function simObservations(count: number): Promise<Observation[]> {
  const env = await SimEnv.create(faultConfig().sim);
  const rng = new Rng(5);
  try {
    const out = [env.reset(5)];
    while (out.length < count) out.push(env.step(sampleAction(env.actionSpace, () => rng.next()).values).observation);
    return out;
  } finally {
    env.close();
  }
}

/** Records `observations` inline into `dir` on `disk`; returns the first error the recorder threw (at a write or at close). */
async function record(dir: string, observations: readonly Observation[], openFile: Parameters<typeof BagRecorder.start>[0]['openFile']): Promise<Error | undefined> {
  const recorder = await BagRecorder.start({ dir, thread: 'inline', chunkBytes: 32 << 10, agentChunkBytes: 4 << 10, ...(openFile === undefined ? {} : { openFile }) });
  let error: Error | undefined;
  for (const o of observations) {
    try {
      recordObservation(recorder, o);
    } catch (e) {
      error = e as Error;
      break;
    }
    // Between ticks, as a live recording: the writer takes each batch.
    await new Promise((r) => setImmediate(r));
  }
  try {
    await recorder.close();
  } catch (e) {
    error ??= e as Error;
    assert.equal((e as Error).message, error.message, 'close repeats the first failure');
  }
  return error;
}

async function readAll(dir: string): Promise<{ messages: Stored[]; problems: string[]; indexed: boolean }> {
  const reader = await BagReader.open(dir);
  const messages: Stored[] = [];
  for await (const m of reader.messages()) messages.push({ topic: m.topic, logTime: m.logTime, data: Buffer.from(m.data).toString('base64') });
  return { messages, problems: reader.problems.map((p) => p.message), indexed: reader.files.every((f) => f.summary !== undefined) };
}

test('the disk fills while recording: a named error, no handle left open, every chunk written before it readable', async () => {
  const { dir: root, cleanup } = tempDir('jepa-disk-full-');
  try {
    const observations = await simObservations(60);
    // A clean recording on a roomy disk, with the order in which its bytes reached each file.
    const trace: Array<{ path: string; bytes: number }> = [];
    const reference = join(root, 'reference');
    assert.equal(await record(reference, observations, fullDisk(1 << 30, trace).openFile), undefined);
    const total = trace.reduce((n, w) => n + w.bytes, 0);
    // The same recording on a disk that fills at 60% of it (mid-chunk).
    const free = Math.floor(0.6 * total);
    const disk = fullDisk(free);
    const full = join(root, 'full');
    const error = await record(full, observations, disk.openFile);
    assert.ok(error !== undefined, 'the recorder reported the full disk');
    assert.match(error.message, new RegExp(`^bag ${full}: the writer failed: cannot write ${full}/full(_agent)?_0\\.mcap after \\d+ bytes: no space left on device \\(ENOSPC\\); the chunks completed before it are readable \\(jepa-agent bag repair recovers them\\)$`));
    assert.equal(disk.free, 0);
    assert.equal(disk.open, 0, 'every file handle closed');

    // Each file holds exactly the first bytes of the clean recording that fitted: no gap, nothing garbled.
    const expectedDir = join(root, 'expected');
    mkdirSync(expectedDir);
    let left = free;
    const fitted = new Map<string, number>();
    for (const w of trace) {
      const take = Math.min(w.bytes, left);
      left -= take;
      fitted.set(basename(w.path), (fitted.get(basename(w.path)) ?? 0) + take);
    }
    const files = readdirSync(full).filter((f) => f.endsWith('.mcap')).sort();
    assert.deepEqual(files, ['full_0.mcap', 'full_agent_0.mcap']);
    for (const f of files) {
      const ref = f.replace('full', 'reference');
      const bytes = readFileSync(join(full, f));
      assert.equal(bytes.length, fitted.get(ref), `${f}: the bytes that fitted`);
      assert.ok(bytes.equals(readFileSync(join(reference, ref)).subarray(0, bytes.length)), `${f}: the clean recording's first ${bytes.length} bytes`);
      copyFileSync(join(reference, ref), join(expectedDir, f));
      truncateSync(join(expectedDir, f), bytes.length);
    }

    // What can be read: every message of every chunk that reached the disk, and nothing else.
    const clean = await readAll(reference);
    const expected = await readAll(expectedDir);
    const damaged = await readAll(full);
    assert.ok(expected.messages.length > 0.3 * clean.messages.length && expected.messages.length < clean.messages.length, `${expected.messages.length} of ${clean.messages.length} messages in complete chunks`);
    assert.deepEqual(damaged.messages, expected.messages);
    const recorded = new Set(clean.messages.map((m) => `${m.topic} ${m.logTime} ${m.data}`));
    assert.ok(damaged.messages.every((m) => recorded.has(`${m.topic} ${m.logTime} ${m.data}`)), 'each one as recorded');
    assert.ok(!damaged.indexed && damaged.problems.length > 0 && damaged.problems.every((p) => / is truncated: /.test(p)), damaged.problems.join('\n'));

    // bag repair turns them into files that any reader opens, with the same messages.
    await repairBag(full, { backup: false });
    const repaired = await readAll(full);
    assert.ok(repaired.indexed);
    assert.deepEqual(repaired.problems, []);
    assert.deepEqual(repaired.messages, damaged.messages);
  } finally {
    cleanup();
  }
});
