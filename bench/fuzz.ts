// Fuzzing of the readers that take outside bytes: the CDR decoders with the ROS conversions
// behind them (target `cdr`) and the MCAP bag readers with the bag decoder (target `mcap`).
//
//   npm run build && npm run fuzz -- cdr 180      # coverage-guided with Jazzer.js, 180 s
//   npm run fuzz -- mcap 180 --random --seed 7    # seeded random mutation instead (no coverage)
//
// Each target calls the readers as the agent does and fails only on what the readers promise
// never to do: throw something that is not an Error naming its input (the message type, topic or
// file), or take longer than a bound on one input. Jazzer.js (libFuzzer) runs the exported
// `fuzzCdr` / `fuzzMcap` on inputs it grows from a seed corpus written here (real messages and a
// small recorded bag), guided by the coverage of dist/src; a failing input is saved under
// `<out>/crashes/` and must become a regression test. Jazzer's prebuilt addon needs glibc 2.38;
// on older systems it runs through the shim of jazzerCompat.ts (built once with gcc). Where it
// still cannot load, `--random` or the fallback mutates the seeds with the project's seeded Rng:
// the same checks, without coverage guidance.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BagDecoder, bagMessage, BagRecorder, loadDecompressors, McapScanner, recordObservation } from '../src/bag/index.js';
import { Rng } from '../src/core/index.js';
import type { DepthImage, PointCloud, Proprioception, RgbImage } from '../src/core/index.js';
import {
  depthImageFromRos,
  depthImageToRos,
  getMessageCodec,
  intrinsicsFromCameraInfo,
  jointStateToRos,
  jointVectorsFromRos,
  pointCloudFromRos,
  pointCloudToRos,
  rgbImageFromCompressed,
  rgbImageFromRos,
  rgbImageToRos,
  stampedPoseFromRos,
} from '../src/ros/index.js';
import type { RosMessageType } from '../src/ros/index.js';
import { jazzerLaunch } from './jazzerCompat.js';
import type { JazzerLaunch } from './jazzerCompat.js';

/** The message types the `cdr` target reads, chosen by the input's first byte. */
const CDR_TYPES: readonly RosMessageType[] = [
  'sensor_msgs/msg/Image',
  'sensor_msgs/msg/CompressedImage',
  'sensor_msgs/msg/PointCloud2',
  'sensor_msgs/msg/JointState',
  'sensor_msgs/msg/CameraInfo',
  'geometry_msgs/msg/PoseStamped',
  'trajectory_msgs/msg/JointTrajectory',
  'geometry_msgs/msg/TwistStamped',
  'std_msgs/msg/Float64MultiArray',
];
const TOPIC = '/fuzz/topic';
// One input may take this long before it counts as a hang (the readers are linear in the input).
const INPUT_MS = 2000;

/** Thrown for what a reader must never do; anything else a reader throws is its documented answer. */
class Finding extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'Finding';
  }
}

function expectNamed(fn: () => unknown, named: RegExp, what: string): void {
  const t0 = performance.now();
  try {
    fn();
  } catch (error) {
    if (!(error instanceof Error)) throw new Finding(`${what}: threw a non-Error: ${String(error)}`);
    if (!named.test(error.message)) throw new Finding(`${what}: ${error.name} does not name its input: ${error.message}`, { cause: error });
  }
  const ms = performance.now() - t0;
  if (ms > INPUT_MS) throw new Finding(`${what}: took ${ms.toFixed(0)} ms on one input`);
}

