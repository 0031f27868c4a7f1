import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DepthImage, PointCloud, Proprioception, RgbImage, Timestamp } from '../../src/core/index.js';

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
