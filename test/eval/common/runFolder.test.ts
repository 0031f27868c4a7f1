import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { codeVersion, newExperimentDir, writeRunFolder } from '../../../src/eval/common/runFolder.js';

test('a run folder holds report.json (NaN as null), report.md, plots and images', () => {
  const dir = newExperimentDir(mkdtempSync(join(tmpdir(), 'eval-runs-')), 'probe');
  assert.match(basename(dir), /^\d{4}-\d\d-\d\dT.*-probe$/);
  const bitmap = { width: 1, height: 1, rgb: Uint8Array.from([1, 2, 3]) };
  const files = writeRunFolder(dir, { json: { a: NaN, b: Float32Array.from([1.5]) }, markdown: '# r\n', plots: { p: bitmap }, images: { i: bitmap } });
  assert.equal(files.length, 4);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')), { a: null, b: [1.5] });
  assert.equal(readFileSync(join(dir, 'report.md'), 'utf8'), '# r\n');
  assert.ok(existsSync(join(dir, 'plots', 'p.png')) && existsSync(join(dir, 'images', 'i.png')));
});

test('the code version reads package.json and the commit from .git files', () => {
  const root = mkdtempSync(join(tmpdir(), 'eval-version-'));
  writeFileSync(join(root, 'package.json'), '{"version":"1.2.3"}');
  assert.deepEqual(codeVersion(root), { version: '1.2.3' });
  mkdirSync(join(root, '.git', 'refs', 'heads'), { recursive: true });
  writeFileSync(join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(root, '.git', 'refs', 'heads', 'main'), `${'a'.repeat(40)}\n`);
  assert.deepEqual(codeVersion(root), { version: '1.2.3', commit: 'a'.repeat(40) });
  assert.match(codeVersion().version, /^\d+\.\d+\.\d+/);
});
