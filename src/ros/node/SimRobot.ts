import { asyncScheduler, Subscription } from 'rxjs';
import type { SchedulerAction, SchedulerLike } from 'rxjs';
import type { Logger, Observation, Timestamp } from '../../core/index.js';
import type { SimEnv } from '../../sim/SimEnv.js';
import {
  cameraInfoFromIntrinsics,
  depthImageToRos,
  frameTransformsToRos,
  getMessageCodec,
  jointStateToRos,
  pointCloudToRos,
  rgbImageToRos,
  stampedPoseToRos,
} from '../messages/index.js';
import type { RosMessageMap, RosMessageType } from '../messages/index.js';
import type { RawPublisher, RosTransport } from '../transport/index.js';
import { DEFAULT_QOS, LATCHED_QOS } from '../transport/index.js';
import { shapesTransforms, shapesUrdf } from '../robot/index.js';
import { BadMessageLog } from './BadMessageLog.js';
import { decodeTopic } from './decodeTopic.js';
import type { SimRobotParams } from './simRobotParams.js';

export interface SimRobotOptions {
  readonly params: SimRobotParams;
  readonly logger: Logger;
  /** The simulation clock runs on it: one step every 1 / sim.controlHz seconds. */
  readonly scheduler?: SchedulerLike;
}

export interface SimRobotStats {
  readonly steps: number;
  readonly episodes: number;
  readonly commands: { readonly joint_trajectory: number; readonly position_commands: number; readonly twist: number };
  readonly rejected: number;
}

type Kind = 'joint_trajectory' | 'position_commands' | 'twist';
type Output = 'rgb' | 'depth' | 'camera_info' | 'points' | 'joint_states' | 'ee_pose' | 'goal_image' | 'goal_pose' | 'robot_description' | 'tf';

/**
 * The embedded simulation as a ROS 2 robot: every control period it steps the arm with the
 * latest command and publishes the scene camera (rgb8 image, 32FC1 depth, CameraInfo, point
 * cloud in the base frame), the joint states (arm joints and the gripper as a joint from 0
 * closed to 1 open), the tool pose and the arm's collision shapes (a latched URDF with one
 * link per shape, and the links' transforms on /tf before each cloud, as robot_state_publisher
 * would), stamped with the node's clock; the episode's goal image is latched, and so is the
 * true goal position (for tests and scripted baselines). It subscribes to the three command
 * interfaces the agent node can send and obeys those of sim.actionSpace (ee_delta by
 * default): joint targets (JointTrajectory: last point, by name; Float64MultiArray: arm joints
 * in order, then the gripper) which it tracks at up to sim.maxJointDelta per step, as a
 * position controller would, when sim.actionSpace is joint_delta; and TwistStamped velocities
 * (held until command_timeout_s, as MoveIt Servo does) when it is ee_delta. Commands that do
 * not fit the action space are counted and logged.
 */
export class SimRobot {
  readonly bad: BadMessageLog;
  readonly #env: SimEnv;
  readonly #transport: RosTransport;
  readonly #params: SimRobotParams;
  readonly #logger: Logger;
  readonly #scheduler: SchedulerLike;
  readonly #subscriptions = new Subscription();
  readonly #pub: Partial<Record<Output, RawPublisher>> = {};
  /** The arm joints (sim.robot.joints), in command and joint-state order. */
  readonly #armJoints: readonly string[];
  /** The arm joints, then the gripper. */
  readonly #jointNames: string[];
  /** Joint targets tracked by the simulated position controller; NaN: none yet. */
  readonly #target: Float64Array;
  readonly #commanded: Float64Array;
  #gripperCommand = 1;
  #twist: { v: [number, number, number]; at: number } | undefined;
  #steps = 0;
  #episodes = 0;
  #seed: number;
  readonly #counts = { joint_trajectory: 0, position_commands: 0, twist: 0 };
  #rejected = 0;
  #running = false;
  #describedRobot = false;

