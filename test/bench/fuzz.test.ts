// The fuzz bench: its targets, its reading of libFuzzer's log, and Jazzer.js itself for a few
// seconds on each reader (through the glibc compat shim where the prebuilt fuzzer needs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { lastFuzzerStatus, runFuzz } from '../../bench/fuzz.js';
import { jazzerLaunch, versionNeeds } from '../../bench/jazzerCompat.js';

const addon = join(dirname(createRequire(import.meta.url).resolve('@jazzer.js/fuzzer/package.json')), 'prebuilds', 'fuzzer-linux-x64.node');

test("versionNeeds: the prebuilt fuzzer's needs of glibc 2.38 and GLIBCXX_3.4.32 are the three symbols the shim defines", () => {
  const needs = versionNeeds(readFileSync(addon), addon);
  const of = (file: string, version: string) => needs.find((n) => n.file === file && n.version === version);
  assert.deepEqual([...of('libc.so.6', 'GLIBC_2.38')!.symbols].sort(), ['__isoc23_strtol', '__isoc23_strtoul']);
  assert.deepEqual(of('libstdc++.so.6', 'GLIBCXX_3.4.32')?.symbols, ['_ZSt21ios_base_library_initv']);
  assert.equal(of('libc.so.6', 'GLIBC_2.2.5')?.weak, false);
  assert.ok(of('libc.so.6', 'GLIBC_2.2.5')!.symbols.includes('__errno_location'));
  assert.ok(of('libm.so.6', 'GLIBC_2.2.5')!.symbols.includes('sqrt'));
  assert.throws(() => versionNeeds(Buffer.from('not an elf, plainly, but long enough to hold a header of sixty-four bytes'), 'x.node'), /x\.node: not an ELF file/);
});

test('lastFuzzerStatus: executions and coverage from the last status line; none without one', () => {
  const log = '#2\tINITED cov: 10 ft: 11 corp: 2/9b exec/s: 0 rss: 30Mb\n#14565\tDONE   cov: 247 ft: 364 corp: 54/7834b lim: 398 exec/s: 910 rss: 302Mb\nDone 14565 runs\n';
  assert.deepEqual(lastFuzzerStatus(log), { executions: 14565, coverage: { edges: 247, features: 364, corpus: 54 } });
  assert.equal(lastFuzzerStatus('/usr/bin/node: symbol lookup error: x.node: undefined symbol: f'), undefined);
});

test('runFuzz --random: seeded mutation of both readers finds nothing in a second', async () => {
  for (const target of ['cdr', 'mcap'] as const) {
    const out = mkdtempSync(join(tmpdir(), 'fuzz-test-'));
    try {
      const result = await runFuzz(target, 1, { random: true, seed: 3, out, echo: false });
      assert.equal(result.engine, 'random');
      assert.ok(result.executions! > 0, `${target}: no input ran`);
      assert.deepEqual(result.findings, []);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
});

const compilers = ['gcc', 'g++'].every((c) => spawnSync(c, ['--version']).status === 0);
const needsCompilers = { skip: compilers ? false : 'gcc and g++ are needed to build the glibc compat shim' };

test('Jazzer.js runs here: directly, or through the compat shim built from scratch', needsCompilers, () => {
  const cache = mkdtempSync(join(tmpdir(), 'jazzer-compat-'));
  try {
    const launch = jazzerLaunch(cache);
    assert.ok(!('problem' in launch), 'problem' in launch ? launch.problem : '');
    const child = spawnSync(process.execPath, [...launch.execArgv, '-e', `console.log(typeof require(${JSON.stringify(createRequire(import.meta.url).resolve('@jazzer.js/fuzzer'))}).fuzzer.startFuzzing)`], { env: { ...launch.env, LD_BIND_NOW: '1' }, encoding: 'utf8' });
    assert.equal(child.stdout.trim(), 'function', child.stderr);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('runFuzz with Jazzer.js: coverage-guided runs of both readers for three seconds find nothing', needsCompilers, async () => {
  for (const target of ['cdr', 'mcap'] as const) {
    const out = mkdtempSync(join(tmpdir(), 'fuzz-test-'));
    try {
      const result = await runFuzz(target, 3, { seed: 5, out, echo: false });
      assert.equal(result.engine, 'jazzer');
      assert.ok(result.executions! > 0 && result.coverage!.edges > 0, JSON.stringify(result));
      assert.deepEqual(result.findings, []);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
});

test('runFuzz: a Jazzer process that dies before fuzzing is an error, not a clean run', async () => {
  const out = mkdtempSync(join(tmpdir(), 'fuzz-test-'));
  try {
    // As when the loader refuses the addon mid-run: the process exits before libFuzzer reports anything.
    const dies = { execArgv: ['-e', 'process.stderr.write("symbol lookup error: fuzzer.node\\n"); process.exit(127)'], env: process.env };
    await assert.rejects(runFuzz('cdr', 1, { out, echo: false, launch: dies }), /Jazzer\.js ended with exit code 127 and saved no input: symbol lookup error/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
