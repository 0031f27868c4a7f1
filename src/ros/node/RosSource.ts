import { defer, filter, map, Observable, share, Subscription, tap } from 'rxjs';
import type { SensorSource } from '../../agent/Source.js';
import type { ActionSpace, CameraIntrinsics, DepthImage, Logger, Observation, PointCloud, Pose, Proprioception, RgbImage, Rng, RobotShapes } from '../../core/index.js';
import type { JointVectors } from '../messages/index.js';
import {
  depthImageFromRos,
  intrinsicsFromCameraInfo,
  jointVectorsFromRos,
  pointCloudFromRos,
  rgbImageFromCompressed,
  rgbImageFromRos,
  stampedPoseFromRos,
} from '../messages/index.js';
import { cloudInFrame } from '../robot/index.js';
import type { QosProfile, RosTransport } from '../transport/index.js';
import { DEFAULT_QOS, LATCHED_QOS, SENSOR_DATA_QOS } from '../transport/index.js';
import { actionSpaceFor } from './actionSpaceFor.js';
import type { AgentNodeParams } from './agentNodeParams.js';
import type { BadMessageLog } from './BadMessageLog.js';
import { decodeTopic } from './decodeTopic.js';
import { robotShapesFromTopics } from './robotShapesFromTopics.js';
import { tfListener } from './tfListener.js';

export interface RosSourceOptions {
  readonly params: AgentNodeParams;
  /** Points kept per cloud (the model's point count); clouds are down-sampled with `rng`. */
  readonly pointCount: number;
  readonly rng: Rng;
  readonly bad: BadMessageLog;
  readonly logger: Logger;
}

const IDENTITY_POSE: Pose = Object.freeze({ position: [0, 0, 0] as const, quaternion: [1, 0, 0, 0] as const });

/**
 * The robot's topics as the loop's sensor source: each configured topic decoded from CDR and
 * converted to a core type, one stream per modality (the loop synchronises them). Depth gets
 * the intrinsics of the latest CameraInfo; joint states are matched by name and completed
 * with the latest end-effector pose and the gripper opening. A message that cannot be used
 * is counted per topic and skipped. Topic subscriptions are shared and live while someone
 * subscribes.
 */
export class RosSource implements SensorSource {
  readonly name = 'ros';
  readonly actionSpace: ActionSpace;
  readonly rgb$?: Observable<RgbImage>;
  readonly depth$?: Observable<DepthImage>;
  readonly points$?: Observable<PointCloud>;
  readonly proprio$?: Observable<Proprioception>;
  /** The arm's collision shapes at each cloud's stamp, from the URDF and tf (see robotShapesFromTopics). */
  readonly robotShapes$?: Observable<RobotShapes>;
  /** Joint vectors of the configured joints, in their order (the sink's current positions). */
  readonly joints$?: Observable<JointVectors>;
  readonly goal$: Observable<Observation>;
  /** Emits when the clear-goal topic says true. */
  readonly clearGoal$: Observable<void>;

