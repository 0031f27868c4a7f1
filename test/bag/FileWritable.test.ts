import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { BagWriteError, FileWritable } from '../../src/bag/FileWritable.js';
import { fullDisk, tempDir } from './fixtures.js';

test('a short write is continued where it stopped: the file has every byte, in order', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'f');
    const handle = await open(path, 'wx');
    // A file that takes at most 3 bytes per call, as a nearly full disk does.
    const writable = new FileWritable(path, { write: (b, o, l) => handle.write(b, o, Math.min(l, 3)), close: () => handle.close() });
    await writable.write(Uint8Array.of(1, 2, 3, 4, 5, 6, 7));
    await writable.write(Uint8Array.of(8));
    await handle.close();
    assert.equal(writable.position(), 8n);
    assert.deepEqual([...readFileSync(path)], [1, 2, 3, 4, 5, 6, 7, 8]);
  } finally {
    cleanup();
  }
});

test('a full disk: what fits is written, then a BagWriteError names the file, the position and ENOSPC', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'f');
    const disk = fullDisk(5);
    const file = await disk.openFile(path);
    const writable = new FileWritable(path, file);
    await writable.write(Uint8Array.of(1, 2, 3));
    const error = await writable.write(Uint8Array.of(4, 5, 6, 7)).then(
      () => undefined,
      (e: unknown) => e,
    );
    await file.close();
    assert.ok(error instanceof BagWriteError);
    assert.equal(error.code, 'ENOSPC');
    assert.equal(error.position, 5);
    assert.equal(error.message, `cannot write ${path} after 5 bytes: no space left on device (ENOSPC); the chunks completed before it are readable (jepa-agent bag repair recovers them)`);
    assert.deepEqual([...readFileSync(path)], [1, 2, 3, 4, 5], 'the bytes that fitted are on disk');
  } finally {
    cleanup();
  }
});
