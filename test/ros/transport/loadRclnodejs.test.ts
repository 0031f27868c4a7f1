import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRclnodejs, RosUnavailableError } from '../../../src/ros/index.js';
import type { PreflightProbe } from '../../../src/ros/index.js';

describe('loadRclnodejs', () => {
  test('refuses before importing anything when the preflight fails', async () => {
    await assert.rejects(loadRclnodejs('`run`', {}), (e: unknown) => e instanceof RosUnavailableError && /^`run` needs ROS 2, which is not ready:/.test(e.message));
  });

  test('refuses a native binary that does not load (rclnodejs would rebuild itself on import)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rcl-'));
    try {
      const binary = join(dir, 'build', 'Release', 'rclnodejs.node');
      const files = new Set([join(dir, 'lib', 'librcl.so'), binary]);
      const probe: PreflightProbe = { exists: (p) => files.has(p), packageDir: () => dir, osCodename: () => undefined, arch: 'x64', platform: 'linux' };
      mkdirSync(join(dir, 'build', 'Release'), { recursive: true });
      writeFileSync(binary, 'not an ELF file');
      const env = { ROS_DISTRO: 'humble', AMENT_PREFIX_PATH: dir };
      await assert.rejects(loadRclnodejs('`sim-robot`', env, probe), /^RosUnavailableError: `sim-robot`: rclnodejs's native binary .*rclnodejs\.node does not load \(.*rclnodejs\.node: (file too short|invalid ELF header)\); .*ROS_DISTRO=humble sourced, run `npm rebuild rclnodejs`/);
      await assert.rejects(loadRclnodejs('x', { ...env, RCLNODEJS_FORCE_BUILD: '1' }, probe), /RCLNODEJS_FORCE_BUILD=1 would make importing rclnodejs rebuild it/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
