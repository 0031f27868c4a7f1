import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CDR_MESSAGE_ENCODING,
  ROS2MSG_SCHEMA_ENCODING,
  msgDependencies,
  parseRosTypeName,
  ros2msgSchema,
  rosSchemaName,
} from '../../../src/ros/index.js';

const SEP = '='.repeat(80);

describe('ros2msgSchema', () => {
  test('sensor_msgs/msg/Image: the definition, then Header, then Time, each after the 80 = line', () => {
    const text = ros2msgSchema('sensor_msgs/msg/Image');
    assert.equal(
      text,
      [
        'std_msgs/Header header',
        'uint32 height',
        'uint32 width',
        'string encoding',
        'uint8 is_bigendian',
        'uint32 step',
        'uint8[] data',
        '',
        SEP,
        'MSG: std_msgs/Header',
        'builtin_interfaces/Time stamp',
        'string frame_id',
        '',
        SEP,
        'MSG: builtin_interfaces/Time',
        'int32 sec',
        'uint32 nanosec',
        '',
      ].join('\n'),
    );
    assert.ok(text.includes(`${SEP}\nMSG: std_msgs/Header\n`));
    assert.ok(text.includes(`${SEP}\nMSG: builtin_interfaces/Time\n`));
    assert.equal(ros2msgSchema('sensor_msgs/Image'), text, 'pkg/Type and pkg/msg/Type give the same schema');
  });

  test('each dependency appears once, in rosbag2 order (sorted, depth first)', () => {
    const text = ros2msgSchema('sensor_msgs/msg/CameraInfo');
    const deps = [...text.matchAll(/^MSG: (.+)$/gm)].map((m) => m[1]);
    assert.deepEqual(deps, ['sensor_msgs/RegionOfInterest', 'std_msgs/Header', 'builtin_interfaces/Time']);
    const twist = [...ros2msgSchema('geometry_msgs/msg/TwistStamped').matchAll(/^MSG: (.+)$/gm)].map((m) => m[1]);
    // Vector3 is used twice by Twist but written once.
    assert.deepEqual(twist, ['geometry_msgs/Twist', 'geometry_msgs/Vector3', 'std_msgs/Header', 'builtin_interfaces/Time']);
    const trajectory = [...ros2msgSchema('trajectory_msgs/msg/JointTrajectory').matchAll(/^MSG: (.+)$/gm)].map((m) => m[1]);
    assert.deepEqual(trajectory, [
      'std_msgs/Header',
      'builtin_interfaces/Time',
      'trajectory_msgs/JointTrajectoryPoint',
      'builtin_interfaces/Duration',
    ]);
    for (const t of ['sensor_msgs/msg/PointCloud2', 'std_msgs/msg/Float64MultiArray', 'sensor_msgs/msg/JointState']) {
      const names = [...ros2msgSchema(t).matchAll(/^MSG: (.+)$/gm)].map((m) => m[1]);
      assert.equal(new Set(names).size, names.length, `${t}: no dependency twice`);
    }
  });

  test('a type without dependencies is just its text', () => {
    assert.equal(ros2msgSchema('std_msgs/msg/Bool'), 'bool data\n');
  });

  test('matches rosbag2_storage_mcap test_message_definition_cache can_find_msg_deps', () => {
    const defs = { 'rosbag2_storage_mcap_testdata/ComplexMsg': 'rosbag2_storage_mcap_testdata/BasicMsg b\n', 'rosbag2_storage_mcap_testdata/BasicMsg': 'float32 c\n' };
    assert.equal(
      ros2msgSchema('rosbag2_storage_mcap_testdata/ComplexMsg', defs),
      `rosbag2_storage_mcap_testdata/BasicMsg b\n\n${SEP}\nMSG: rosbag2_storage_mcap_testdata/BasicMsg\nfloat32 c\n`,
    );
  });

  test('unknown types and missing dependencies are named', () => {
    assert.throws(() => ros2msgSchema('foo_msgs/msg/Bar'), /no \.msg definition for 'foo_msgs\/Bar' \(needed by the caller\)/);
    assert.throws(() => ros2msgSchema('a/A', { 'a/A': 'B b\n' }), /no \.msg definition for 'a\/B' \(needed by a\/A\)/);
    assert.throws(() => ros2msgSchema('Image'), /'Image' is not pkg\/msg\/Type or pkg\/Type/);
  });

  test('msgDependencies skips primitives and constants, qualifies relative names', () => {
    assert.deepEqual(msgDependencies('uint8 INT8 = 1\nstring name\nPointField[] fields\nstd_msgs/Header header\nfloat64[9] k\n', 'sensor_msgs'), [
      'sensor_msgs/PointField',
      'std_msgs/Header',
    ]);
  });

  test('type names and encodings', () => {
    assert.deepEqual(parseRosTypeName('sensor_msgs/msg/Image'), { pkg: 'sensor_msgs', name: 'Image' });
    assert.deepEqual(parseRosTypeName('sensor_msgs/Image'), { pkg: 'sensor_msgs', name: 'Image' });
    assert.equal(rosSchemaName('std_msgs/Header'), 'std_msgs/msg/Header');
    assert.equal(ROS2MSG_SCHEMA_ENCODING, 'ros2msg');
    assert.equal(CDR_MESSAGE_ENCODING, 'cdr');
  });
});
