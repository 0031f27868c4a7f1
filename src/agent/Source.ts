import type { Observable } from 'rxjs';
import type { ActionSpace } from '../core/Action.js';
import type { DepthImage, Observation, PointCloud, Proprioception, RgbImage } from '../core/Observation.js';

/**
 * Where observations come from: the embedded simulation, a ROS 2 node or a bag. Each sensor
 * is its own stream of stamped messages, as on a robot; the loop synchronises them. A source
 * without a sensor leaves its stream absent.
 */
export interface SensorSource {
  readonly name: string;
  readonly actionSpace: ActionSpace;
  readonly rgb$?: Observable<RgbImage>;
  readonly depth$?: Observable<DepthImage>;
  readonly points$?: Observable<PointCloud>;
  readonly proprio$?: Observable<Proprioception>;
  /** Goal observations (cameras only, no proprioception); a new one replaces the goal. */
  readonly goal$: Observable<Observation>;
}
