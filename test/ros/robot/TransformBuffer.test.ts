import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { quatFromAxisAngle, quatRotate, timestampFromSeconds, transformPoint } from '../../../src/core/index.js';
import type { Pose, Vec3 } from '../../../src/core/index.js';
import { TransformBuffer } from '../../../src/ros/index.js';
import type { LookupResult } from '../../../src/ros/index.js';

const at = (s: number) => timestampFromSeconds(s);
const yaw = (a: number): Pose['quaternion'] => quatFromAxisAngle([0, 0, 1], a);
const edge = (parent: string, child: string, s: number, position: Vec3, angle = 0) => ({ stamp: at(s), parent, child, pose: { position, quaternion: yaw(angle) } });

function pose(r: LookupResult): Pose {
  if ('error' in r) assert.fail(r.error);
  return r.pose;
}
const close = (a: readonly number[], b: readonly number[], what = ''): void =>
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-9, `${what} [${a.join(', ')}] vs [${b.join(', ')}]`));

describe('TransformBuffer', () => {
  test('a chain composes from the common ancestor, either way round', () => {
    const tf = new TransformBuffer();
    tf.set(edge('world', 'base_link', 0, [1, 0, 0]), true);
    tf.set(edge('base_link', 'link_1', 1, [0, 0, 0.5], Math.PI / 2), false);
    tf.set(edge('link_1', 'tool0', 1, [0.3, 0, 0]), false);
    tf.set(edge('base_link', 'camera', 0, [0, -1, 1], Math.PI), true);
    // tool0 in base_link: 0.3 along link_1's x, which is base_link's y.
    const toolInBase = pose(tf.lookup('base_link', 'tool0', at(1)));
    close(toolInBase.position, [0, 0.3, 0.5], 'tool0 in base_link');
    // In the camera (turned half round, at (0, -1, 1)): base (0, 0.3, 0.5) is (0, -1.3, -0.5).
    const toolInCamera = pose(tf.lookup('camera', 'tool0', at(1)));
    close(toolInCamera.position, [0, -1.3, -0.5], 'tool0 in camera');
    close(transformPoint(pose(tf.lookup('tool0', 'camera', at(1))), toolInCamera.position), [0, 0, 0], 'inverse');
    close(pose(tf.lookup('world', 'tool0', at(1))).position, [1, 0.3, 0.5], 'through the static root');
    assert.deepEqual(tf.frames(), new Set(['world', 'base_link', 'link_1', 'tool0', 'camera']));
  });

  test('dynamic edges interpolate between the samples around the stamp; outside them they hold within the tolerance only', () => {
    const tf = new TransformBuffer();
    tf.set(edge('base_link', 'link_1', 2, [0, 0, 1], Math.PI / 2), false);
    tf.set(edge('base_link', 'link_1', 1, [0, 0, 0], 0), false); // late arrival, sorted in
    const mid = pose(tf.lookup('base_link', 'link_1', at(1.25)));
    close(mid.position, [0, 0, 0.25], 'position at a quarter');
    close(quatRotate(mid.quaternion, [1, 0, 0]), [Math.cos(Math.PI / 8), Math.sin(Math.PI / 8), 0], 'slerp at a quarter');
    close(pose(tf.lookup('base_link', 'link_1', at(2.04), 0.05)).position, [0, 0, 1], 'held');
    const late = tf.lookup('base_link', 'link_1', at(2.1), 0.05);
    assert.ok('error' in late && /transform 'base_link' -> 'link_1' is asked 100.0 ms after its newest sample/.test(late.error), JSON.stringify(late));
    const early = tf.lookup('base_link', 'link_1', at(0.5), 0.05);
    assert.ok('error' in early && /500.0 ms before its oldest sample/.test(early.error), JSON.stringify(early));
  });

  test('samples older than the cache are dropped; a static message replaces the history', () => {
    const tf = new TransformBuffer(1);
    for (let s = 0; s <= 3; s += 0.5) tf.set(edge('base_link', 'link_1', s, [s, 0, 0]), false);
    assert.ok('error' in tf.lookup('base_link', 'link_1', at(1.5)), 'before the last second');
    close(pose(tf.lookup('base_link', 'link_1', at(2.25))).position, [2.25, 0, 0]);
    tf.set(edge('base_link', 'link_1', 0, [9, 9, 9]), true);
    close(pose(tf.lookup('base_link', 'link_1', at(100))).position, [9, 9, 9], 'static holds at any time');
  });

  test('unconnected frames, unknown frames, loops and self-edges are named', () => {
    const tf = new TransformBuffer();
    const none = tf.lookup('base_link', 'tool0', at(0));
    assert.ok('error' in none && /no transform from 'tool0' to 'base_link': no transform has arrived/.test(none.error));
    tf.set(edge('base_link', 'link_1', 0, [0, 0, 0]), true);
    tf.set(edge('map', 'camera', 0, [0, 0, 0]), true);
    const apart = tf.lookup('camera', 'link_1', at(0));
    assert.ok('error' in apart && /'link_1' is under 'base_link', 'camera' under 'map'/.test(apart.error), JSON.stringify(apart));
    tf.set(edge('link_1', 'base_link', 0, [0, 0, 0]), true);
    const loop = tf.lookup('map', 'link_1', at(0));
    assert.ok('error' in loop && /form a loop/.test(loop.error), JSON.stringify(loop));
    assert.throws(() => tf.set(edge('a', 'a', 0, [0, 0, 0]), true), /from frame 'a' to itself/);
    close(pose(tf.lookup('x', 'x', at(0))).position, [0, 0, 0], 'a frame in itself');
  });
});
