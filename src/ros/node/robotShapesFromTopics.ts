import { defer, EMPTY, merge, mergeMap, Observable, of, tap } from 'rxjs';
import type { Logger, PointCloud, RobotShapes } from '../../core/index.js';
import { frameTransformsFromRos } from '../messages/index.js';
import type { FrameTransform } from '../messages/index.js';
import type { RobotModelShapes } from '../robot/index.js';
import { poseRobotShapes, robotModelShapes, TransformBuffer } from '../robot/index.js';
import type { RosTransport } from '../transport/index.js';
import { DEFAULT_QOS, LATCHED_QOS } from '../transport/index.js';
import type { AgentNodeParams } from './agentNodeParams.js';
import type { BadMessageLog } from './BadMessageLog.js';
import { decodeTopic } from './decodeTopic.js';

// tf2's own listener subscribes /tf reliable with a deep history: bursts of one message per
// broadcaster must not push each other out.
const TF_QOS = { ...DEFAULT_QOS, depth: 100 };
// A buffer as long as tf2's default: clouds arrive late, never by seconds.
const TF_CACHE_S = 10;

/**
 * The robot's shapes at each cloud's stamp and in its frame, what the controller's self-filter
 * and stance need (Observation.robotShapes): the URDF's collision shapes from
 * `topics.robot_description`, posed by the frame tree of `topics.tf` and `topics.tf_static`,
 * as robot_self_filter does on a ROS arm. A cloud whose links tf cannot place yet gets no
 * shapes; the failures are logged at the 1st, 10th, 100th... A bad description or transform
 * message is counted by `bad` and skipped.
 */
export function robotShapesFromTopics(
  transport: RosTransport,
  points$: Observable<PointCloud>,
  params: AgentNodeParams,
  bad: BadMessageLog,
  logger: Logger,
): Observable<RobotShapes> {
  const t = params.topics;
  const options = { framePrefix: params.self_filter.frame_prefix, toleranceS: params.self_filter.tf_tolerance_ms / 1000 };
  return defer(() => {
    const tf = new TransformBuffer(TF_CACHE_S);
    let model: RobotModelShapes | undefined;
    let failures = 0;
    const description$ = decodeTopic(transport, t.robot_description, 'std_msgs/msg/String', LATCHED_QOS, (msg) => robotModelShapes(msg.data, params.self_filter.package_paths), bad).pipe(
      tap((m) => {
        model = m;
        const links = new Set(m.shapes.map((s) => s.link)).size;
        logger.info(`self-filter: robot '${m.robotName}', ${m.shapes.length} collision shapes on ${links} links from ${t.robot_description}`);
        if (m.skipped.length > 0) logger.warn(`self-filter: ${m.skipped.length} collision elements left out (their points stay in the cloud): ${m.skipped.join('; ')}`);
      }),
    );
    const transforms$ = (topic: string, isStatic: boolean): Observable<unknown> =>
      topic === ''
        ? EMPTY
        : decodeTopic(transport, topic, 'tf2_msgs/msg/TFMessage', isStatic ? LATCHED_QOS : TF_QOS, (msg, name) => {
            const transforms: FrameTransform[] = frameTransformsFromRos(msg, name);
            for (const x of transforms) tf.set(x, isStatic);
            return transforms.length;
          }, bad);
    return new Observable<RobotShapes>((subscriber) => {
      const inputs = merge(description$, transforms$(t.tf, false), transforms$(t.tf_static, true)).subscribe();
      const shapes = points$
        .pipe(
          mergeMap((cloud) => {
            if (model === undefined) return EMPTY;
            const posed = poseRobotShapes(model.shapes, tf, cloud.frameId, cloud.stamp, options);
            if ('shapes' in posed) return of(posed.shapes);
            failures++;
            if (/^10*$/.test(String(failures))) logger.warn(`self-filter: no robot shapes for ${failures} cloud(s) so far; latest: ${posed.error}`);
            return EMPTY;
          }),
        )
        .subscribe(subscriber);
      return () => {
        shapes.unsubscribe();
        inputs.unsubscribe();
      };
    });
  });
}
