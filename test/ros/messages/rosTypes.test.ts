import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '@foxglove/rosmsg';
import { POINT_FIELD_DATATYPE, ROS2_MSG_DEFINITIONS, ROS_MESSAGE_TYPES, rosSchemaName } from '../../../src/ros/index.js';

describe('rosTypes', () => {
  test('ROS_MESSAGE_TYPES and the .msg definitions name the same types', () => {
    assert.deepEqual(
      [...ROS_MESSAGE_TYPES].sort(),
      Object.keys(ROS2_MSG_DEFINITIONS).map(rosSchemaName).sort(),
    );
  });

  test('POINT_FIELD_DATATYPE equals the constants of sensor_msgs/PointField', () => {
    const constants = parse(ROS2_MSG_DEFINITIONS['sensor_msgs/PointField'], { ros2: true })[0].definitions.filter((f) => f.isConstant === true);
    assert.deepEqual(Object.fromEntries(constants.map((c) => [c.name, c.value])), { ...POINT_FIELD_DATATYPE });
  });
});
