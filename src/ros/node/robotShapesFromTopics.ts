import { defer, EMPTY, mergeMap, Observable, of, tap } from 'rxjs';
import type { Logger, PointCloud, RobotShapes } from '../../core/index.js';
import type { RobotModelShapes, TransformBuffer } from '../robot/index.js';
import { poseRobotShapes, robotModelShapes } from '../robot/index.js';
import type { RosTransport } from '../transport/index.js';
import { LATCHED_QOS } from '../transport/index.js';
import type { AgentNodeParams } from './agentNodeParams.js';
import type { BadMessageLog } from './BadMessageLog.js';
import { decodeTopic } from './decodeTopic.js';

/**
 * The robot's shapes at each cloud's stamp and in its frame, what the controller's self-filter
 * and stance need (Observation.robotShapes): the URDF's collision shapes from
 * `topics.robot_description`, posed by the frame tree in `tf` (which the clouds' own stream
 * keeps fed, see tfListener), as robot_self_filter does on a ROS arm. A cloud whose links tf
 * cannot place yet gets no shapes; the failures are logged at the 1st, 10th, 100th... A bad
 * description is counted by `bad` and skipped.
 */
export function robotShapesFromTopics(
  transport: RosTransport,
  points$: Observable<PointCloud>,
  tf: TransformBuffer,
  params: AgentNodeParams,
  bad: BadMessageLog,
  logger: Logger,
): Observable<RobotShapes> {
  const t = params.topics;
  const options = { framePrefix: params.self_filter.frame_prefix, toleranceS: params.self_filter.tf_tolerance_ms / 1000 };
  return defer(() => {
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
    return new Observable<RobotShapes>((subscriber) => {
      const description = description$.subscribe();
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
        description.unsubscribe();
      };
    });
  });
}
