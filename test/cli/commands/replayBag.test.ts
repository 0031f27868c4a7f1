// `jepa-agent replay BAG --rate max` as a user runs it, on a bag recorded by the project's own
// recorder and then damaged: the crash of issue 17 (an uncaught exception from BagDecoder's
// #proprio, a stack trace, exit code 7) and what it must be instead.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { open } from 'node:fs/promises';
import { McapIndexedReader } from '@mcap/core';
import { FileHandleReadable } from '@mcap/nodejs';
import { BagRecorder, recordObservation, robotMetadata } from '../../../src/bag/index.js';
import { makeActionSpace } from '../../../src/core/index.js';
import { frame, JOINTS, tempDir } from '../../bag/fixtures.js';

const CLI = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));

function replay(bag: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [CLI, 'replay', bag, '--rate', 'max'], { encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('jepa-agent replay on a damaged bag', () => {
  const { dir: root, cleanup } = tempDir('replay-cli-');
  const bag = join(root, 'recorded');
  after(cleanup);

  before(async () => {
    const space = makeActionSpace('joint_delta', [...JOINTS, 'gripper'], [-1, -1, -1, -1], [1, 1, 1, 1]);
    // Uncompressed, so that a test can damage a message where it lies.
    const recorder = await BagRecorder.start({ dir: bag, thread: 'inline', chunkBytes: 8 << 10, compression: 'none', metadata: { robot: 'test', ...robotMetadata(space, JOINTS) } });
    for (let k = 0; k < 12; k++) recordObservation(recorder, frame(k, 16));
    const { stats } = await recorder.close();
    assert.equal(stats.failed + stats.dropped, 0);
  });

  test('metadata naming a joint the joint states lack (one flipped bit, no CRC covers it): warns, replays every message, exits 0', () => {
    const damaged = join(root, 'flipped');
    cpSync(bag, damaged, { recursive: true });
    // The agent's file is read first, so its metadata is the one used: 'j1' becomes 'j0' there.
    const file = join(damaged, 'recorded_agent_0.mcap');
    const bytes = readFileSync(file);
    bytes[bytes.indexOf('j1,j2,j3') + 1] ^= 0x01;
    writeFileSync(file, bytes);
    const intact = replay(bag);
    assert.equal(intact.status, 0, intact.stderr);
    const run = replay(damaged);
    // Before: "sensor_msgs/JointState on /joint_states: joint 'j0' is missing" thrown from BagDecoder #proprio, uncaught, a stack trace, exit code 7.
    assert.equal(run.status, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
    assert.match(run.stderr, /its metadata names joints \[j0, j2, j3\], but \/joint_states carries \[j1, j2, j3\]: the metadata looks damaged; joint states are read in their own order/);
    const out = JSON.parse(run.stdout) as { replay: { messages: number; skipped: Record<string, number> } };
    assert.deepEqual(out.replay.skipped, {});
    assert.equal(out.replay.messages, (JSON.parse(intact.stdout) as { replay: { messages: number } }).replay.messages);
  });

  test('a joint state that cannot be decoded (its chunk CRC gone too): warned with its file, chunk, topic and log time, skipped; the replay goes on and exits 0', async () => {
    const damaged = join(root, 'bad-joint-state');
    cpSync(bag, damaged, { recursive: true });
    const file = join(damaged, 'recorded_0.mcap');
    const handle = await open(file, 'r');
    const chunks = (await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle) })).chunkIndexes;
    await handle.close();
    const bytes = readFileSync(file);
    // A JointState's name count (3) as CDR writes it, just before its first name: claimed to be 2^32 - 1.
    const names = bytes.indexOf(Buffer.from([3, 0, 0, 0, 3, 0, 0, 0, 0x6a, 0x31, 0]));
    assert.ok(names > 0, 'a joint state in the file');
    bytes.writeUInt32LE(0xffff_ffff, names);
    const chunk = chunks.find((c) => Number(c.chunkStartOffset) < names && names < Number(c.chunkStartOffset + c.chunkLength))!;
    bytes.writeUInt32LE(0, Number(chunk.chunkStartOffset) + 9 + 24);
    writeFileSync(file, bytes);
    const run = replay(damaged);
    assert.equal(run.status, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
    assert.match(
      run.stderr,
      new RegExp(`skipped a message on /joint_states logged at \\d+ ns \\(${file}, chunk at byte ${chunk.chunkStartOffset}\\): bag: topic /joint_states: MessageCodec sensor_msgs/msg/JointState: cannot decode \\d+ bytes: CDR: a sequence length at byte \\d+ claims 4294967295 elements`),
    );
    assert.match(run.stderr, /1 messages on \/joint_states could not be decoded and were skipped/);
    const out = JSON.parse(run.stdout) as { replay: { skipped: Record<string, number> } };
    assert.deepEqual(out.replay.skipped, { '/joint_states': 1 });
  });
});
