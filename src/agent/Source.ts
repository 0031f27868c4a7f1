import type { Observable } from 'rxjs';
import type { ActionSpace } from '../core/Action.js';
import type { DepthImage, Observation, PointCloud, Proprioception, RgbImage, RobotShapes } from '../core/Observation.js';

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
  /**
   * The robot's own link shapes at each joint state, stamped like the sensors (the robot
   * description posed by forward kinematics; the simulation's arm geoms): the loop attaches
   * the one of a cloud's instant to the observation, so that perception filters the robot out
   * of what the controller sees as it does of the learner's frames. Published before the
   * sensor messages of the same instant.
   */
  readonly robotShapes$?: Observable<RobotShapes>;
  /** Goal observations (cameras only, no proprioception); a new one replaces the goal. */
  readonly goal$: Observable<Observation>;
}
