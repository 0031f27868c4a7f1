import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { agentSchemaData, encodeAgentRecord } from '../../src/bag/agentRecords.js';
import { BagDecoder } from '../../src/bag/BagDecoder.js';
import type { DecodedEvent } from '../../src/bag/BagDecoder.js';
import type { BagMessage } from '../../src/bag/BagReader.js';
import { DEFAULT_BAG_TOPICS } from '../../src/bag/topics.js';
import { depthImageToRos, getMessageCodec, jointStateToRos, pointCloudToRos, rgbImageToRos } from '../../src/ros/index.js';
import type { RosMessageType } from '../../src/ros/index.js';
import { mutate, mutations, runs, valueOrNamedError } from '../property.js';
import { arbitraryMessage } from '../ros/messages/arbitraryMessage.js';
import { frame } from './fixtures.js';

const T = DEFAULT_BAG_TOPICS;
const encoder = new TextEncoder();

function rosMessage(topic: string, type: RosMessageType, data: Uint8Array, schema = getMessageCodec(type).schema, logTime = 1n): BagMessage {
  return { topic, schemaName: type, schemaEncoding: 'ros2msg', schemaData: encoder.encode(schema), messageEncoding: 'cdr', logTime, publishTime: logTime, sequence: 0, data, file: 0, chunkOffset: 0 };
}

/** Sane messages of every role the decoder plays, from the test fixtures' frame k. */
function saneMessages(k: number): BagMessage[] {
  const f = frame(k, 8);
  const codec = <K extends RosMessageType>(type: K): ReturnType<typeof getMessageCodec<K>> => getMessageCodec(type);
  return [
    { topic: '/agent/arm_state', schemaName: 'jepa_agent.ArmState', schemaEncoding: 'protobuf', schemaData: agentSchemaData('jepa_agent.ArmState'), messageEncoding: 'protobuf', logTime: 1n, publishTime: 1n, sequence: 0, data: encodeAgentRecord('jepa_agent.ArmState', { stamp: f.stamp, frameId: 'b', position: [0.1, 0.2, 0.3], quaternion: [1, 0, 0, 0], gripper: 0.5 }), file: 0, chunkOffset: 0 },
    rosMessage(T.jointStates, 'sensor_msgs/msg/JointState', codec('sensor_msgs/msg/JointState').encode(jointStateToRos(f.proprio))),
    rosMessage(T.rgb, 'sensor_msgs/msg/Image', codec('sensor_msgs/msg/Image').encode(rgbImageToRos(f.rgb))),
    rosMessage(T.depth, 'sensor_msgs/msg/Image', codec('sensor_msgs/msg/Image').encode(depthImageToRos(f.depth))),
    rosMessage(T.points, 'sensor_msgs/msg/PointCloud2', codec('sensor_msgs/msg/PointCloud2').encode(pointCloudToRos(f.points))),
  ];
}

describe('BagDecoder', () => {
  test('a schema that does not fit, or bytes that do not decode, are errors naming the topic; the next message decodes as if they had not come', () => {
    const decoder = new BagDecoder();
    const [arm, joints] = saneMessages(1);
    const renamed = rosMessage(T.jointStates, 'sensor_msgs/msg/JointState', joints.data, getMessageCodec('sensor_msgs/msg/JointState').schema.replace('float64[] position', 'float64[] positions'));
    assert.throws(() => decoder.decode(renamed), /^TypeError: bag: topic \/joint_states: sensor_msgs\/msg\/JointState: field 'position' must be Float64Array or an array of float64, got undefined \(missing\)$/);
    assert.throws(() => decoder.decode({ ...joints, schemaData: undefined }), /^TypeError: bag: topic \/joint_states: its channel refers to a schema the file does not define$/);
    assert.throws(() => decoder.decode({ ...arm, data: arm.data.subarray(0, 3) }), /^RangeError: bag: topic \/agent\/arm_state: agent record jepa_agent\.ArmState: /);
    decoder.decode(arm);
    const [event] = decoder.decode(joints);
    assert.equal(event.kind, 'proprio');
    assert.equal((event as Extract<DecodedEvent, { kind: 'proprio' }>).value.gripper, 0.5);
  });
});

