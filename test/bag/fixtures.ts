import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McapIndexedReader } from '@mcap/core';
import { FileHandleReadable } from '@mcap/nodejs';
import type { DepthImage, PointCloud, Proprioception, RgbImage, Timestamp } from '../../src/core/index.js';
import { toNanoseconds } from '../../src/core/index.js';
import { BagRecorder } from '../../src/bag/BagRecorder.js';
import type { WritableFile } from '../../src/bag/FileWritable.js';
import type { RosMessageMap, RosMessageType } from '../../src/ros/index.js';
import { getMessageCodec } from '../../src/ros/index.js';

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'bag-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const JOINTS = ['j1', 'j2', 'j3'] as const;

/** Small deterministic sensor values for frame k (32x32 images). */
export function frame(k: number, size = 32): { stamp: Timestamp; rgb: RgbImage; depth: DepthImage; points: PointCloud; proprio: Proprioception } {
  const stamp = { sec: 100 + Math.floor(k / 10), nanosec: (k % 10) * 100_000_000 };
  const rgb = new Uint8Array(size * size * 3).map((_, i) => (i * 7 + k) & 255);
  const depth = new Float32Array(size * size).map((_, i) => (i % 5 === 0 ? NaN : 0.5 + ((i + k) % 13) / 100));
  const n = 20;
  const positions = new Float32Array(3 * n).map((_, i) => (i + k) / 50);
  return {
    stamp,
    rgb: { stamp, frameId: 'cam', width: size, height: size, data: rgb },
    depth: { stamp, frameId: 'cam', width: size, height: size, data: depth, intrinsics: { width: size, height: size, fx: 30, fy: 30, cx: size / 2, cy: size / 2 } },
    points: { stamp, frameId: 'base_link', count: n, positions, colors: new Uint8Array(3 * n).fill(k & 255), segments: new Int32Array(n).fill(k % 3) },
    proprio: {
      stamp,
      frameId: 'base_link',
      jointNames: [...JOINTS],
      positions: Float64Array.of(0.1 * k, 0.2, -0.3),
      velocities: Float64Array.of(0.01, 0, k),
      endEffector: { position: [0.4, 0.01 * k, 0.2], quaternion: [1, 0, 0, 0] },
      gripper: (k % 4) / 4,
    },
  };
}

import type { Logger } from '../../src/core/index.js';

/** A logger that keeps every line, for asserting on warnings. */
export function recordingLogger(): Logger & { lines: Array<{ level: string; message: string }> } {
  const lines: Array<{ level: string; message: string }> = [];
  const make = (): Logger & { lines: typeof lines } => ({
    lines,
    error: (message) => void lines.push({ level: 'error', message }),
    warn: (message) => void lines.push({ level: 'warn', message }),
    info: (message) => void lines.push({ level: 'info', message }),
    debug: (message) => void lines.push({ level: 'debug', message }),
    child: () => make(),
  });
  return make();
}

const PLAIN_MS = 1_000_000;

/** The stamp `ms` milliseconds into a plain bag (writePlainBag). */
export function plainBagStamp(ms: number): Timestamp {
  return { sec: 100 + Math.floor(ms / 1000), nanosec: (ms % 1000) * PLAIN_MS };
}

/**
 * 30 Hz camera (colour and 32FC1 depth) whose joint state (100 Hz) comes from a separate
 * driver, and 20 Hz commands; returns the commands' values as written.
 */
