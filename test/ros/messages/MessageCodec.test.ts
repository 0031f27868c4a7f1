import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  MessageCodec,
  ROS2_MSG_DEFINITIONS,
  ROS_MESSAGE_TYPES,
  getMessageCodec,
  ros2msgSchema,
} from '../../../src/ros/index.js';
import type { JointStateMsg, RosMessageType } from '../../../src/ros/index.js';
import { mutate, mutations, runs, timed, valueOrNamedError, withTypedArrayLimit } from '../../property.js';
import { arbitraryMessage } from './arbitraryMessage.js';
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

describe('MessageCodec properties', () => {
  // A decode that allocated by a damaged length (up to 32 GiB) or looped on it would take far longer.
  const DECODE_MS = 1000;
  const escape = (t: string): string => t.replace(/\//g, '\\/');

  /** `bytes` at a random offset inside a larger buffer whose other bytes are 0xff, as a message sits in an MCAP chunk. */
  const embedded = (bytes: Uint8Array, before: number, after: number): Uint8Array => {
    const buffer = new Uint8Array(before + bytes.length + after).fill(0xff);
    buffer.set(bytes, before);
    return buffer.subarray(before, before + bytes.length);
  };

  for (const type of ROS_MESSAGE_TYPES) {
    test(`${type}: any message round-trips through CDR, also read from inside a larger buffer`, () => {
      const codec = getMessageCodec(type);
      fc.assert(
        fc.property(arbitraryMessage(type), fc.nat({ max: 64 }), fc.nat({ max: 64 }), (msg, before, after) => {
          const bytes = codec.encode(msg);
          assert.deepEqual(codec.decode(bytes), msg);
          assert.deepEqual(codec.decode(embedded(bytes, before, after)), msg);
        }),
        runs(20),
      );
    });
  }

  for (const type of ROS_MESSAGE_TYPES) {
    test(`${type}: damaged bytes decode to a message of the type or a RangeError naming it, quickly, never reading past the message`, () => {
      const codec: MessageCodec = getMessageCodec(type) as MessageCodec;
      const named = new RegExp(`MessageCodec ${escape(type)}: (cannot decode \\d+ bytes|decoded \\d+ of \\d+ bytes)`);
      fc.assert(
        fc.property(arbitraryMessage(type), mutations(), fc.boolean(), (msg, damage, bigEndian) => {
          const bytes = mutate(codec.encode(msg), damage);
          // Big-endian CDR makes the reader copy element by element, sized by the length it read.
          if (bigEndian && bytes.length > 1) bytes[1] = 0;
          const decode = (view: Uint8Array): unknown => withTypedArrayLimit(Math.max(64, bytes.length), () => valueOrNamedError(() => codec.decode(view), named));
          const { value, ms } = timed(() => decode(Uint8Array.from(bytes)));
          assert.ok(ms < DECODE_MS, `decoding ${bytes.length} damaged bytes took ${ms.toFixed(0)} ms`);
          if (value !== undefined) codec.check(value);
          // The same bytes inside a larger buffer (an MCAP chunk) give the same answer: nothing is read past them.
          assert.deepEqual(decode(embedded(bytes, 8, 64)), value);
        }),
        runs(40),
      );
    });
  }

  test('a sequence length claiming more than the bytes hold is refused before anything is sized by it, naming the byte offset', () => {
    const types: RosMessageType[] = ['sensor_msgs/msg/JointState', 'sensor_msgs/msg/Image', 'sensor_msgs/msg/PointCloud2', 'trajectory_msgs/msg/JointTrajectory'];
    fc.assert(
      fc.property(
        fc.constantFrom(...types).chain((type) => fc.tuple(fc.constant(type), arbitraryMessage(type))),
        fc.nat(),
        fc.integer({ min: 1 << 20, max: 0xffff_ffff }),
        fc.boolean(),
        ([type, msg], where, claim, bigEndian) => {
          const codec = getMessageCodec(type);
          const bytes = Uint8Array.from(codec.encode(msg as never));
          if (bigEndian) bytes[1] = 0;
          // Any 4-aligned word after the encapsulation header may be a length.
          const words = (bytes.length - 4) >> 2;
          if (words === 0) return;
          new DataView(bytes.buffer).setUint32(4 + 4 * (where % words), claim, !bigEndian);
          const { ms } = timed(() => withTypedArrayLimit(bytes.length, () => valueOrNamedError(() => codec.decode(bytes), new RegExp(escape(type)))));
          assert.ok(ms < DECODE_MS, `took ${ms.toFixed(0)} ms`);
        },
      ),
      runs(150),
    );
    const joint = getMessageCodec('sensor_msgs/msg/JointState');
    const bytes = Uint8Array.from(joint.encode({ header: { stamp: { sec: 1, nanosec: 2 }, frame_id: '' }, name: [], position: Float64Array.of(1, 2), velocity: new Float64Array(0), effort: new Float64Array(0) }));
    bytes[1] = 0;
    assert.throws(() => joint.decode(bytes), /cannot decode 52 bytes: CDR: a string at byte 12 claims 16777216 bytes, but only 36 follow/);
  });

  test('check names the first field that does not fit the type (a message decoded with another schema)', () => {
    const codec: MessageCodec<JointStateMsg> = getMessageCodec('sensor_msgs/msg/JointState');
    const other = new MessageCodec('sensor_msgs/msg/JointState', codec.schema.replace('string[] name', 'string[] nbme'));
    const msg = other.decode(codec.encode(sampleMessages()['sensor_msgs/msg/JointState']));
    assert.throws(() => codec.check(msg), /sensor_msgs\/msg\/JointState: field 'name' must be an array of string, got undefined \(missing\)/);
    // Non-ASCII text is fine in a message read (only the writer mis-sizes it).
    codec.check({ ...sampleMessages()['sensor_msgs/msg/JointState'], name: ['épaule'], position: Float64Array.of(0), effort: new Float64Array(0) });
  });
});
