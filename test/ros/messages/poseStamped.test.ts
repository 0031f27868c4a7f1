import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { getMessageCodec, stampedPoseFromRos, stampedPoseToRos } from '../../../src/ros/index.js';
import type { PoseStampedMsg } from '../../../src/ros/index.js';
import { mutate, mutations, runs, valueOrNamedError } from '../../property.js';
import { arbitraryMessage } from './arbitraryMessage.js';
import { header } from './fixtures.js';

const codec = getMessageCodec('geometry_msgs/msg/PoseStamped');

function message(position: [number, number, number], q: { x: number; y: number; z: number; w: number }): PoseStampedMsg {
  return { header: header(5, 6, 'base_link'), pose: { position: { x: position[0], y: position[1], z: position[2] }, orientation: q } };
}

describe('geometry_msgs/PoseStamped <-> StampedPose', () => {
  test('ROS x, y, z, w becomes the core w, x, y, z; a nearly unit quaternion is renormalised', () => {
    const pose = stampedPoseFromRos(codec.decode(codec.encode(message([0.4, 0.1, 0.2], { x: 0, y: 0, z: 0.7071, w: 0.7071 }))), '/ee_pose');
    assert.deepEqual(pose.pose.position, [0.4, 0.1, 0.2]);
    assert.ok(Math.abs(Math.hypot(...pose.pose.quaternion) - 1) < 1e-12);
    assert.ok(Math.abs(pose.pose.quaternion[0] - Math.SQRT1_2) < 1e-12 && Math.abs(pose.pose.quaternion[3] - Math.SQRT1_2) < 1e-12);
    assert.deepEqual({ stamp: pose.stamp, frameId: pose.frameId }, { stamp: { sec: 5, nanosec: 6 }, frameId: 'base_link' });
  });

  test('an unset (zero) quaternion and a non-finite position are refused, naming the topic', () => {
    assert.throws(() => stampedPoseFromRos(message([0, 0, 0], { x: 0, y: 0, z: 0, w: 0 }), '/ee_pose'), /^RangeError: geometry_msgs\/PoseStamped on \/ee_pose: pose\.orientation has norm 0, expected a unit quaternion/);
    assert.throws(() => stampedPoseFromRos(message([0, NaN, 0], { x: 0, y: 0, z: 0, w: 1 }), '/ee_pose'), /pose\.position\.y is NaN/);
  });
});

describe('geometry_msgs/PoseStamped properties', () => {
  const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });
  const unit = fc
    .tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }))
    .filter((q) => Math.hypot(...q) > 1e-3)
    .map((q) => q.map((v) => v / Math.hypot(...q)) as [number, number, number, number]);

  test('any pose with a unit quaternion round-trips through PoseStamped and CDR', () => {
    fc.assert(
      fc.property(finite, finite, finite, unit, (x, y, z, quaternion) => {
        const pose = { stamp: { sec: 1, nanosec: 2 }, frameId: 'base_link', pose: { position: [x, y, z] as [number, number, number], quaternion } };
        const back = stampedPoseFromRos(codec.decode(codec.encode(stampedPoseToRos(pose))), '/ee_pose');
        assert.deepEqual(back.pose.position, [x, y, z]);
        back.pose.quaternion.forEach((v, i) => assert.ok(Math.abs(v - quaternion[i]) < 1e-12, `component ${i}: ${v} vs ${quaternion[i]}`));
      }),
      runs(60),
    );
  });

  test('any PoseStamped, also with damaged CDR: a finite pose with a unit quaternion or a RangeError naming the topic', () => {
    fc.assert(
      fc.property(arbitraryMessage('geometry_msgs/msg/PoseStamped'), fc.boolean(), fc.option(mutations(), { nil: undefined }), (msg, validStamp, damage) => {
        const clean = validStamp ? { ...msg, header: header() } : msg;
        const input = damage === undefined ? clean : valueOrNamedError(() => codec.decode(mutate(codec.encode(clean), damage)), /MessageCodec geometry_msgs\/msg\/PoseStamped/);
        if (input === undefined) return;
        const pose = valueOrNamedError(() => stampedPoseFromRos(input, '/ee_pose'), /^geometry_msgs\/PoseStamped on \/ee_pose: /);
        if (pose !== undefined) {
          assert.ok(pose.pose.position.every(Number.isFinite));
          assert.ok(Math.abs(Math.hypot(...pose.pose.quaternion) - 1) < 1e-9);
        }
      }),
      runs(200),
    );
  });
});
