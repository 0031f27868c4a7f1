import type { Pose, Timestamp } from '../../core/index.js';
import type { TFMessageMsg, TransformStampedMsg } from './rosTypes.js';
import { unitQuatFromRos } from './poseStamped.js';
import { timestampFromRos, timestampToRos } from './time.js';

const TYPE = 'tf2_msgs/TFMessage';

/** One transform of a TFMessage: the pose of `child` in `parent` at `stamp`. */
export interface FrameTransform {
  readonly stamp: Timestamp;
  readonly parent: string;
  readonly child: string;
  readonly pose: Pose;
}

/**
 * tf2_msgs/TFMessage (/tf, /tf_static) to core transforms, ROS's x, y, z, w quaternion order
 * turned to the core's w, x, y, z. The whole message is refused, naming the transform and
 * field, when one transform has an empty frame or one frame for both ends, a non-finite translation or a quaternion far
 * from unit length; a nearly unit one is renormalised.
 */
export function frameTransformsFromRos(msg: TFMessageMsg, topic?: string): FrameTransform[] {
  const label = topic !== undefined && topic !== '' ? `${TYPE} on ${topic}` : TYPE;
  return msg.transforms.map((t, i) => frameTransformFromRos(t, `${label}: transforms[${i}]`));
}

function frameTransformFromRos(t: TransformStampedMsg, at: string): FrameTransform {
  const parent = t.header.frame_id.replace(/^\//, '');
  const child = t.child_frame_id.replace(/^\//, '');
  if (parent === '' || child === '') throw new RangeError(`${at}: empty frame name (header.frame_id '${t.header.frame_id}', child_frame_id '${t.child_frame_id}')`);
  if (parent === child) throw new RangeError(`${at}: a transform from frame '${child}' to itself`);
  const { translation: p, rotation: q } = t.transform;
  for (const [name, v] of [['x', p.x], ['y', p.y], ['z', p.z]] as const) {
    if (!Number.isFinite(v)) throw new RangeError(`${at} ('${parent}' -> '${child}'): transform.translation.${name} is ${v}`);
  }
  return {
    stamp: timestampFromRos(t.header.stamp, `${at}: header.stamp`),
    parent,
    child,
    pose: { position: [p.x, p.y, p.z], quaternion: unitQuatFromRos(q, `${at} ('${parent}' -> '${child}'): transform.rotation`) },
  };
}

/** Core transforms as one tf2_msgs/TFMessage. */
export function frameTransformsToRos(transforms: readonly FrameTransform[]): TFMessageMsg {
  return {
    transforms: transforms.map((t) => {
      const [w, x, y, z] = t.pose.quaternion;
      const [px, py, pz] = t.pose.position;
      return { header: { stamp: timestampToRos(t.stamp), frame_id: t.parent }, child_frame_id: t.child, transform: { translation: { x: px, y: py, z: pz }, rotation: { x, y, z, w } } };
    }),
  };
}