/** Jazzer target: byte 0 picks a message type, the rest is its CDR payload, decoded and converted as the agent does. */
export function fuzzCdr(data: Buffer): void {
  if (data.length === 0) return;
  const type = CDR_TYPES[data[0] % CDR_TYPES.length];
  const bytes = new Uint8Array(data.buffer, data.byteOffset + 1, data.length - 1);
  const codec = getMessageCodec(type);
  let msg: unknown;
  expectNamed(() => (msg = codec.decode(bytes)), new RegExp(`^MessageCodec ${type}: `), `decode ${type}`);
  if (msg === undefined) return;
  const label = new RegExp(`(^| )on ${TOPIC}: `);
  const convert = (fn: () => unknown): void => expectNamed(fn, label, `convert ${type}`);
  switch (type) {
    case 'sensor_msgs/msg/Image':
      convert(() => rgbImageFromRos(msg as never, TOPIC));
      convert(() => depthImageFromRos(msg as never, { topic: TOPIC }));
      break;
    case 'sensor_msgs/msg/CompressedImage':
      convert(() => rgbImageFromCompressed(msg as never, TOPIC));
      break;
    case 'sensor_msgs/msg/PointCloud2':
      convert(() => pointCloudFromRos(msg as never, { topic: TOPIC, maxPoints: 64, rng: new Rng(1) }));
      break;
    case 'sensor_msgs/msg/JointState':
      convert(() => jointVectorsFromRos(msg as never, ['j1', 'j2', 'j3'], TOPIC));
      break;
    case 'sensor_msgs/msg/CameraInfo':
      convert(() => intrinsicsFromCameraInfo(msg as never, TOPIC));
      break;
    case 'geometry_msgs/msg/PoseStamped':
      convert(() => stampedPoseFromRos(msg as never, TOPIC));
      break;
    default:
      // Commands are read from bags by CommandTransitions; decoding them is what is fuzzed here.
      break;
  }
}

let scratch: string | undefined;

/** Jazzer target: the input is an MCAP file, scanned as a damaged bag is, each message through the bag decoder. */
export async function fuzzMcap(data: Buffer): Promise<void> {
  scratch ??= mkdtempSync(join(tmpdir(), 'fuzz-mcap-'));
  const path = join(scratch, 'input_0.mcap');
  writeFileSync(path, data);
  const scanner = new McapScanner(path);
  const decoder = new BagDecoder({ jointNames: ['j1', 'j2', 'j3'] });
  // Loaded once (the decompressors compile their wasm on the first call): not part of one input's time.
  const decompressHandlers = await loadDecompressors();
  const t0 = performance.now();
  try {
    for await (const scanned of scanner.messages({ decompressHandlers })) {
      const m = bagMessage(scanned, 0);
      expectNamed(() => decoder.decode(m), new RegExp(m.topic.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), `decode a message on ${m.topic}`);
    }
  } catch (error) {
    if (error instanceof Finding) throw error;
    if (!(error instanceof Error) || !/is not an MCAP file/.test(error.message)) throw new Finding(`McapScanner threw: ${String(error)}`, { cause: error });
  }
  for (const p of scanner.problems) if (!p.message.startsWith(path)) throw new Finding(`a problem that does not name the file: ${p.message}`);
  if (performance.now() - t0 > INPUT_MS) throw new Finding(`scanning ${data.length} bytes took ${(performance.now() - t0).toFixed(0)} ms`);
}

