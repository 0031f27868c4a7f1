import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { frameTransformsFromRos, frameTransformsToRos, getMessageCodec } from '../../../src/ros/index.js';
import { sampleMessages } from './fixtures.js';

describe('tf2_msgs/TFMessage', () => {
  test('transforms come out in core order (w first), frames without a leading slash, and go back the same', () => {
    const codec = getMessageCodec('tf2_msgs/msg/TFMessage');
    const msg = sampleMessages()['tf2_msgs/msg/TFMessage'];
    const [a, b] = frameTransformsFromRos(codec.decode(codec.encode(msg)), '/tf');
    assert.deepEqual(a, { stamp: { sec: 5, nanosec: 6 }, parent: 'base_link', child: 'link_1', pose: { position: [1.5, -2.25, 1e-9], quaternion: [0.5, 0.5, -0.5, 0.5] } });
    assert.equal(b.parent, 'link_1');
    assert.deepEqual(frameTransformsToRos([a, b]), msg);
    const slashed = { transforms: [{ ...msg.transforms[0], header: { ...msg.transforms[0].header, frame_id: '/world' }, child_frame_id: '/base_link' }] };
    assert.deepEqual(frameTransformsFromRos(slashed).map((t) => [t.parent, t.child]), [['world', 'base_link']]);
  });

  test('a transform with an empty frame, a non-finite translation or a non-unit rotation refuses the message, naming it', () => {
    const good = sampleMessages()['tf2_msgs/msg/TFMessage'].transforms[0];
    const bad = (t: object) => ({ transforms: [good, { ...good, ...t }] });
    assert.throws(() => frameTransformsFromRos(bad({ child_frame_id: '' }), '/tf'), /^RangeError: tf2_msgs\/TFMessage on \/tf: transforms\[1\]: empty frame name/);
    assert.throws(
      () => frameTransformsFromRos(bad({ transform: { ...good.transform, translation: { x: 0, y: NaN, z: 0 } } }), '/tf'),
      /transforms\[1\] \('base_link' -> 'link_1'\): transform.translation.y is NaN/,
    );
    assert.throws(
      () => frameTransformsFromRos(bad({ transform: { ...good.transform, rotation: { x: 0, y: 0, z: 0, w: 0 } } })),
      /^RangeError: tf2_msgs\/TFMessage: transforms\[1\] \('base_link' -> 'link_1'\): transform.rotation has norm 0, expected a unit quaternion/,
    );
  });
});
