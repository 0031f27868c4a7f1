import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from '@foxglove/rosmsg';
import { ROS2_MSG_DEFINITIONS, msgDependencies, parseRosTypeName, ros2msgSchema } from '../../../src/ros/index.js';

describe('ROS2_MSG_DEFINITIONS', () => {
  test('every text parses as ROS 2 and every dependency is defined', () => {
    for (const [key, text] of Object.entries(ROS2_MSG_DEFINITIONS)) {
      assert.match(key, /^[a-z][a-z0-9_]*\/[A-Za-z0-9]+$/, key); // REP 144 package names: lowercase, digits, underscores
      assert.ok(text.endsWith('\n') && !text.includes('#'), `${key}: one field per line, comments stripped`);
      // Alone, a text's relative types cannot resolve: parse without the fix-up.
      assert.ok(parse(text, { ros2: true, skipTypeFixup: true }).length >= 1, key);
      for (const dep of msgDependencies(text, parseRosTypeName(key).pkg)) {
        assert.ok(ROS2_MSG_DEFINITIONS[dep] !== undefined, `${key} needs ${dep}`);
      }
    }
  });

  test('field order of the types the bridge decodes is as in ROS 2 Humble', () => {
    const names = (key: string): string[] =>
      parse(ros2msgSchema(key), { ros2: true })[0].definitions.filter((f) => f.isConstant !== true).map((f) => `${f.type} ${f.name}`);
    assert.deepEqual(names('sensor_msgs/PointCloud2'), [
      'std_msgs/Header header', 'uint32 height', 'uint32 width', 'sensor_msgs/PointField fields', 'bool is_bigendian',
      'uint32 point_step', 'uint32 row_step', 'uint8 data', 'bool is_dense',
    ]);
    assert.deepEqual(names('sensor_msgs/CameraInfo'), [
      'std_msgs/Header header', 'uint32 height', 'uint32 width', 'string distortion_model', 'float64 d', 'float64 k',
      'float64 r', 'float64 p', 'uint32 binning_x', 'uint32 binning_y', 'sensor_msgs/RegionOfInterest roi',
    ]);
    const p = parse(ros2msgSchema('sensor_msgs/CameraInfo'), { ros2: true })[0].definitions.find((f) => f.name === 'p');
    assert.equal(p?.arrayLength, 12);
    assert.deepEqual(names('trajectory_msgs/JointTrajectoryPoint'), [
      'float64 positions', 'float64 velocities', 'float64 accelerations', 'float64 effort', 'duration time_from_start',
    ]);
  });

  test('jepa_agent_msgs definitions are msgs/msg/*.msg without comments, and CMakeLists.txt lists every one', () => {
    const root = new URL('../../../../msgs/', import.meta.url);
    const files = readdirSync(new URL('msg/', root)).filter((f) => f.endsWith('.msg')).sort();
    const ours = Object.keys(ROS2_MSG_DEFINITIONS).filter((k) => k.startsWith('jepa_agent_msgs/')).map((k) => `${k.split('/')[1]}.msg`).sort();
    assert.deepEqual(files, ours);
    const cmake = readFileSync(new URL('CMakeLists.txt', root), 'utf8');
    for (const file of files) {
      const text = readFileSync(new URL(`msg/${file}`, root), 'utf8');
      const stripped = text.split('\n').map((l) => l.replace(/#.*/, '').trimEnd()).filter((l) => l !== '').join('\n') + '\n';
      assert.equal(stripped, ROS2_MSG_DEFINITIONS[`jepa_agent_msgs/${file.replace('.msg', '')}`], file);
      assert.ok(cmake.includes(`"msg/${file}"`), `CMakeLists.txt lists msg/${file}`);
    }
  });
});
