// Jazzer.js on systems older than its prebuilt native fuzzer.
//
// @jazzer.js/fuzzer 4.0.0 ships its libFuzzer addon built against glibc 2.38 and GCC 13's
// libstdc++ (GLIBCXX_3.4.32). Debian 12 has glibc 2.36 and Ubuntu 22.04 (ROS 2 Humble's platform)
// 2.35, so dlopen refuses the addon there, although all it takes from those versions is three
// symbols: __isoc23_strtol and __isoc23_strtoul (glibc 2.38's C23 spellings of strtol/strtoul)
// and std::ios_base_library_init (GCC 13's hook that makes the standard streams exist).
//
// What this does, in a cache folder (node_modules is never touched):
//   - builds a small shared library defining those three symbols under those two versions,
//     forwarding to strtol/strtoul and to one std::ios_base::Init;
//   - writes a copy of the addon whose needs of the two versions are marked weak (VER_FLG_WEAK),
//     so that glibc's loader accepts the copy and binds the three symbols to the preloaded library;
//   - writes a --require hook that loads the copy in place of the addon.
// Jazzer's own source build downloads LLVM (this project builds offline), and no library patches
// ELF version needs, so the ELF reading below is written here: 64-bit little-endian only.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The symbols the shim defines, per version: nothing else of these versions may be needed. */
const SHIM_SYMBOLS: Readonly<Record<string, readonly string[]>> = {
  'GLIBC_2.38': ['__isoc23_strtol', '__isoc23_strtoul'],
  'GLIBCXX_3.4.32': ['_ZSt21ios_base_library_initv'],
};

const SHIM_C = `#include <stdlib.h>
/* C23 also reads "0b" prefixes with base 0 or 2; libFuzzer parses its flags in base 10. */
long __isoc23_strtol(const char *s, char **end, int base) { return strtol(s, end, base); }
unsigned long __isoc23_strtoul(const char *s, char **end, int base) { return strtoul(s, end, base); }
`;

const SHIM_CXX = `#include <ios>
extern "C" void jepa_ios_base_library_init() __asm__("_ZSt21ios_base_library_initv");
extern "C" void jepa_ios_base_library_init() { static std::ios_base::Init init; }
`;

const SHIM_MAP = Object.entries(SHIM_SYMBOLS)
  .map(([version, symbols]) => `${version} { global: ${symbols.join('; ')}; };`)
  .join('\n');

/** One version an ELF object needs from a library (an entry of .gnu.version_r). */
export interface VersionNeed {
  readonly file: string;
  readonly version: string;
  /** The version index the object's .gnu.version gives its symbols of this version. */
  readonly index: number;
  readonly weak: boolean;
  /** Byte offset of the entry's vna_flags in the file. */
  readonly flagsOffset: number;
  /** The undefined symbols the object takes at this version. */
  readonly symbols: readonly string[];
}

const SHT_DYNSYM = 11;
const SHT_GNU_VERSYM = 0x6fffffff;
const SHT_GNU_VERNEED = 0x6ffffffe;
const VER_FLG_WEAK = 0x2;

interface Section {
  readonly type: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly entsize: number;
}

