import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type JointStateMsg, type JointVectors, getMessageCodec, jointStateToRos, jointVectorsFromRos } from '../../../src/ros/index.js';
import { header } from './fixtures.js';
import { mutate, mutations, runs, valueOrNamedError } from '../../property.js';
import { arbitraryMessage } from './arbitraryMessage.js';

const codec = getMessageCodec('sensor_msgs/msg/JointState');
const ARM = ['shoulder_pan', 'shoulder_lift', 'elbow', 'wrist'];

function viaCdr(msg: JointStateMsg): JointStateMsg {
  return codec.decode(codec.encode(msg));
}

describe('sensor_msgs/JointState <-> joint vectors', () => {
  test('a shuffled message with extra joints maps by name to the configured order', () => {
    const msg: JointStateMsg = {
      header: header(20, 30, 'base_link'),
      name: ['wrist', 'finger_left', 'elbow', 'shoulder_pan', 'finger_right', 'shoulder_lift'],
      position: Float64Array.of(4, 90, 3, 1, 91, 2),
      velocity: Float64Array.of(-4, 0, -3, -1, 0, -2),
      effort: new Float64Array(0),
    };
    const joints = jointVectorsFromRos(viaCdr(msg), ARM);
    assert.deepEqual(joints.jointNames, ARM);
    assert.deepEqual([...joints.positions], [1, 2, 3, 4]);
    assert.deepEqual([...(joints.velocities ?? [])], [-1, -2, -3, -4]);
    assert.equal(joints.efforts, undefined, 'an empty effort array means not reported');
    assert.deepEqual({ stamp: joints.stamp, frameId: joints.frameId }, { stamp: { sec: 20, nanosec: 30 }, frameId: 'base_link' });
  });

  test('velocities may be absent, as ROS allows', () => {
    const msg: JointStateMsg = { header: header(), name: ['wrist', 'elbow'], position: Float64Array.of(1, 2), velocity: new Float64Array(0), effort: Float64Array.of(5, 6) };
    const joints = jointVectorsFromRos(msg, ['elbow', 'wrist']);
    assert.equal(joints.velocities, undefined);
    assert.deepEqual([...(joints.efforts ?? [])], [6, 5]);
  });

  test('a missing joint is named, with what the message has', () => {
    const msg: JointStateMsg = { header: header(), name: ['elbow', 'wrist'], position: Float64Array.of(1, 2), velocity: new Float64Array(0), effort: new Float64Array(0) };
    assert.throws(
      () => jointVectorsFromRos(msg, ARM, '/joint_states'),
      /^RangeError: sensor_msgs\/JointState on \/joint_states: joint 'shoulder_pan' is missing \(message has: elbow, wrist\)$/,
    );
  });

  test('inconsistent arrays and duplicate names are refused', () => {
    const base: JointStateMsg = { header: header(), name: ['a', 'b'], position: Float64Array.of(1, 2), velocity: new Float64Array(0), effort: new Float64Array(0) };
    assert.throws(() => jointVectorsFromRos({ ...base, position: Float64Array.of(1) }, ['a']), /2 names but 1 positions/);
    assert.throws(() => jointVectorsFromRos({ ...base, velocity: Float64Array.of(1) }, ['a']), /2 names but 1 velocity values \(expected 2 or none\)/);
    assert.throws(() => jointVectorsFromRos({ ...base, name: ['a', 'a'] }, ['a']), /joint 'a' appears twice/);
  });

  test('vectors -> JointState -> CDR -> JointState -> vectors is the identity', () => {
    const full: JointVectors = {
      stamp: { sec: 3, nanosec: 4 },
      frameId: '',
      jointNames: ARM,
      positions: Float64Array.of(0.1, -0.2, 0.3, -0.4),
      velocities: Float64Array.of(1, 2, 3, 4),
      efforts: Float64Array.of(-1, -2, -3, -4),
    };
    assert.deepEqual(jointVectorsFromRos(viaCdr(jointStateToRos(full)), ARM), full);
    const positionsOnly: JointVectors = { stamp: full.stamp, frameId: 'base', jointNames: ARM, positions: full.positions };
    const msg = jointStateToRos(positionsOnly);
    assert.equal(msg.velocity.length, 0);
    assert.deepEqual(jointVectorsFromRos(viaCdr(msg), ARM), positionsOnly);
    assert.throws(() => jointStateToRos({ ...full, velocities: Float64Array.of(1) }), /4 joint names but 1 velocities/);
  });
});

describe('sensor_msgs/JointState properties', () => {
  const name = fc.string({ unit: fc.constantFrom(...'abcdefghij_0123'), minLength: 1, maxLength: 6 });
  const vectors = fc.uniqueArray(name, { maxLength: 7 }).chain((names) =>
    fc.record({
      names: fc.constant(names),
      positions: fc.float64Array({ minLength: names.length, maxLength: names.length }),
      velocities: fc.option(fc.float64Array({ minLength: names.length, maxLength: names.length }), { nil: undefined }),
      efforts: fc.option(fc.float64Array({ minLength: names.length, maxLength: names.length }), { nil: undefined }),
      configured: fc.shuffledSubarray(names),
    }),
  );

  test('any joint vectors, read back in any configured order and subset, give each joint its own values', () => {
    fc.assert(
      fc.property(vectors, ({ names, positions, velocities, efforts, configured }) => {
        const joints: JointVectors = { stamp: { sec: 3, nanosec: 4 }, frameId: 'base', jointNames: names, positions, ...(velocities === undefined ? {} : { velocities }), ...(efforts === undefined ? {} : { efforts }) };
        const back = jointVectorsFromRos(viaCdr(jointStateToRos(joints)), configured, '/joint_states');
        assert.deepEqual(back.jointNames, configured);
        // An empty array means "not reported" in ROS: no joints, no velocities either.
        const pick = (values: Float64Array | undefined): number[] | undefined => (values === undefined || values.length === 0 ? undefined : configured.map((n) => values[names.indexOf(n)]));
        assert.deepEqual([...back.positions], pick(positions) ?? []);
        assert.deepEqual(back.velocities === undefined ? undefined : [...back.velocities], pick(velocities));
        assert.deepEqual(back.efforts === undefined ? undefined : [...back.efforts], pick(efforts));
      }),
      runs(80),
    );
  });

  test('any JointState, also with damaged CDR, against any configured joints: vectors in that order or a RangeError naming the topic', () => {
    fc.assert(
      fc.property(arbitraryMessage('sensor_msgs/msg/JointState'), fc.array(name, { maxLength: 4 }), fc.boolean(), fc.option(mutations(), { nil: undefined }), (msg, configured, ownOrder, damage) => {
        let input: JointStateMsg | undefined = { ...msg, header: header() };
        if (damage !== undefined) {
          input = valueOrNamedError(() => codec.decode(mutate(codec.encode(msg), damage)), /MessageCodec sensor_msgs\/msg\/JointState/);
          if (input === undefined) return;
        }
        const names = ownOrder ? input.name : configured;
        const value = valueOrNamedError(() => jointVectorsFromRos(input, names, '/joint_states'), /^sensor_msgs\/JointState on \/joint_states: /);
        if (value !== undefined) assert.equal(value.positions.length, names.length);
      }),
      runs(200),
    );
  });
});
