import { Subscription } from 'rxjs';
import type { SensorSource } from '../agent/Source.js';
import { toNanoseconds } from '../core/index.js';
import type { Observation, Proprioception, RobotShapes } from '../core/index.js';
import { frameTransformsToRos, shapesTransforms, shapesUrdf } from '../ros/index.js';
import type { BagEntry, BagPayload } from './BagEntry.js';
import type { BagRecorder } from './BagRecorder.js';
import { DEFAULT_BAG_TOPICS } from './topics.js';
import type { BagTopics } from './topics.js';

export interface RecordSourceOptions {
  readonly topics?: BagTopics;
  /** Current episode, for goal markers. */
  readonly episode?: () => number;
}

/**
 * Records every sensor stream of a source (simulator, ROS node, another bag) as ROS
 * messages: images, depth (with its CameraInfo), points, joint states (with the end-effector
 * pose and gripper the agent also senses, as an /agent/arm_state record), and each goal
 * observation on the /goal topics with a goal marker. Log time = the message stamp, so a
 * replay has the same timeline. Unsubscribe to stop.
 */
export function recordSource(recorder: BagRecorder, source: SensorSource, options: RecordSourceOptions = {}): Subscription {
  const topics = options.topics ?? DEFAULT_BAG_TOPICS;
  const put = (topic: string, stamp: { sec: number; nanosec: number }, payload: BagPayload): void => {
    const t = toNanoseconds(stamp);
    const entry: BagEntry = { topic, logTime: t, publishTime: t, payload };
    recorder.write(entry);
  };
  const sub = new Subscription();
  if (source.rgb$) sub.add(source.rgb$.subscribe((image) => put(topics.rgb, image.stamp, { kind: 'rgb', image })));
  if (source.depth$) {
    sub.add(
      source.depth$.subscribe((image) => {
        if (image.intrinsics !== undefined) put(topics.cameraInfo, image.stamp, { kind: 'cameraInfo', intrinsics: image.intrinsics, header: image });
        put(topics.depth, image.stamp, { kind: 'depth', image });
      }),
    );
  }
  // Subscribed before the clouds, so each cloud's shapes are written before it, as a replay needs them.
  if (source.robotShapes$) sub.add(source.robotShapes$.subscribe((shapes) => recordRobotShapes(recorder, shapes, topics)));
  if (source.points$) sub.add(source.points$.subscribe((cloud) => put(topics.points, cloud.stamp, { kind: 'points', cloud })));
  if (source.proprio$) sub.add(source.proprio$.subscribe((p) => recordProprio(recorder, p, topics)));
  sub.add(source.goal$.subscribe((goal) => recordGoal(recorder, goal, options.episode?.() ?? 0, topics)));
  return sub;
}

/** Every sensor part of one observation, as `recordSource` records the streams. */
export function recordObservation(recorder: BagRecorder, obs: Observation, topics: BagTopics = DEFAULT_BAG_TOPICS): void {
  const put = (topic: string, stamp: { sec: number; nanosec: number }, payload: BagPayload): void => {
    const t = toNanoseconds(stamp);
    recorder.write({ topic, logTime: t, publishTime: t, payload });
  };
  if (obs.rgb) put(topics.rgb, obs.rgb.stamp, { kind: 'rgb', image: obs.rgb });
  if (obs.depth) {
    if (obs.depth.intrinsics !== undefined) put(topics.cameraInfo, obs.depth.stamp, { kind: 'cameraInfo', intrinsics: obs.depth.intrinsics, header: obs.depth });
    put(topics.depth, obs.depth.stamp, { kind: 'depth', image: obs.depth });
  }
  if (obs.robotShapes) recordRobotShapes(recorder, obs.robotShapes, topics);
  if (obs.points) put(topics.points, obs.points.stamp, { kind: 'points', cloud: obs.points });
  if (obs.proprio) recordProprio(recorder, obs.proprio, topics);
}

// The URDF last written to each recorder: /robot_description is latched, written again only when it changes.
const describedRobot = new WeakMap<BagRecorder, string>();

/**
 * The robot's shapes as a ROS arm's bag holds them: its URDF on /robot_description (when it
 * first comes or changes) and the links' transforms on /tf, at the shapes' stamp. A replay
 * poses them again for each cloud (BagDecoder).
 */
export function recordRobotShapes(recorder: BagRecorder, shapes: RobotShapes, topics: BagTopics = DEFAULT_BAG_TOPICS): void {
  const t = toNanoseconds(shapes.stamp);
  const urdf = shapesUrdf('robot_shapes', shapes.frameId, shapes);
  if (topics.robotDescription !== '' && describedRobot.get(recorder) !== urdf) {
    recorder.write({ topic: topics.robotDescription, logTime: t, publishTime: t, payload: { kind: 'ros', type: 'std_msgs/msg/String', message: { data: urdf } } });
    describedRobot.set(recorder, urdf);
  }
  if (topics.tf !== '') recorder.write({ topic: topics.tf, logTime: t, publishTime: t, payload: { kind: 'ros', type: 'tf2_msgs/msg/TFMessage', message: frameTransformsToRos(shapesTransforms(shapes)) } });
}

/** Joint state on /joint_states plus what JointState cannot carry as /agent/arm_state (written first). */
export function recordProprio(recorder: BagRecorder, p: Proprioception, topics: BagTopics = DEFAULT_BAG_TOPICS): void {
  recordArmState(recorder, p);
  const t = toNanoseconds(p.stamp);
  recorder.write({
    topic: topics.jointStates,
    logTime: t,
    publishTime: t,
    payload: { kind: 'joints', joints: { stamp: p.stamp, frameId: p.frameId, jointNames: p.jointNames, positions: p.positions, velocities: p.velocities } },
  });
}

/** What a JointState cannot carry, the end-effector pose and the gripper, as /agent/arm_state at the joint state's stamp. */
export function recordArmState(recorder: BagRecorder, p: Proprioception): void {
  recorder.writeAgent('/agent/arm_state', {
    stamp: p.stamp,
    frameId: p.frameId,
    position: [...p.endEffector.position],
    quaternion: [...p.endEffector.quaternion],
    gripper: p.gripper,
  });
}

/** A goal observation: its cameras on the /goal topics, and a marker naming them. */
export function recordGoal(recorder: BagRecorder, goal: Observation, episode: number, topics: BagTopics = DEFAULT_BAG_TOPICS): void {
  const t = toNanoseconds(goal.stamp);
  const put = (topic: string, payload: BagPayload): void => void recorder.write({ topic, logTime: t, publishTime: t, payload });
  // The marker goes first: at equal log times a replay meets it before the images it names.
  const named = [goal.rgb && topics.goalRgb, goal.depth && topics.goalDepth, goal.points && topics.goalPoints].filter((x): x is string => typeof x === 'string');
  recorder.writeAgent('/agent/goal', { stamp: goal.stamp, episode, topics: named });
  if (goal.rgb) put(topics.goalRgb, { kind: 'rgb', image: { ...goal.rgb, stamp: goal.stamp } });
  if (goal.depth) put(topics.goalDepth, { kind: 'depth', image: { ...goal.depth, stamp: goal.stamp } });
  if (goal.points) put(topics.goalPoints, { kind: 'points', cloud: { ...goal.points, stamp: goal.stamp } });
}