/** The version needs of a 64-bit little-endian ELF shared object, with the symbols taken at each. */
export function versionNeeds(elf: Buffer, name = 'the ELF file'): VersionNeed[] {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${name}: not an ELF file`);
  if (elf[4] !== 2 || elf[5] !== 1) throw new Error(`${name}: only 64-bit little-endian ELF is read (class ${elf[4]}, data ${elf[5]})`);
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  if (shoff + shnum * shentsize > elf.length) throw new Error(`${name}: section headers beyond the end of the file`);
  const sections: Section[] = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    sections.push({
      type: elf.readUInt32LE(at + 4),
      offset: Number(elf.readBigUInt64LE(at + 24)),
      size: Number(elf.readBigUInt64LE(at + 32)),
      link: elf.readUInt32LE(at + 40),
      info: elf.readUInt32LE(at + 44),
      entsize: Number(elf.readBigUInt64LE(at + 56)),
    });
  }
  const stringAt = (table: Section, offset: number): string => {
    const start = table.offset + offset;
    return elf.toString('latin1', start, elf.indexOf(0, start));
  };
  const needs: Array<Omit<VersionNeed, 'symbols'> & { symbols: string[] }> = [];
  for (const s of sections.filter((x) => x.type === SHT_GNU_VERNEED)) {
    const strings = sections[s.link];
    let at = s.offset;
    for (let n = 0; n < s.info; n++) {
      const count = elf.readUInt16LE(at + 2);
      const file = stringAt(strings, elf.readUInt32LE(at + 4));
      let aux = at + elf.readUInt32LE(at + 8);
      for (let k = 0; k < count; k++) {
        const flags = elf.readUInt16LE(aux + 4);
        needs.push({ file, version: stringAt(strings, elf.readUInt32LE(aux + 8)), index: elf.readUInt16LE(aux + 6), weak: (flags & VER_FLG_WEAK) !== 0, flagsOffset: aux + 4, symbols: [] });
        aux += elf.readUInt32LE(aux + 12);
      }
      at += elf.readUInt32LE(at + 12);
    }
  }
  const dynsym = sections.find((x) => x.type === SHT_DYNSYM);
  const versym = sections.find((x) => x.type === SHT_GNU_VERSYM);
  if (dynsym !== undefined && versym !== undefined) {
    const strings = sections[dynsym.link];
    const count = dynsym.size / dynsym.entsize;
    for (let i = 1; i < count; i++) {
      const sym = dynsym.offset + i * dynsym.entsize;
      const undefinedSymbol = elf.readUInt16LE(sym + 6) === 0;
      const index = elf.readUInt16LE(versym.offset + 2 * i) & 0x7fff;
      const need = needs.find((x) => x.index === index);
      if (undefinedSymbol && need !== undefined) need.symbols.push(stringAt(strings, elf.readUInt32LE(sym)));
    }
  }
  return needs;
}

/** How to start a node process that loads Jazzer's fuzzer: extra node options and environment. */
export interface JazzerLaunch {
  readonly execArgv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Set when the compat shim is in use: what it does, for the log. */
  readonly note?: string;
}

/** Why the native fuzzer does not load in this process, or undefined when it does. */
function loadProblem(): string | undefined {
  try {
    createRequire(import.meta.url)('@jazzer.js/fuzzer');
    return undefined;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

/**
 * How to run Jazzer.js here: as it is when its fuzzer loads; through the shim (built once into
 * `cacheDir`) when only the glibc 2.38 / GLIBCXX_3.4.32 symbols above are missing; otherwise
 * the reason it cannot run.
 */
export function jazzerLaunch(cacheDir: string): JazzerLaunch | { readonly problem: string } {
  const problem = loadProblem();
  if (problem === undefined) return { execArgv: [], env: process.env };
  if (!/GLIBC_2\.38|GLIBCXX_3\.4\.32/.test(problem)) return { problem };
  if (process.platform !== 'linux' || process.arch !== 'x64') return { problem };
  const require = createRequire(import.meta.url);
  const addon = join(dirname(require.resolve('@jazzer.js/fuzzer/package.json')), 'prebuilds', 'fuzzer-linux-x64.node');
  const original = readFileSync(addon);
  const needs = versionNeeds(original, addon);
  const patched = Buffer.from(original);
  for (const need of needs.filter((n) => n.version in SHIM_SYMBOLS)) {
    const missing = need.symbols.filter((s) => !SHIM_SYMBOLS[need.version].includes(s));
    if (missing.length > 0) return { problem: `${problem}; the compat shim does not define ${missing.join(', ')} (${need.version})` };
    patched.writeUInt16LE(patched.readUInt16LE(need.flagsOffset) | VER_FLG_WEAK, need.flagsOffset);
  }
  mkdirSync(cacheDir, { recursive: true });
  const dir = join(cacheDir, createHash('sha1').update(original).update(SHIM_C).update(SHIM_CXX).digest('hex').slice(0, 12));
  const shim = join(dir, 'libjazzer-glibc-compat.so');
  const copy = join(dir, 'fuzzer-linux-x64.node');
  const hook = join(dir, 'load-compat-addon.cjs');
  if (!existsSync(hook)) {
    // Built in a folder of this process's own, then renamed into place: two fuzz runs started together never see half a build.
    const building = `${dir}.building-${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(building, { recursive: true });
    writeFileSync(join(building, 'shim.c'), SHIM_C);
    writeFileSync(join(building, 'shim.cc'), SHIM_CXX);
    writeFileSync(join(building, 'shim.map'), SHIM_MAP);
    const steps: Array<[string, string[]]> = [
      ['gcc', ['-O2', '-fPIC', '-c', 'shim.c', '-o', 'shim-c.o']],
      ['g++', ['-O2', '-fPIC', '-c', 'shim.cc', '-o', 'shim-cc.o']],
      ['g++', ['-shared', '-Wl,--version-script=shim.map', '-o', basename(shim), 'shim-c.o', 'shim-cc.o']],
    ];
    for (const [tool, args] of steps) {
      const run = spawnSync(tool, args, { cwd: building, encoding: 'utf8' });
      if (run.status !== 0) {
        rmSync(building, { recursive: true, force: true });
        return { problem: `${problem}; building the compat shim failed: ${tool} ${args.join(' ')}: ${run.error?.message ?? run.stderr.trim()}` };
      }
    }
    writeFileSync(join(building, basename(copy)), patched);
    writeFileSync(
      join(building, basename(hook)),
      `// Loads the copy of Jazzer's addon whose glibc 2.38 needs are weak (bench/jazzerCompat.ts).\n` +
        `const Module = require('node:module');\nconst load = Module._extensions['.node'];\n` +
        `Module._extensions['.node'] = function (module, filename) {\n` +
        `  return load.call(this, module, filename === ${JSON.stringify(addon)} ? ${JSON.stringify(copy)} : filename);\n};\n`,
    );
    try {
      renameSync(building, dir);
    } catch (error) {
      // Another run put its build there first: use that one.
      rmSync(building, { recursive: true, force: true });
      if (!existsSync(hook)) throw error;
    }
  }
  const env = { ...process.env, LD_PRELOAD: [shim, process.env.LD_PRELOAD].filter(Boolean).join(':') };
  const execArgv = ['--require', hook];
  // LD_BIND_NOW: every symbol binds at load, so a missing one shows here and not mid-run.
  const check = spawnSync(process.execPath, [...execArgv, '-e', `require(${JSON.stringify(require.resolve('@jazzer.js/fuzzer'))})`], { env: { ...env, LD_BIND_NOW: '1' }, encoding: 'utf8' });
  if (check.status !== 0) return { problem: `${problem}; through the compat shim too: ${check.stderr.trim().split('\n').find((l) => /Error|error/.test(l)) ?? `exit ${check.status}`}` };
  return { execArgv, env, note: `Jazzer.js's prebuilt fuzzer needs glibc 2.38 (${problem}); it runs through the compat shim in ${dir}` };
}