/** Seed inputs: sane messages of every type the `cdr` target reads, and the files of a small recorded bag. */
async function writeCorpus(target: 'cdr' | 'mcap', dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const stamp = { sec: 100, nanosec: 5 };
  const rgb: RgbImage = { stamp, frameId: 'cam', width: 4, height: 3, data: Uint8Array.from({ length: 36 }, (_, i) => i * 7) };
  const depth: DepthImage = { stamp, frameId: 'cam', width: 4, height: 3, data: Float32Array.from({ length: 12 }, (_, i) => 0.5 + i / 10), intrinsics: { width: 4, height: 3, fx: 3, fy: 3, cx: 2, cy: 1.5 } };
  const points: PointCloud = { stamp, frameId: 'base', count: 5, positions: Float32Array.from({ length: 15 }, (_, i) => i / 7), colors: new Uint8Array(15).fill(9), segments: Int32Array.of(0, 1, 2, 3, -1) };
  const proprio: Proprioception = { stamp, frameId: 'base', jointNames: ['j1', 'j2', 'j3'], positions: Float64Array.of(0.1, 0.2, 0.3), velocities: Float64Array.of(0, 0, 1), endEffector: { position: [0.4, 0, 0.2], quaternion: [1, 0, 0, 0] }, gripper: 1 };
  if (target === 'cdr') {
    const seeds: Array<[RosMessageType, unknown]> = [
      ['sensor_msgs/msg/Image', rgbImageToRos(rgb)],
      ['sensor_msgs/msg/Image', depthImageToRos(depth)],
      ['sensor_msgs/msg/CompressedImage', { header: { stamp, frame_id: 'cam' }, format: 'png', data: Uint8Array.from(Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e5270ea20000000049454e44ae426082', 'hex')) }],
      ['sensor_msgs/msg/PointCloud2', pointCloudToRos(points)],
      ['sensor_msgs/msg/JointState', jointStateToRos(proprio)],
      ['sensor_msgs/msg/CameraInfo', { header: { stamp, frame_id: 'cam' }, height: 3, width: 4, distortion_model: 'plumb_bob', d: new Float64Array(5), k: Float64Array.of(3, 0, 2, 0, 3, 1.5, 0, 0, 1), r: Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), p: new Float64Array(12), binning_x: 0, binning_y: 0, roi: { x_offset: 0, y_offset: 0, height: 0, width: 0, do_rectify: false } }],
      ['geometry_msgs/msg/PoseStamped', { header: { stamp, frame_id: 'base' }, pose: { position: { x: 1, y: 2, z: 3 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } }],
      ['trajectory_msgs/msg/JointTrajectory', { header: { stamp, frame_id: '' }, joint_names: ['j1', 'j2'], points: [{ positions: Float64Array.of(1, 2), velocities: new Float64Array(0), accelerations: new Float64Array(0), effort: new Float64Array(0), time_from_start: { sec: 0, nanosec: 5 } }] }],
      ['geometry_msgs/msg/TwistStamped', { header: { stamp, frame_id: 'base' }, twist: { linear: { x: 1, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } } }],
      ['std_msgs/msg/Float64MultiArray', { layout: { dim: [], data_offset: 0 }, data: Float64Array.of(1, 2, 3) }],
    ];
    seeds.forEach(([type, msg], i) => writeFileSync(join(dir, `seed-${i}`), Buffer.concat([Buffer.of(CDR_TYPES.indexOf(type)), getMessageCodec(type).encode(msg as never)])));
    return;
  }
  const bag = mkdtempSync(join(tmpdir(), 'fuzz-seed-bag-'));
  try {
    const recorder = await BagRecorder.start({ dir: join(bag, 'seed'), thread: 'inline', chunkBytes: 1 << 10, metadata: { robot: 'fuzz', jointNames: 'j1,j2,j3' } });
    for (let k = 0; k < 3; k++) {
      const t = { sec: 100 + k, nanosec: 0 };
      recordObservation(recorder, { stamp: t, rgb: { ...rgb, stamp: t }, depth: { ...depth, stamp: t }, points: { ...points, stamp: t }, proprio: { ...proprio, stamp: t } });
    }
    await recorder.close();
    for (const f of readdirSync(join(bag, 'seed')).filter((n) => n.endsWith('.mcap'))) writeFileSync(join(dir, f), readFileSync(join(bag, 'seed', f)));
  } finally {
    rmSync(bag, { recursive: true, force: true });
  }
}

export interface FuzzResult {
  readonly target: 'cdr' | 'mcap';
  readonly engine: 'jazzer' | 'random';
  readonly seconds: number;
  readonly executions?: number;
  /** Jazzer only, from libFuzzer's last status line: coverage edges, features and corpus entries. */
  readonly coverage?: { readonly edges: number; readonly features: number; readonly corpus: number };
  readonly findings: readonly string[];
  readonly out: string;
}

/** libFuzzer's last status line (`#N DONE cov: E ft: F corp: C/...`) in `log`, if any. */
export function lastFuzzerStatus(log: string): { executions: number; coverage: NonNullable<FuzzResult['coverage']> } | undefined {
  const lines = [...log.matchAll(/^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)\//gm)];
  const last = lines.at(-1);
  if (last === undefined) return undefined;
  return { executions: Number(last[1]), coverage: { edges: Number(last[2]), features: Number(last[3]), corpus: Number(last[4]) } };
}

/** Runs Jazzer's CLI, its log passed through to stderr when `echo`; resolves to its exit code and the log's last 64 KiB. */
function runJazzer(args: readonly string[], launch: JazzerLaunch, echo: boolean): Promise<{ status: number | null; signal: NodeJS.Signals | null; log: string }> {
  const child = spawn(process.execPath, [...launch.execArgv, ...args], { env: launch.env, stdio: ['ignore', echo ? 'inherit' : 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (echo) process.stderr.write(chunk);
    log = (log + chunk.toString()).slice(-65_536);
  });
  return new Promise((resolveRun, reject) => {
    child.once('error', reject);
    child.once('close', (status, signal) => resolveRun({ status, signal, log }));
  });
}

/** Seeded random mutation of the seeds for `seconds`: the targets' checks without coverage guidance. */
async function randomFuzz(target: 'cdr' | 'mcap', corpus: string, seconds: number, seed: number, crashes: string): Promise<{ executions: number; findings: string[] }> {
  const rng = new Rng(seed);
  const seeds = readdirSync(corpus).map((f) => readFileSync(join(corpus, f)));
  const run = target === 'cdr' ? (b: Buffer) => Promise.resolve(fuzzCdr(b)) : fuzzMcap;
  const findings: string[] = [];
  const end = performance.now() + seconds * 1000;
  let executions = 0;
  while (performance.now() < end) {
    const input = mutate(seeds[rng.int(0, seeds.length)], rng, target === 'cdr' ? 1 : 8);
    executions++;
    try {
      await run(input);
    } catch (error) {
      const name = `${target}-${createHash('sha1').update(input).digest('hex').slice(0, 12)}`;
      writeFileSync(join(crashes, name), input);
      findings.push(`${name}: ${(error as Error).message}`);
    }
  }
  return { executions, findings };
}

/** One to `max` mutations of the kinds damaged files show: bit flips, bytes, zeroed spans, huge lengths, cuts, inserts. */
function mutate(seed: Buffer, rng: Rng, max: number): Buffer {
  let b = Buffer.from(seed);
  const n = rng.int(1, max + 1);
  for (let k = 0; k < n && b.length > 0; k++) {
    const at = rng.int(0, b.length);
    switch (rng.int(0, 7)) {
      case 0:
        b[at] ^= 1 << rng.int(0, 8);
        break;
      case 1:
        b[at] = rng.int(0, 256);
        break;
      case 2:
        b.fill(0, at, Math.min(b.length, at + rng.int(1, 64)));
        break;
      case 3:
        if (b.length >= 4) b.writeUInt32LE([0xffff_ffff, 0x7fff_ffff, rng.int(0, 1 << 30), rng.int(0, 64)][rng.int(0, 4)], Math.min(at, b.length - 4));
        break;
      case 4:
        if (b.length >= 8) b.writeBigUInt64LE([0xffff_ffff_ffff_ffffn, 1n << 40n, BigInt(rng.int(0, 1 << 30))][rng.int(0, 3)], Math.min(at, b.length - 8));
        break;
      case 5:
        b = b.subarray(0, at);
        break;
      default:
        b = Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: rng.int(1, 16) }, () => rng.int(0, 256))), b.subarray(at)]);
        break;
    }
  }
  return b;
}

