import type { SensorHeader } from '../../core/index.js';
import { headerToRos, sensorHeaderFromRos } from './header.js';
import type { JointStateMsg } from './rosTypes.js';
import { sourceLabel } from './sourceLabel.js';

const TYPE = 'sensor_msgs/JointState';

/**
 * The joint part of a core Proprioception: vectors in a configured joint order. Velocities
 * and efforts are optional because ROS allows a JointState to leave them empty; the caller
 * decides what a missing velocity means rather than this layer inventing zeros.
 */
export interface JointVectors extends SensorHeader {
  readonly jointNames: readonly string[];
  readonly positions: Float64Array;
  readonly velocities?: Float64Array;
  readonly efforts?: Float64Array;
}

/**
 * sensor_msgs/JointState to vectors ordered as `jointNames`, matched by name (publishers
 * such as joint_state_broadcaster order joints as they please). Extra joints (fingers,
 * wheels) are ignored; a configured joint that is absent is an error naming it.
 */
export function jointVectorsFromRos(msg: JointStateMsg, jointNames: readonly string[], topic?: string): JointVectors {
  const label = sourceLabel(TYPE, msg.header, topic);
  const n = msg.name.length;
  if (msg.position.length !== n) {
    throw new RangeError(`${label}: ${n} names but ${msg.position.length} positions`);
  }
  for (const [field, values] of [['velocity', msg.velocity], ['effort', msg.effort]] as const) {
    if (values.length !== 0 && values.length !== n) {
      throw new RangeError(`${label}: ${n} names but ${values.length} ${field} values (expected ${n} or none)`);
    }
  }
  const index = new Map<string, number>();
  msg.name.forEach((name, i) => {
    if (index.has(name)) throw new RangeError(`${label}: joint '${name}' appears twice`);
    index.set(name, i);
  });
  const positions = new Float64Array(jointNames.length);
  const velocities = msg.velocity.length === 0 ? undefined : new Float64Array(jointNames.length);
  const efforts = msg.effort.length === 0 ? undefined : new Float64Array(jointNames.length);
  jointNames.forEach((name, j) => {
    const i = index.get(name);
    if (i === undefined) {
      throw new RangeError(`${label}: joint '${name}' is missing (message has: ${msg.name.join(', ') || 'no joints'})`);
    }
    positions[j] = msg.position[i];
    if (velocities !== undefined) velocities[j] = msg.velocity[i];
    if (efforts !== undefined) efforts[j] = msg.effort[i];
  });
  return {
    ...sensorHeaderFromRos(msg.header, label),
    jointNames: [...jointNames],
    positions,
    ...(velocities === undefined ? {} : { velocities }),
    ...(efforts === undefined ? {} : { efforts }),
  };
}

/** Joint vectors as sensor_msgs/JointState; absent velocities or efforts become empty arrays. */
export function jointStateToRos(joints: JointVectors): JointStateMsg {
  const n = joints.jointNames.length;
  const check = (what: string, values: Float64Array | undefined): Float64Array => {
    if (values === undefined) return new Float64Array(0);
    if (values.length !== n) throw new RangeError(`joint vectors: ${n} joint names but ${values.length} ${what}`);
    return Float64Array.from(values);
  };
  return {
    header: headerToRos(joints),
    name: [...joints.jointNames],
    position: check('positions', joints.positions),
    velocity: check('velocities', joints.velocities),
    effort: check('efforts', joints.efforts),
  };
}
