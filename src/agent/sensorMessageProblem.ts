import type { DepthImage, Modality, PointCloud, Proprioception, RgbImage } from '../core/Observation.js';
import type { Timestamp } from '../core/Timestamp.js';

type SensorMessage = RgbImage | DepthImage | PointCloud | Proprioception;

/**
 * Why a sensor message cannot be used by the loop, naming the field and what it holds, or
 * undefined when it can. What a real sensor sends when it has no reading is not a problem: NaN
 * depth (no return) and NaN or infinite points (an organised cloud's holes; the perception
 * stage drops them). A joint state is all numbers the model reads: a non-finite position,
 * velocity, end-effector pose or gripper would poison every plan and, once learned on, the
 * model itself, so such a message is refused whole. Sizes must agree with the data (a camera
 * that changes resolution sends both anew; one that does not is refused).
 */
export function sensorMessageProblem(modality: Modality, message: SensorMessage): string | undefined {
  const stamp = stampProblem(message.stamp);
  if (stamp !== undefined) return stamp;
  switch (modality) {
    case 'rgb':
    case 'depth': {
      const image = message as RgbImage | DepthImage;
      const channels = modality === 'rgb' ? 3 : 1;
      if (!isCount(image.width) || !isCount(image.height) || image.width === 0 || image.height === 0) {
        return `${modality} image: width x height must be positive integers, got ${image.width} x ${image.height}`;
      }
      if (image.data?.length !== image.width * image.height * channels) {
        return `${modality} image: ${image.data?.length ?? 'no'} values for ${image.width} x ${image.height}${channels > 1 ? ` x ${channels}` : ''} = ${image.width * image.height * channels}`;
      }
      return undefined;
    }
    case 'points': {
      const cloud = message as PointCloud;
      if (!isCount(cloud.count)) return `points: count must be a non-negative integer, got ${cloud.count}`;
      if (!(cloud.positions instanceof Float32Array) || cloud.positions.length < 3 * cloud.count) {
        return `points: ${cloud.positions?.length ?? 'no'} position values for ${cloud.count} points (expected ${3 * cloud.count})`;
      }
      return undefined;
    }
    case 'proprio':
      return proprioProblem(message as Proprioception);
  }
}

function proprioProblem(p: Proprioception): string | undefined {
  const n = p.jointNames.length;
  if (p.positions.length !== n || p.velocities.length !== n) {
    return `joint state: ${n} joint names, ${p.positions.length} positions, ${p.velocities.length} velocities`;
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(p.positions[i])) return `joint state: position of joint '${p.jointNames[i]}' is ${p.positions[i]}`;
    if (!Number.isFinite(p.velocities[i])) return `joint state: velocity of joint '${p.jointNames[i]}' is ${p.velocities[i]}`;
  }
  const { position, quaternion } = p.endEffector;
  for (let i = 0; i < 3; i++) if (!Number.isFinite(position[i])) return `joint state: end-effector position[${i}] is ${position[i]}`;
  for (let i = 0; i < 4; i++) if (!Number.isFinite(quaternion[i])) return `joint state: end-effector quaternion[${i}] is ${quaternion[i]}`;
  if (!Number.isFinite(p.gripper)) return `joint state: gripper is ${p.gripper}`;
  return undefined;
}

function stampProblem(stamp: Timestamp | undefined): string | undefined {
  if (stamp === undefined || !Number.isFinite(stamp.sec) || !Number.isFinite(stamp.nanosec)) {
    return `stamp must be finite, got ${stamp === undefined ? 'none' : `${stamp.sec} s ${stamp.nanosec} ns`}`;
  }
  return undefined;
}

function isCount(v: number): boolean {
  return Number.isInteger(v) && v >= 0;
}