  constructor(transport: RosTransport, env: SimEnv, options: SimRobotOptions) {
    this.#env = env;
    this.#transport = transport;
    this.#params = options.params;
    this.#logger = options.logger;
    this.#scheduler = options.scheduler ?? asyncScheduler;
    this.#seed = options.params.episode_seed;
    this.#armJoints = env.config.robot.joints;
    this.#jointNames = [...this.#armJoints, options.params.gripper_joint];
    this.#target = new Float64Array(this.#armJoints.length).fill(NaN);
    this.#commanded = new Float64Array(this.#armJoints.length);
    this.bad = new BadMessageLog(options.logger, { now: () => this.#scheduler.now() });
    const t = options.params.topics;
    const make = (name: Output, topic: string, type: string, latched = false): void => {
      if (topic !== '') this.#pub[name] = transport.createPublisher(topic, type, latched ? LATCHED_QOS : DEFAULT_QOS);
    };
    make('rgb', t.rgb, 'sensor_msgs/msg/Image');
    make('depth', t.depth, 'sensor_msgs/msg/Image');
    make('camera_info', t.camera_info, 'sensor_msgs/msg/CameraInfo');
    make('points', t.points, 'sensor_msgs/msg/PointCloud2');
    make('joint_states', t.joint_states, 'sensor_msgs/msg/JointState');
    make('ee_pose', t.ee_pose, 'geometry_msgs/msg/PoseStamped');
    make('goal_image', t.goal_image, 'sensor_msgs/msg/Image', true);
    make('goal_pose', t.goal_pose, 'geometry_msgs/msg/PoseStamped', true);
    make('robot_description', t.robot_description, 'std_msgs/msg/String', true);
    make('tf', t.tf, 'tf2_msgs/msg/TFMessage');
  }

  get stats(): SimRobotStats {
    return { steps: this.#steps, episodes: this.#episodes, commands: { ...this.#counts }, rejected: this.#rejected };
  }

  get env(): SimEnv {
    return this.#env;
  }

  /** Starts the first episode, the command subscriptions and the simulation clock. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    const t = this.#params.topics;
    const accept = <T>(kind: Kind, topic: string, handle: (msg: T) => void) => (msg: T) => {
      const space = this.#env.actionSpace.kind;
      const fits = kind === 'twist' ? space === 'ee_delta' : space === 'joint_delta';
      if (!fits) {
        this.#rejected++;
        const other = space === 'ee_delta' ? 'joint_delta' : 'ee_delta';
        this.bad.record(topic, new Error(`sim.actionSpace is ${space}, which ${kind} commands do not drive: start sim-robot with --set sim.actionSpace=${other}`));
        return;
      }
      try {
        handle(msg);
        this.#counts[kind]++;
      } catch (error) {
        this.#rejected++;
        this.bad.record(topic, error);
      }
    };
    if (t.joint_trajectory !== '') {
      this.#subscriptions.add(
        decodeTopic(this.#transport, t.joint_trajectory, 'trajectory_msgs/msg/JointTrajectory', DEFAULT_QOS, (m) => m, this.bad).subscribe(
          accept('joint_trajectory', t.joint_trajectory, (m) => {
            const last = m.points[m.points.length - 1];
            if (last === undefined) throw new RangeError('trajectory has no points');
            if (last.positions.length !== m.joint_names.length) {
              throw new RangeError(`${m.joint_names.length} joint names but ${last.positions.length} positions in the last point`);
            }
            m.joint_names.forEach((name, i) => this.#setTarget(name, last.positions[i]));
          }),
        ),
      );
    }
    if (t.position_commands !== '') {
      this.#subscriptions.add(
        decodeTopic(this.#transport, t.position_commands, 'std_msgs/msg/Float64MultiArray', DEFAULT_QOS, (m) => m, this.bad).subscribe(
          accept('position_commands', t.position_commands, (m) => {
            const n = this.#armJoints.length;
            if (m.data.length !== n && m.data.length !== n + 1) {
              throw new RangeError(`expected ${n} positions (${this.#armJoints.join(', ')}) or ${n + 1} with the gripper, got ${m.data.length}`);
            }
            for (let i = 0; i < m.data.length; i++) this.#setTarget(this.#jointNames[i], m.data[i]);
          }),
        ),
      );
    }
    if (t.twist !== '') {
      this.#subscriptions.add(
        decodeTopic(this.#transport, t.twist, 'geometry_msgs/msg/TwistStamped', DEFAULT_QOS, (m) => m, this.bad).subscribe(
          accept('twist', t.twist, (m) => {
            const { x, y, z } = m.twist.linear;
            if (![x, y, z].every(Number.isFinite)) throw new RangeError(`twist.linear is not finite (${x}, ${y}, ${z})`);
            this.#twist = { v: [x, y, z], at: this.#scheduler.now() };
          }),
        ),
      );
    }
    this.#reset();
    const period = 1000 / this.#env.config.controlHz;
    this.#subscriptions.add(
      this.#scheduler.schedule(function (this: SchedulerAction<SimRobot>, robot) {
        robot!.#tick();
        this.schedule(robot, period);
      }, period, this),
    );
  }

  stop(): void {
    this.#running = false;
    this.#subscriptions.unsubscribe();
  }

  #setTarget(name: string, position: number): void {
    if (!Number.isFinite(position)) throw new RangeError(`target for ${name} is ${position}`);
    if (name === this.#params.gripper_joint) {
      this.#gripperCommand = 2 * Math.min(1, Math.max(0, position)) - 1;
      return;
    }
    const i = this.#armJoints.indexOf(name);
    if (i < 0) throw new RangeError(`unknown joint '${name}' (this arm has ${this.#jointNames.join(', ')})`);
    this.#target[i] = position;
  }

  #reset(): void {
    const first = this.#env.reset(this.#seed++);
    this.#episodes++;
    this.#target.fill(NaN);
    this.#twist = undefined;
    this.#commanded.set(first.proprio?.positions ?? this.#env.trueState().armPositions);
    this.#publishGoal(this.#env.goalObservation());
    this.#publish(first);
  }

  #tick(): void {
    const result = this.#env.step(this.#action());
    this.#steps++;
    if ((result.done || result.success) && this.#params.reset_when_done) {
      this.#logger.info(`episode ${this.#episodes} ${result.success ? 'succeeded' : 'ended'} after ${result.step} steps`);
      this.#reset();
      return;
    }
    this.#publish(result.observation);
  }

  /** The action that makes the arm do what the latest command asked. */
  #action(): Float32Array {
    const space = this.#env.actionSpace;
    const values = new Float32Array(space.names.length);
    const n = values.length - 1;
    values[n] = this.#gripperCommand;
    if (space.kind === 'joint_delta') {
      for (let i = 0; i < this.#armJoints.length; i++) {
        if (Number.isNaN(this.#target[i])) continue;
        const delta = Math.min(space.high[i], Math.max(space.low[i], this.#target[i] - this.#commanded[i]));
        this.#commanded[i] += delta;
        values[i] = delta;
      }
    } else if (this.#twist !== undefined && this.#scheduler.now() - this.#twist.at <= this.#params.command_timeout_s * 1000) {
      const period = 1 / this.#env.config.controlHz;
      for (let i = 0; i < 3; i++) values[i] = Math.min(space.high[i], Math.max(space.low[i], this.#twist.v[i] * period));
    }
    return values;
  }

  #publishGoal(goal: Observation): void {
    const stamp = this.#transport.now();
    if (goal.rgb !== undefined) this.#send('goal_image', 'sensor_msgs/msg/Image', rgbImageToRos({ ...goal.rgb, stamp }));
    // World frame = robot base frame in the scene.
    const position = this.#env.trueState().goal.position;
    this.#send('goal_pose', 'geometry_msgs/msg/PoseStamped', stampedPoseToRos({ stamp, frameId: 'base_link', pose: { position, quaternion: [1, 0, 0, 0] } }));
  }

  #publish(obs: Observation): void {
    const stamp: Timestamp = this.#transport.now();
    if (obs.rgb !== undefined) this.#send('rgb', 'sensor_msgs/msg/Image', rgbImageToRos({ ...obs.rgb, stamp }));
    if (obs.depth !== undefined) {
      this.#send('depth', 'sensor_msgs/msg/Image', depthImageToRos({ ...obs.depth, stamp }));
      if (obs.depth.intrinsics !== undefined) {
        this.#send('camera_info', 'sensor_msgs/msg/CameraInfo', cameraInfoFromIntrinsics(obs.depth.intrinsics, { stamp, frameId: obs.depth.frameId }));
      }
    }
    if (obs.robotShapes !== undefined) {
      // As robot_state_publisher would: the URDF once, the links' tf each step, before the cloud.
      const shapes = { ...obs.robotShapes, stamp };
      if (!this.#describedRobot) {
        this.#send('robot_description', 'std_msgs/msg/String', { data: shapesUrdf('jepa_sim_arm', shapes.frameId, shapes) });
        this.#describedRobot = true;
      }
      this.#send('tf', 'tf2_msgs/msg/TFMessage', frameTransformsToRos(shapesTransforms(shapes)));
    }
    if (obs.points !== undefined) this.#send('points', 'sensor_msgs/msg/PointCloud2', pointCloudToRos({ ...obs.points, stamp }));
    const p = obs.proprio;
    if (p !== undefined) {
      this.#send(
        'joint_states',
        'sensor_msgs/msg/JointState',
        jointStateToRos({
          stamp,
          frameId: p.frameId,
          jointNames: this.#jointNames,
          positions: Float64Array.from([...p.positions, p.gripper]),
          velocities: Float64Array.from([...p.velocities, 0]),
        }),
      );
      this.#send('ee_pose', 'geometry_msgs/msg/PoseStamped', stampedPoseToRos({ stamp, frameId: p.frameId, pose: p.endEffector }));
    }
  }

  #send<K extends RosMessageType>(name: Output, type: K, msg: RosMessageMap[K]): void {
    const publisher = this.#pub[name];
    if (publisher !== undefined) publisher.publish(getMessageCodec(type).encode(msg));
  }
}