export async function writePlainBag(
  dir: string,
  command: 'twist' | 'trajectory',
  seconds = 1,
  extra: {
    readonly secondCamera?: string;
    readonly gripper?: boolean;
    /** Gripper positions as the robot's joint has them (default 0.25 and 1, alternating). */
    readonly gripperPositions?: readonly [number, number];
    /** MCAP metadata (default none, as rosbag2 writes it). */
    readonly metadata?: Readonly<Record<string, string>>;
    /** Uncompressed small chunks, so that a test can damage a message where it lies. */
    readonly uncompressed?: boolean;
    /** Topics whose first message is written as bytes no CDR decoder accepts (its sequence claims 2^32 - 1 elements). */
    readonly garbageFirst?: readonly string[];
  } = {},
): Promise<number[][]> {
  const recorder = await BagRecorder.start({
    dir,
    thread: 'inline',
    ...(extra.metadata === undefined ? {} : { metadata: extra.metadata }),
    ...(extra.uncompressed === true ? { compression: 'none' as const, chunkBytes: 4 << 10 } : {}),
  });
  const garbage = new Set(extra.garbageFirst ?? []);
  const raw = <K extends RosMessageType>(topic: string, type: K, ms: number, msg: RosMessageMap[K]): void => {
    const bytes = garbage.delete(topic) ? Uint8Array.of(0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff) : getMessageCodec(type).encode(msg);
    recorder.writeRaw(topic, type, toNanoseconds(plainBagStamp(ms)) + 2n * BigInt(PLAIN_MS), bytes);
  };
  const sent: number[][] = [];
  const q = (ms: number): number[] => [0.2 + ms / 10000, -0.1 + ms / 20000];
  for (let ms = 0; ms <= seconds * 1000; ms++) {
    if (ms % 10 === 0) {
      raw('/my_arm/joint_states', 'sensor_msgs/msg/JointState', ms, { header: { stamp: plainBagStamp(ms), frame_id: '' }, name: ['j2', 'j1'], position: Float64Array.from(q(ms).reverse()), velocity: new Float64Array(0), effort: new Float64Array(0) });
    }
    if (ms % 33 === 0) {
      raw('/cam/color', 'sensor_msgs/msg/Image', ms, { header: { stamp: plainBagStamp(ms), frame_id: 'cam' }, height: 2, width: 2, encoding: 'rgb8', is_bigendian: 0, step: 6, data: new Uint8Array(12).fill(ms & 255) });
      const depth = new Float32Array(4).fill(0.5 + ms / 10000);
      if (extra.secondCamera !== undefined) {
        raw(extra.secondCamera, 'sensor_msgs/msg/Image', ms, { header: { stamp: plainBagStamp(ms), frame_id: 'cam2' }, height: 2, width: 2, encoding: 'bgr8', is_bigendian: 0, step: 6, data: new Uint8Array(12) });
      }
      raw('/cam/depth', 'sensor_msgs/msg/Image', ms, { header: { stamp: plainBagStamp(ms), frame_id: 'cam' }, height: 2, width: 2, encoding: '32FC1', is_bigendian: 0, step: 8, data: new Uint8Array(depth.buffer) });
    }
    if (ms % 50 === 7) {
      const k = sent.length;
      if (command === 'twist') {
        const v = [0.01 * ((k % 5) - 2), 0.02, -0.01 * (k % 3)];
        raw('/servo/cmd', 'geometry_msgs/msg/TwistStamped', ms, { header: { stamp: plainBagStamp(ms), frame_id: 'base' }, twist: { linear: { x: v[0], y: v[1], z: v[2] }, angular: { x: 0, y: 0, z: 0 } } });
        sent.push([v[0] * 0.05, v[1] * 0.05, v[2] * 0.05, 1]);
      } else {
        const target = q(ms).map((p, i) => p + 0.01 * (i + 1) * ((k % 4) - 1));
        // With the gripper as our node sends it: one more joint, 0 closed .. 1 open.
        const [closedish, open] = extra.gripperPositions ?? [0.25, 1];
        const opening = k % 2 === 0 ? closedish : open;
        if (extra.gripper === true) target.push(opening);
        raw('/arm/joint_trajectory', 'trajectory_msgs/msg/JointTrajectory', ms, {
          header: { stamp: plainBagStamp(ms), frame_id: '' },
          joint_names: extra.gripper === true ? ['j1', 'j2', 'gripper'] : ['j1', 'j2'],
          points: [{ positions: Float64Array.from(target), velocities: new Float64Array(0), accelerations: new Float64Array(0), effort: new Float64Array(0), time_from_start: { sec: 0, nanosec: 50 * PLAIN_MS } }],
        });
        // The default range, 0 closed .. 1 open (a test with another range maps the positions itself).
        sent.push([0.01 * ((k % 4) - 1), 0.02 * ((k % 4) - 1), extra.gripper === true ? 2 * opening - 1 : 1]);
      }
    }
  }
  await recorder.close();
  return sent;
}


/**
 * A disk with `freeBytes` left, shared by every file opened through it: files are real (created
 * with node:fs), a write takes what still fits (a short count, as write(2) does) and then fails
 * with ENOSPC as Node reports it.
 */
export function fullDisk(
  freeBytes: number,
  /** Each write that took bytes, in order: which file and how many. */
  trace: Array<{ path: string; bytes: number }> = [],
): { openFile: (path: string) => Promise<WritableFile>; readonly free: number; readonly open: number } {
  let free = freeBytes;
  let openFiles = 0;
  return {
    get free() {
      return free;
    },
    get open() {
      return openFiles;
    },
    openFile: async (path) => {
      const handle = await openFile(path, 'wx');
      openFiles++;
      return {
        write: async (buffer, offset, length) => {
          if (free === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { errno: -28, code: 'ENOSPC', syscall: 'write' });
          const { bytesWritten } = await handle.write(buffer, offset, Math.min(length, free));
          free -= bytesWritten;
          trace.push({ path, bytes: bytesWritten });
          return { bytesWritten };
        },
        close: async () => {
          await handle.close();
          openFiles--;
        },
      };
    },
  };
}

/**
 * Damages the `nth` (0-based) message of a plain trajectory bag (writePlainBag, uncompressed)
 * whose CDR holds `names` as its first string sequence after the header: the sequence claims
 * 2^32 - 1 elements, and the CRC of its chunk is zeroed so that the reader passes the chunk on
 * and the message itself must be refused. Returns the file and the chunk's offset.
 */
export async function damagePlainBagMessage(dir: string, names: readonly string[], nth: number): Promise<{ file: string; chunkOffset: bigint }> {
  const file = join(dir, readdirSync(dir).find((f) => f.endsWith('_0.mcap') && !f.includes('_agent_'))!);
  const handle = await openFile(file, 'r');
  const chunks = (await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle) })).chunkIndexes;
  await handle.close();
  const bytes = readFileSync(file);
  // The sequence length, then the first string's length (with its NUL) and its characters.
  const pattern = Buffer.concat([Buffer.from(Uint32Array.of(names.length).buffer), Buffer.from(Uint32Array.of(names[0].length + 1).buffer), Buffer.from(`${names[0]}\0`, 'latin1')]);
  let at = -1;
  for (let k = 0; k <= nth; k++) {
    at = bytes.indexOf(pattern, at + 1);
    if (at < 0) throw new Error(`damagePlainBagMessage: ${file} has only ${k} messages naming [${names.join(', ')}]`);
  }
  bytes.writeUInt32LE(0xffff_ffff, at);
  const chunk = chunks.find((c) => Number(c.chunkStartOffset) < at && at < Number(c.chunkStartOffset + c.chunkLength));
  if (chunk === undefined) throw new Error(`damagePlainBagMessage: byte ${at} of ${file} is in no chunk`);
  // Opcode (1) and length (8), start and end times and uncompressed size (24): then the CRC.
  bytes.writeUInt32LE(0, Number(chunk.chunkStartOffset) + 9 + 24);
  writeFileSync(file, bytes);
  return { file, chunkOffset: chunk.chunkStartOffset };
}
