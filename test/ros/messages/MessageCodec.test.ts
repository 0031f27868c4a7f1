import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MessageCodec,
  ROS2_MSG_DEFINITIONS,
  ROS_MESSAGE_TYPES,
  getMessageCodec,
  ros2msgSchema,
} from '../../../src/ros/index.js';
import { sampleMessages } from './fixtures.js';

// A tf2_msgs/TFMessage captured from turtlesim on ROS 2 (the fixture of
// foxglove/rosmsg2-serialization's MessageReader.test.ts, "should deserialize a ROS 2
// tf2_msgs/TFMessage"): bytes written by a real rmw, not by the library under test.
const TURTLESIM_TF_HEX =
  '0001000001000000286fae6169ddd73108000000747572746c6531000e000000747572746c65315f616865616400000000000000000000000000f03f00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000f03f';
const CDR_LE_HEADER = Uint8Array.of(0, 1, 0, 0);

// geometry_msgs and tf2_msgs definitions (humble) the capture needs beyond our own set.
const TF_DEFINITIONS = {
  ...ROS2_MSG_DEFINITIONS,
  'tf2_msgs/TFMessage': 'geometry_msgs/TransformStamped[] transforms\n',
  'geometry_msgs/TransformStamped': 'std_msgs/Header header\nstring child_frame_id\nTransform transform\n',
  'geometry_msgs/Transform': 'Vector3 translation\nQuaternion rotation\n',
  'geometry_msgs/Quaternion': 'float64 x 0\nfloat64 y 0\nfloat64 z 0\nfloat64 w 1\n',
};

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe('MessageCodec', () => {
  test('every built-in type round-trips object -> CDR bytes -> object', () => {
    const samples = sampleMessages();
    for (const type of ROS_MESSAGE_TYPES) {
      const codec = getMessageCodec(type);
      const bytes = codec.encode(samples[type]);
      assert.deepEqual([...bytes.subarray(0, 4)], [0, 1, 0, 0], `${type}: CDR little-endian encapsulation header`);
      assert.deepEqual(codec.decode(bytes), samples[type], type);
    }
  });

  test('decodes a real turtlesim TFMessage and re-encodes it byte for byte', () => {
    const bytes = Uint8Array.from(Buffer.from(TURTLESIM_TF_HEX, 'hex'));
    const codec = new MessageCodec('tf2_msgs/TFMessage', ros2msgSchema('tf2_msgs/TFMessage', TF_DEFINITIONS));
    assert.equal(codec.type, 'tf2_msgs/msg/TFMessage');
    const msg = codec.decode(bytes);
    assert.deepEqual(msg, {
      transforms: [
        {
          header: { stamp: { sec: 1638821672, nanosec: 836230505 }, frame_id: 'turtle1' },
          child_frame_id: 'turtle1_ahead',
          transform: { translation: { x: 1, y: 0, z: 0 }, rotation: { x: 0, y: 0, z: 0, w: 1 } },
        },
      ],
    });
    assert.equal(hex(codec.encode(msg)), TURTLESIM_TF_HEX);
  });

  test('golden slices of the capture decode with our Header and Vector3 codecs', () => {
    // Payload offsets 4..24 (the header, 4-aligned) and 48..72 (the translation, 8-aligned)
    // are complete messages of their own type once the encapsulation header is put back.
    const payload = Uint8Array.from(Buffer.from(TURTLESIM_TF_HEX, 'hex')).subarray(4);
    const headerBytes = concat(CDR_LE_HEADER, payload.subarray(4, 24));
    const headerCodec = getMessageCodec('std_msgs/msg/Header');
    assert.deepEqual(headerCodec.decode(headerBytes), { stamp: { sec: 1638821672, nanosec: 836230505 }, frame_id: 'turtle1' });
    assert.equal(hex(headerCodec.encode({ stamp: { sec: 1638821672, nanosec: 836230505 }, frame_id: 'turtle1' })), hex(headerBytes));
    const vectorBytes = concat(CDR_LE_HEADER, payload.subarray(48, 72));
    assert.deepEqual(getMessageCodec('geometry_msgs/msg/Vector3').decode(vectorBytes), { x: 1, y: 0, z: 0 });
  });

  test('hand-computed bytes: std_msgs/Bool and big-endian Vector3', () => {
    assert.equal(hex(getMessageCodec('std_msgs/msg/Bool').encode({ data: true })), '0001000001');
    // CDR_BE encapsulation (0x0000): doubles stored most significant byte first.
    const be = Uint8Array.from(Buffer.from('00000000' + '3ff0000000000000' + 'c000000000000000' + '4008000000000000', 'hex'));
    assert.deepEqual(getMessageCodec('geometry_msgs/msg/Vector3').decode(be), { x: 1, y: -2, z: 3 });
  });

  test('getMessageCodec shares one codec per type; the schema is ros2msgSchema', () => {
    const a = getMessageCodec('sensor_msgs/msg/Image');
    assert.equal(getMessageCodec('sensor_msgs/msg/Image'), a);
    assert.equal(a.schema, ros2msgSchema('sensor_msgs/msg/Image'));
    assert.equal(a.type, 'sensor_msgs/msg/Image');
  });

  test('encode names the bad field instead of writing a default', () => {
    const codec = getMessageCodec('sensor_msgs/msg/JointState');
    const good = sampleMessages()['sensor_msgs/msg/JointState'];
    assert.throws(
      () => codec.encode({ ...good, position: Float32Array.of(1, 2) as unknown as Float64Array }),
      /sensor_msgs\/msg\/JointState: field 'position' must be Float64Array or an array of float64, got a Float32Array/,
    );
    assert.throws(
      () => codec.encode({ ...good, header: { stamp: { sec: 1, nanosec: 2 } } as never }),
      /field 'header\.frame_id' must be a string, got undefined \(missing\)/,
    );
  });

  test('decode errors name the type, the size and what went wrong', () => {
    const header = getMessageCodec('std_msgs/msg/Header').encode({ stamp: { sec: 1, nanosec: 2 }, frame_id: 'abc' });
    assert.throws(() => getMessageCodec('sensor_msgs/msg/JointState').decode(header), (error: Error) => {
      assert.match(error.message, /MessageCodec sensor_msgs\/msg\/JointState: cannot decode 20 bytes: /);
      assert.ok(error.cause instanceof Error);
      return true;
    });
    // A Header read as a Bool "succeeds" on the first byte; the leftover bytes give it away.
    assert.throws(() => getMessageCodec('std_msgs/msg/Bool').decode(header), /decoded 5 of 20 bytes; 15 left over means the bytes hold another type/);
    // Up to 3 bytes of DDS padding are fine.
    const padded = concat(getMessageCodec('std_msgs/msg/Bool').encode({ data: false }), Uint8Array.of(0, 0, 0));
    assert.deepEqual(getMessageCodec('std_msgs/msg/Bool').decode(padded), { data: false });
  });

  test('a schema that does not parse is an error naming the type', () => {
    assert.throws(() => new MessageCodec('pkg/msg/Bad', 'int32[ x\n'), /MessageCodec pkg\/msg\/Bad: cannot parse its ros2msg schema/);
    assert.throws(() => new MessageCodec('not a type', 'int32 x\n'), /ROS type name 'not a type' is not pkg\/msg\/Type/);
  });
});
