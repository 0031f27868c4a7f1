import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { preflightMessage, rosPreflight } from '../../../src/ros/index.js';
import type { PreflightProbe } from '../../../src/ros/index.js';

/** A filesystem holding exactly `files`, with rclnodejs installed at `pkg` (or not). */
function probe(files: string[], pkg: string | null = '/app/node_modules/rclnodejs', codename = 'jammy'): PreflightProbe {
  const set = new Set(files);
  return { exists: (p) => set.has(p), packageDir: () => pkg ?? undefined, osCodename: () => codename, arch: 'x64', platform: 'linux' };
}

const SOURCED = { ROS_DISTRO: 'humble', AMENT_PREFIX_PATH: '/opt/ros/humble', LD_LIBRARY_PATH: '/opt/ros/humble/lib' };

describe('rosPreflight', () => {
  test('passes with ROS 2 sourced and a local rclnodejs build', () => {
    const r = rosPreflight(SOURCED, probe(['/opt/ros/humble/lib/librcl.so', '/app/node_modules/rclnodejs/build/Release/rclnodejs.node']));
    assert.deepEqual(r.problems, []);
    assert.equal(r.ok, true);
    assert.equal(r.binary, '/app/node_modules/rclnodejs/build/Release/rclnodejs.node');
    assert.equal(r.librcl, '/opt/ros/humble/lib/librcl.so');
  });

  test('prefers the prebuilt binary for the distro and OS, as rclnodejs loads it', () => {
    const prebuilt = '/app/node_modules/rclnodejs/prebuilds/linux-x64/humble-jammy-x64-node-rclnodejs.node';
    const r = rosPreflight(SOURCED, probe(['/opt/ros/humble/lib/librcl.so', prebuilt, '/app/node_modules/rclnodejs/build/Release/rclnodejs.node']));
    assert.equal(r.binary, prebuilt);
  });

  test('finds librcl through AMENT_PREFIX_PATH when LD_LIBRARY_PATH lacks it', () => {
    const env = { ROS_DISTRO: 'jazzy', AMENT_PREFIX_PATH: '/ws/install/msgs:/opt/ros/jazzy' };
    const r = rosPreflight(env, probe(['/opt/ros/jazzy/lib/librcl.so', '/app/node_modules/rclnodejs/build/Release/rclnodejs.node']));
    assert.equal(r.ok, true);
    assert.equal(r.librcl, '/opt/ros/jazzy/lib/librcl.so');
  });

  test('without ROS 2 names each missing piece and how to source it', () => {
    const r = rosPreflight({}, probe([], null));
    assert.equal(r.ok, false);
    assert.equal(r.problems.length, 4);
    assert.match(r.problems[0], /^ROS_DISTRO is not set: ROS 2 is not sourced \(run `source \/opt\/ros\/humble\/setup\.bash`/);
    assert.match(r.problems[1], /^AMENT_PREFIX_PATH is not set/);
    assert.match(r.problems[2], /^librcl\.so not found \(LD_LIBRARY_PATH and AMENT_PREFIX_PATH are empty\)/);
    assert.match(r.problems[3], /rclnodejs package is not installed.*npm install rclnodejs@2\.2\.0/);
    assert.match(preflightMessage(r, '`run`'), /^`run` needs ROS 2, which is not ready:\n {2}- ROS_DISTRO is not set/);
  });

  test('an unsupported distro, a missing librcl and an unbuilt rclnodejs are each named', () => {
    const r = rosPreflight({ ROS_DISTRO: 'foxy', AMENT_PREFIX_PATH: '/opt/ros/foxy' }, probe([]));
    assert.match(r.problems[0], /^ROS_DISTRO is 'foxy', expected one of humble, jazzy, kilted, rolling/);
    assert.match(r.problems[1], /^librcl\.so not found \(searched \/opt\/ros\/foxy\/lib\)/);
    assert.match(r.problems[2], /^rclnodejs has no native binary \(looked for .*prebuilds\/linux-x64\/foxy-jammy-x64-node-rclnodejs\.node and .*build\/Release\/rclnodejs\.node\).*npm rebuild rclnodejs/);
    assert.equal(r.binary, undefined);
  });

  test('the source hint follows a supported ROS_DISTRO', () => {
    const r = rosPreflight({ ROS_DISTRO: 'jazzy' }, probe([], null));
    assert.match(r.problems.join('\n'), /source \/opt\/ros\/jazzy\/setup\.bash/);
  });
});