/** Runs one target for `seconds`: with Jazzer.js when its fuzzer loads (and `random` is not asked), else seeded random mutation. */
export async function runFuzz(
  target: 'cdr' | 'mcap',
  seconds: number,
  options: { random?: boolean; seed?: number; out?: string; echo?: boolean; /** How to start Jazzer, instead of finding out (tests). */ launch?: JazzerLaunch } = {},
): Promise<FuzzResult> {
  const out = resolve(options.out ?? mkdtempSync(join(tmpdir(), `fuzz-${target}-`)));
  const corpus = join(out, 'corpus');
  const crashes = join(out, 'crashes');
  mkdirSync(crashes, { recursive: true });
  await writeCorpus(target, corpus);
  const echo = options.echo ?? true;
  const self = fileURLToPath(import.meta.url);
  const launch = options.random === true ? undefined : options.launch ?? jazzerLaunch(join(dirname(self), '..', '..', 'node_modules', '.cache', 'jepa-agent', 'jazzer-compat'));
  if (launch !== undefined && 'problem' in launch && echo) process.stderr.write(`fuzz: Jazzer.js cannot run here (${launch.problem}); seeded random mutation instead, without coverage guidance\n`);
  if (launch === undefined || 'problem' in launch) {
    const { executions, findings } = await randomFuzz(target, corpus, seconds, options.seed ?? 1, crashes);
    return { target, engine: 'random', seconds, executions, findings, out };
  }
  if (launch.note !== undefined && echo) process.stderr.write(`fuzz: ${launch.note}\n`);
  const jazzer = createRequire(import.meta.url).resolve('@jazzer.js/core/dist/cli.js');
  const args = [
    jazzer, self, corpus, `--fuzzEntryPoint=${target === 'cdr' ? 'fuzzCdr' : 'fuzzMcap'}`, `--includes=${resolve(dirname(self), '../src')}`,
    // fuzzCdr returns nothing: Jazzer's synchronous mode runs it without a promise per input.
    ...(target === 'cdr' ? ['--sync'] : []),
    '--', `-max_total_time=${seconds}`, `-artifact_prefix=${crashes}/`, `-seed=${options.seed ?? 1}`, '-max_len=65536',
  ];
  const run = await runJazzer(args, launch, echo);
  const findings = readdirSync(crashes).map((f) => `${f} (exit ${run.status ?? run.signal})`);
  const status = lastFuzzerStatus(run.log);
  // A fuzzer that died without saving an input (a loader error, an out-of-memory kill) found nothing: it did not run.
  if (findings.length === 0 && (run.status !== 0 || status === undefined)) {
    throw new Error(`fuzz: Jazzer.js ended with ${run.status === null ? `signal ${run.signal}` : `exit code ${run.status}`} and saved no input: ${run.log.trim().split('\n').slice(-3).join(' | ')}`);
  }
  return { target, engine: 'jazzer', seconds, ...(status ?? {}), findings, out };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [target, secondsText = '120', ...rest] = process.argv.slice(2);
  if (target !== 'cdr' && target !== 'mcap') {
    process.stderr.write('usage: node dist/bench/fuzz.js cdr|mcap [seconds] [--random] [--seed N] [--out DIR]\n');
    process.exit(2);
  }
  const flag = (name: string): string | undefined => {
    const i = rest.indexOf(name);
    return i < 0 ? undefined : rest[i + 1];
  };
  const seconds = Number(secondsText);
  if (!(seconds > 0)) throw new RangeError(`fuzz: seconds must be > 0, got ${secondsText}`);
  const result = await runFuzz(target, seconds, { random: rest.includes('--random'), seed: Number(flag('--seed') ?? 1), ...(flag('--out') === undefined ? {} : { out: flag('--out')! }) });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exitCode = result.findings.length > 0 ? 1 : 0;
}