  constructor(transport: RosTransport, options: RosSourceOptions) {
    const { params, bad } = options;
    const t = params.topics;
    this.actionSpace = actionSpaceFor(params);
    const sensorQos: QosProfile =
      params.qos.sensors === 'sensor_data' ? { ...SENSOR_DATA_QOS, depth: params.qos.sensor_depth } : { ...DEFAULT_QOS, depth: params.qos.sensor_depth };

    if (t.rgb_compressed !== '') {
      this.rgb$ = decodeTopic(transport, t.rgb_compressed, 'sensor_msgs/msg/CompressedImage', sensorQos, rgbImageFromCompressed, bad).pipe(share());
    } else if (t.rgb !== '') {
      this.rgb$ = decodeTopic(transport, t.rgb, 'sensor_msgs/msg/Image', sensorQos, rgbImageFromRos, bad).pipe(share());
    }

    if (t.depth !== '') {
      const depthTopic = t.depth;
      this.depth$ = defer(() => {
        // The latest calibration, attached to each depth image; depth flows without one.
        let intrinsics: CameraIntrinsics | undefined;
        const info$ =
          t.camera_info === ''
            ? undefined
            : decodeTopic(transport, t.camera_info, 'sensor_msgs/msg/CameraInfo', sensorQos, intrinsicsFromCameraInfo, bad).pipe(
                tap((k) => (intrinsics = k)),
              );
        const depth$ = decodeTopic(
          transport,
          depthTopic,
          'sensor_msgs/msg/Image',
          sensorQos,
          (msg, topic) => depthImageFromRos(msg, { topic, ...(intrinsics === undefined ? {} : { intrinsics }) }),
          bad,
        );
        const infoSub = new Subscription();
        return new Observable<DepthImage>((subscriber) => {
          if (info$ !== undefined) infoSub.add(info$.subscribe());
          const s = depth$.subscribe(subscriber);
          return () => {
            s.unsubscribe();
            infoSub.unsubscribe();
          };
        });
      }).pipe(share());
    }

    if (t.points !== '') {
      const { pointCount, rng } = options;
      const base = params.frames.base;
      const toleranceS = params.self_filter.tf_tolerance_ms / 1000;
      const tf = tfListener(transport, t, bad);
      const clouds$ = decodeTopic(
        transport,
        t.points,
        'sensor_msgs/msg/PointCloud2',
        sensorQos,
        (msg, topic) => {
          // Perception reads clouds in the base frame: a camera's own frame is brought there by tf.
          const placed = cloudInFrame(pointCloudFromRos(msg, { topic, maxPoints: pointCount, rng }), base, tf.buffer, toleranceS);
          if ('error' in placed) throw new RangeError(placed.error);
          return placed.cloud;
        },
        bad,
      );
      this.points$ = new Observable<PointCloud>((subscriber) => {
        const updates = tf.updates$.subscribe();
        const clouds = clouds$.subscribe(subscriber);
        return () => {
          clouds.unsubscribe();
          updates.unsubscribe();
        };
      }).pipe(share());
      if (t.robot_description !== '') this.robotShapes$ = robotShapesFromTopics(transport, this.points$, tf.buffer, params, bad, options.logger).pipe(share());
    }

    if (t.joint_states !== '') {
      const gripper = params.gripper;
      const names = gripper.joint === '' ? params.joint_names : [...params.joint_names, gripper.joint];
      const all$ = decodeTopic(transport, t.joint_states, 'sensor_msgs/msg/JointState', sensorQos, (msg, topic) => jointVectorsFromRos(msg, names, topic), bad).pipe(
        share(),
      );
      const n = params.joint_names.length;
      this.joints$ = all$.pipe(map((v) => (gripper.joint === '' ? v : armPart(v, n))));
      if (t.ee_pose === '') {
        options.logger.warn('topics.ee_pose is empty: proprioception carries no end-effector pose (the model sees the origin)');
      }
      this.proprio$ = defer(() => {
        let ee: Pose = IDENTITY_POSE;
        const pose$ =
          t.ee_pose === ''
            ? undefined
            : decodeTopic(transport, t.ee_pose, 'geometry_msgs/msg/PoseStamped', sensorQos, stampedPoseFromRos, bad).pipe(tap((p) => (ee = p.pose)));
        return new Observable<Proprioception>((subscriber) => {
          const poseSub = pose$?.subscribe();
          const s = all$
            .pipe(
              map((v): Proprioception => {
                const span = gripper.open - gripper.closed;
                const opening = gripper.joint === '' ? 1 : Math.min(1, Math.max(0, (v.positions[n] - gripper.closed) / span));
                return {
                  stamp: v.stamp,
                  frameId: params.frames.base,
                  jointNames: params.joint_names,
                  positions: v.positions.slice(0, n),
                  // A JointState may leave velocities empty; the model then sees zeros.
                  velocities: v.velocities === undefined ? new Float64Array(n) : v.velocities.slice(0, n),
                  endEffector: ee,
                  gripper: opening,
                };
              }),
            )
            .subscribe(subscriber);
          return () => {
            s.unsubscribe();
            poseSub?.unsubscribe();
          };
        });
      }).pipe(share());
    }

    const goalQos = params.qos.goal === 'transient_local' ? LATCHED_QOS : { ...DEFAULT_QOS, depth: 1 };
    this.goal$ =
      t.goal_image === ''
        ? new Observable<Observation>()
        : decodeTopic(transport, t.goal_image, 'sensor_msgs/msg/Image', goalQos, (msg, topic) => {
            const rgb = rgbImageFromRos(msg, topic);
            return { stamp: rgb.stamp, rgb };
          }, bad).pipe(share());
    this.clearGoal$ =
      t.clear_goal === ''
        ? new Observable<void>()
        : decodeTopic(transport, t.clear_goal, 'std_msgs/msg/Bool', DEFAULT_QOS, (msg) => msg.data, bad).pipe(
            filter((clear) => clear),
            map((): void => undefined),
            share(),
          );
  }
}

function armPart(v: JointVectors, n: number): JointVectors {
  return {
    stamp: v.stamp,
    frameId: v.frameId,
    jointNames: v.jointNames.slice(0, n),
    positions: v.positions.slice(0, n),
    ...(v.velocities === undefined ? {} : { velocities: v.velocities.slice(0, n) }),
    ...(v.efforts === undefined ? {} : { efforts: v.efforts.slice(0, n) }),
  };
}
