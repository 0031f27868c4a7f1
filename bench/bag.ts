import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import type { SensorSource } from '../src/agent/Source.js';
import { BagReader, BagRecorder, BagSource, recordSource } from '../src/bag/index.js';
import type { ChunkCompression } from '../src/bag/index.js';
import { addSeconds } from '../src/core/index.js';
import type { DepthImage, Logger, Observation, PointCloud, Proprioception, RgbImage, SimConfig } from '../src/core/index.js';
import { SimEnv } from '../src/sim/SimEnv.js';

export interface BagBenchOptions {
  readonly seconds: number;
  readonly hz: number;
  readonly width: number;
  readonly height: number;
  readonly points: number;
  readonly compression: ChunkCompression;
  /** zstd level (negative levels are faster, compress less). */
  readonly level: number;
  /** Distinct frames rendered before recording (republished in turn). */
  readonly frames: number;
  readonly dir?: string;
  readonly keep: boolean;
  readonly logger?: Logger;
}

export interface BagBenchResult {
  /** Bytes of the finished files per second of recording (publishing start to files closed). */
  record_mb_per_s: number;
  /** Message payload offered per second (RGB + depth + cloud + joint state, before CDR and compression). */
  offered_mb_per_s: number;
  /** Messages the recorder refused because its queue was full. */
  dropped: number;
  /** Messages offered, and ticks the publisher ran more than one period late. */
  offered_messages: number;
  late_ticks: number;
  /** Most messages waiting for the writer at any tick. */
  max_pending_messages: number;
  /** Seconds from the last message offered to the files closed (the writer's backlog). */
  close_s: number;
  bag_mb: number;
  /** Chunks compressed, and chunks stored uncompressed while the writer was behind. */
  chunks_compressed: number;
  chunks_stored: number;
  /** Replay as fast as possible through BagSource (read, decompress, decode into core values). */
  replay_msgs_per_s: number;
  replay_mb_per_s: number;
  /** Reading the raw messages alone (BagReader, no decoding). */
  read_msgs_per_s: number;
  hz: number;
  seconds: number;
  image: string;
  points: number;
  compression: string;
  /** How the frames were made: the ray-cast camera is slower than 30 Hz at 640x480. */
  frames_note: string;
}

/**
 * Records what the simulator's publisher would send at `hz` for `seconds`: 640x480 RGB,
 * 640x480 depth (with CameraInfo), a 100k-point cloud and joint states. The ray-cast camera
 * renders 640x480 at about 12 fps here, so a few frames are rendered first and republished in
 * turn with fresh stamps. Then replays the bag as fast as possible.
 */
export async function benchBag(sim: Readonly<SimConfig>, options: BagBenchOptions): Promise<BagBenchResult> {
  const env = await SimEnv.create({ ...sim, camera: { ...sim.camera, width: options.width, height: options.height }, pointCount: options.points });
  const renderStart = performance.now();
  const frames: Observation[] = [env.reset(0)];
  const zero = new Float32Array(env.actionSpace.names.length);
  while (frames.length < options.frames) frames.push(env.step(zero).observation);
  const renderS = (performance.now() - renderStart) / 1000;
  env.close();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'bench-bag-'));
  const bag = join(dir, 'bench');
  try {
    const rgb = new Subject<RgbImage>();
    const depth = new Subject<DepthImage>();
    const points = new Subject<PointCloud>();
    const proprio = new Subject<Proprioception>();
    const source: SensorSource = { name: 'bench', actionSpace: env.actionSpace, rgb$: rgb, depth$: depth, points$: points, proprio$: proprio, goal$: new Subject<Observation>() };
    const recorder = await BagRecorder.start({ dir: bag, compression: options.compression, compressionLevel: options.level, ...(options.logger === undefined ? {} : { logger: options.logger }) });
    const sub = recordSource(recorder, source);
    const ticks = Math.round(options.seconds * options.hz);
    const period = 1000 / options.hz;
    let offeredBytes = 0;
    let late = 0;
    let maxPending = 0;
    const start = performance.now();
    const t0 = { sec: 1_700_000_000, nanosec: 0 };
    for (let k = 0; k < ticks; k++) {
      const due = start + k * period;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      else if (-wait > period) late++;
      const f = frames[k % frames.length];
      const stamp = addSeconds(t0, k / options.hz);
      rgb.next({ ...f.rgb!, stamp });
      depth.next({ ...f.depth!, stamp });
      points.next({ ...f.points!, stamp });
      proprio.next({ ...f.proprio!, stamp });
      offeredBytes += f.rgb!.data.byteLength + f.depth!.data.byteLength + f.points!.positions.byteLength + (f.points!.colors?.byteLength ?? 0) + (f.points!.segments?.byteLength ?? 0) + 200;
      maxPending = Math.max(maxPending, recorder.stats().pendingMessages);
    }
    const offeredEnd = performance.now();
    sub.unsubscribe();
    const { stats, files } = await recorder.close();
    const end = performance.now();
    const bagBytes = [...files.ros, ...files.agent].reduce((n, f) => n + f.bytes, 0);

    const readStart = performance.now();
    const reader = await BagReader.open(bag);
    let read = 0;
    for await (const m of reader.messages()) read += m.data.byteLength > 0 ? 1 : 0;
    const readS = (performance.now() - readStart) / 1000;

    const replay = await BagSource.open(bag, { rate: 'max' });
    let replayBytes = 0;
    replay.messages$.subscribe((m) => void (replayBytes += m.data.byteLength));
    const summary = await replay.start();
    return {
      record_mb_per_s: bagBytes / 2 ** 20 / ((end - start) / 1000),
      offered_mb_per_s: offeredBytes / 2 ** 20 / ((offeredEnd - start) / 1000),
      dropped: stats.dropped,
      offered_messages: stats.queued + stats.dropped,
      late_ticks: late,
      max_pending_messages: maxPending,
      close_s: (end - offeredEnd) / 1000,
      bag_mb: bagBytes / 2 ** 20,
      chunks_compressed: files.chunks.compressed,
      chunks_stored: files.chunks.stored,
      replay_msgs_per_s: summary.messages / summary.wallS,
      replay_mb_per_s: replayBytes / 2 ** 20 / summary.wallS,
      read_msgs_per_s: read / readS,
      hz: options.hz,
      seconds: options.seconds,
      image: `${options.width}x${options.height}`,
      points: frames[0].points!.count,
      compression: options.compression === 'zstd' ? `zstd level ${options.level}` : 'none',
      frames_note: `${frames.length} frames rendered in ${renderS.toFixed(1)} s by the ray-cast camera (${(frames.length / renderS).toFixed(1)} fps at ${options.width}x${options.height}), republished in turn at ${options.hz} Hz with fresh stamps`,
    };
  } finally {
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}