describe('BagDecoder and tf', () => {
  test("with the recording node's base frame, clouds in a camera frame come out in it, with the robot's shapes posed there; without a transform they are refused naming both frames", () => {
    const decoder = new BagDecoder({ baseFrame: 'base_link', framePrefix: 'ur_' });
    const codec = <K extends RosMessageType>(type: K): ReturnType<typeof getMessageCodec<K>> => getMessageCodec(type);
    const tf = (frameId: string, child: string, z: number, sec: number) => ({
      header: { stamp: { sec, nanosec: 0 }, frame_id: frameId },
      child_frame_id: child,
      transform: { translation: { x: 0, y: 0, z }, rotation: { x: 0, y: 0, z: 0, w: 1 } },
    });
    const urdf = '<robot name="r"><link name="tool"><collision><geometry><sphere radius="0.05"/></geometry></collision></link></robot>';
    const cloud = (frameId: string) => rosMessage(T.points, 'sensor_msgs/msg/PointCloud2', codec('sensor_msgs/msg/PointCloud2').encode(pointCloudToRos({ stamp: { sec: 2, nanosec: 0 }, frameId, count: 1, positions: Float32Array.of(0, 0, 0.5) })));
    decoder.decode(rosMessage(T.robotDescription, 'std_msgs/msg/String', codec('std_msgs/msg/String').encode({ data: urdf })));
    decoder.decode(rosMessage(T.tfStatic, 'tf2_msgs/msg/TFMessage', codec('tf2_msgs/msg/TFMessage').encode({ transforms: [tf('base_link', 'camera', 1, 0)] })));
    decoder.decode(rosMessage(T.tf, 'tf2_msgs/msg/TFMessage', codec('tf2_msgs/msg/TFMessage').encode({ transforms: [tf('base_link', 'ur_tool', 0.3, 2)] })));
    const events = decoder.decode(cloud('camera'));
    assert.deepEqual(events.map((e) => e.kind), ['robotShapes', 'points']);
    const [shapes, points] = events as [Extract<DecodedEvent, { kind: 'robotShapes' }>, Extract<DecodedEvent, { kind: 'points' }>];
    assert.equal(points.value.frameId, 'base_link');
    assert.deepEqual([...points.value.positions], [0, 0, 1.5]);
    assert.equal(shapes.value.frameId, 'base_link');
    assert.deepEqual(shapes.value.shapes[0].position, [0, 0, 0.3]);
    assert.throws(() => decoder.decode(cloud('wrist_camera')), /^RangeError: bag: topic \/camera\/depth\/points: a cloud in frame 'wrist_camera' cannot be brought into 'base_link': no transform from 'wrist_camera' to 'base_link'/);
  });
});

describe('BagDecoder properties', () => {
  const ROLES: Array<[string, RosMessageType]> = [
    [T.rgb, 'sensor_msgs/msg/Image'],
    [T.rgb, 'sensor_msgs/msg/CompressedImage'],
    [T.depth, 'sensor_msgs/msg/Image'],
    [T.points, 'sensor_msgs/msg/PointCloud2'],
    [T.cameraInfo, 'sensor_msgs/msg/CameraInfo'],
    [T.jointStates, 'sensor_msgs/msg/JointState'],
    [T.goalRgb, 'sensor_msgs/msg/Image'],
  ];
  /** A message on any role: sane, arbitrary of its type, with damaged bytes, or decoded by a damaged schema. */
  const anyMessage = fc.oneof(
    fc.nat({ max: 20 }).chain((k) => fc.constantFrom(...saneMessages(k))),
    fc.constantFrom(...ROLES).chain(([topic, type]) => arbitraryMessage(type, { bytes: 48 }).map((msg) => rosMessage(topic, type, getMessageCodec(type).encode(msg as never)))),
  );
  const damaged = fc.tuple(anyMessage, fc.option(mutations(), { nil: undefined }), fc.option(mutations(2), { nil: undefined })).map(([m, bytes, schema]) => ({
    ...m,
    data: bytes === undefined ? m.data : mutate(m.data, bytes),
    schemaData: schema === undefined || m.schemaData === undefined ? m.schemaData : mutate(m.schemaData, schema),
  }));

  test('any run of messages, some damaged: each decodes to sane events or is an error naming its topic, and the errors leave nothing behind', () => {
    fc.assert(
      fc.property(fc.array(damaged, { minLength: 1, maxLength: 8 }), (messages) => {
        const decoder = new BagDecoder({ jointNames: ['j1', 'j2', 'j3'] });
        const decoded: BagMessage[] = [];
        const events: DecodedEvent[] = [];
        for (const m of messages) {
          const out = valueOrNamedError(() => decoder.decode(m), new RegExp(m.topic.replace(/\//g, '\\/')));
          if (out === undefined) continue;
          decoded.push(m);
          events.push(...out);
        }
        for (const e of events) {
          switch (e.kind) {
            case 'rgb':
              assert.equal(e.value.data.length, 3 * e.value.width * e.value.height);
              break;
            case 'depth':
              assert.equal(e.value.data.length, e.value.width * e.value.height);
              break;
            case 'points':
              assert.equal(e.value.positions.length, 3 * e.value.count);
              break;
            case 'proprio':
              assert.deepEqual(e.value.jointNames, ['j1', 'j2', 'j3']);
              assert.equal(e.value.positions.length, 3);
              assert.equal(e.value.endEffector.position.length, 3);
              break;
            default:
              break;
          }
        }
        // The same decoder state without the failures: the same events.
        const again = new BagDecoder({ jointNames: ['j1', 'j2', 'j3'] });
        assert.deepEqual(decoded.flatMap((m) => again.decode(m)), events);
      }),
      runs(300),
    );
  });
});
