import { asyncScheduler, Subscription } from 'rxjs';
import type { Observable, SchedulerLike } from 'rxjs';
import type { ActionSink, AppliedAction, Unsent } from '../../agent/Sink.js';
import type { Action, ActionSpace, Logger } from '../../core/index.js';
import { clipAction, secondsBetween } from '../../core/index.js';
import type { JointVectors, RosMessageType } from '../messages/index.js';
import { float64MultiArrayFromAction, getMessageCodec, jointTrajectoryFromAction, twistStampedFromAction } from '../messages/index.js';
import type { RawPublisher, RosTransport } from '../transport/index.js';
import { DEFAULT_QOS } from '../transport/index.js';
import type { AgentNodeParams } from './agentNodeParams.js';
import type { BadMessageLog } from './BadMessageLog.js';
import { decodeTopic } from './decodeTopic.js';

export interface RosSinkOptions {
  readonly params: AgentNodeParams;
  readonly actionSpace: ActionSpace;
  /** Joint vectors of the configured joints (joint interfaces turn deltas into targets with them). */
  readonly joints$?: Observable<JointVectors>;
  readonly bad: BadMessageLog;
  readonly logger: Logger;
  /** Rate limiting runs on this scheduler's clock. */
  readonly scheduler?: SchedulerLike;
}

/** Why commands are not going out, for the status message. */
export type SinkState = 'idle' | 'acting' | 'safe_stop' | 'estopped';

const COMMAND_TYPES: Record<AgentNodeParams['action_interface'], RosMessageType> = {
  joint_trajectory: 'trajectory_msgs/msg/JointTrajectory',
  forward_position: 'std_msgs/msg/Float64MultiArray',
  twist: 'geometry_msgs/msg/TwistStamped',
};

// Sends a little faster than the nominal rate get through: loop jitter must not halve it.
const RATE_TOLERANCE = 0.8;

/**
 * The arm's controller as the loop's action sink: each action becomes the message of the
 * configured interface (JointTrajectory for a JointTrajectoryController, Float64MultiArray
 * for a forward position controller, TwistStamped for MoveIt Servo), stamped, with the
 * configured joint names, clipped to the action space and rate-limited to control_rate_hz.
 * A safe stop holds where the arm is: the freshest joint state received (the newest stamp,
 * whatever the loop last decided on), or a zero twist. While the e-stop topic last said
 * true, nothing but stops goes out. `send` returns what the arm does after it, with
 * `unsent` when the decision did not go out: a held-back twist returns the twist that
 * persists (the controller keeps executing it), a held-back joint command, a command refused
 * by the e-stop or one that could not be made returns the hold.
 */
export class RosSink implements ActionSink {
  readonly #params: AgentNodeParams;
  readonly #space: ActionSpace;
  readonly #publisher: RawPublisher;
  readonly #transport: RosTransport;
  readonly #logger: Logger;
  readonly #bad: BadMessageLog;
  readonly #scheduler: SchedulerLike;
  readonly #subscriptions = new Subscription();
  /** The freshest joint state received (by stamp). */
  #current: JointVectors | undefined;
  /** The twist the controller is executing (the last one sent), as action values. */
  #persisting: Float32Array | undefined;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #gripper = 1;
  #estop = false;
  #stopped: string | undefined;
  #sent = 0;
  #heldBack = 0;
  #safeStops = 0;
  #lastReason = '';

  constructor(transport: RosTransport, options: RosSinkOptions) {
    const { params } = options;
    this.#params = params;
    this.#space = options.actionSpace;
    this.#transport = transport;
    this.#logger = options.logger;
    this.#bad = options.bad;
    this.#scheduler = options.scheduler ?? asyncScheduler;
    const joint = params.action_interface !== 'twist';
    if (joint !== (this.#space.kind === 'joint_delta')) {
      throw new RangeError(`ros sink: action_interface ${params.action_interface} cannot send ${this.#space.kind} actions`);
    }
    this.#publisher = transport.createPublisher(params.topics.command, COMMAND_TYPES[params.action_interface], {
      ...DEFAULT_QOS,
      reliability: params.qos.commands,
    });
    if (joint) {
      if (options.joints$ === undefined) throw new RangeError(`ros sink: action_interface ${params.action_interface} needs topics.joint_states`);
      this.#subscriptions.add(options.joints$.subscribe((v) => this.#onJoints(v)));
    }
    if (params.topics.estop !== '') {
      this.#subscriptions.add(
        decodeTopic(transport, params.topics.estop, 'std_msgs/msg/Bool', DEFAULT_QOS, (m) => m.data, this.#bad).subscribe((on) => this.#setEstop(on)),
      );
    }
  }

  /** The full name of the command topic. */
  get topic(): string {
    return this.#publisher.topic;
  }

  get state(): SinkState {
    if (this.#estop) return 'estopped';
    if (this.#stopped !== undefined) return 'safe_stop';
    return this.#sent > 0 ? 'acting' : 'idle';
  }

  get estopped(): boolean {
    return this.#estop;
  }

  /** The reason of the last safe stop or e-stop. */
  get lastStopReason(): string {
    return this.#lastReason;
  }

  /** Commands sent, decisions held back by the rate limit, safe stops commanded (e-stops included). */
  get stats(): { sent: number; heldBack: number; safeStops: number } {
    return { sent: this.#sent, heldBack: this.#heldBack, safeStops: this.#safeStops };
  }

  /** The joint positions a hold commands now: the freshest joint state received. */
  get holdPositions(): Float64Array | undefined {
    return this.#current?.positions;
  }

  send(action: Action): AppliedAction {
    const clipped = clipAction(this.#space, action.values);
    if (this.#estop) return this.#unsent('estop');
    const now = this.#scheduler.now();
    if (now - this.#lastSentAt < (RATE_TOLERANCE * 1000) / this.#params.control_rate_hz) {
      this.#heldBack++;
      if (this.#persisting !== undefined) return { space: this.#space.kind, values: Float32Array.from(this.#persisting), unsent: 'held_back' };
      return this.#unsent('held_back');
    }
    if (!this.#publish(clipped, 'command')) return this.#unsent('failed');
    this.#lastSentAt = now;
    this.#stopped = undefined;
    this.#gripper = clipped.values[clipped.values.length - 1];
    this.#persisting = this.#params.action_interface === 'twist' ? Float32Array.from(clipped.values) : undefined;
    this.#sent++;
    return clipped;
  }

  safeStop(reason: string): void {
    this.#stopped = reason;
    this.#lastReason = reason;
    this.#safeStops++;
    this.#stopMotion('safe stop');
  }

  close(): void {
    this.#subscriptions.unsubscribe();
  }

  #setEstop(on: boolean): void {
    if (on === this.#estop) return;
    this.#estop = on;
    if (on) {
      this.#lastReason = `e-stop on ${this.#params.topics.estop}`;
      this.#logger.warn(`e-stop: ${this.#params.topics.estop} is true; holding until it is false`);
      this.#safeStops++;
      this.#stopMotion('e-stop');
    } else {
      this.#logger.info(`e-stop released on ${this.#params.topics.estop}`);
    }
  }

  #onJoints(v: JointVectors): void {
    // Out-of-order arrivals never move the hold back to an older state.
    if (this.#current === undefined || secondsBetween(this.#current.stamp, v.stamp) >= 0) this.#current = v;
  }

  /** A hold: zero motion now and no persisting twist. */
  #stopMotion(what: string): void {
    this.#persisting = undefined;
    this.#publish(this.#hold(), what);
  }

  #unsent(why: Unsent): AppliedAction {
    return { ...this.#hold(), unsent: why };
  }

  /** Zero motion, gripper as last commanded. */
  #hold(): Action {
    const values = new Float32Array(this.#space.names.length);
    values[values.length - 1] = this.#gripper;
    return { space: this.#space.kind, values };
  }

  /** Publishes `action` on the command topic; false (logged, counted) when it cannot be made. */
  #publish(action: Action, what: string): boolean {
    const p = this.#params;
    const stamp = this.#transport.now();
    try {
      let bytes: Uint8Array;
      if (p.action_interface === 'twist') {
        bytes = getMessageCodec('geometry_msgs/msg/TwistStamped').encode(
          twistStampedFromAction(action, { stamp, frameId: p.frames.base, period: 1 / p.control_rate_hz }),
        );
      } else {
        if (this.#current === undefined) throw new Error(`no joint state received on ${p.topics.joint_states} yet: cannot turn a joint delta into targets`);
        const joint = {
          jointNames: p.joint_names,
          currentPositions: this.#current.positions,
          ...(p.gripper.joint === '' ? {} : { gripper: { jointName: p.gripper.joint, closed: p.gripper.closed, open: p.gripper.open } }),
        };
        bytes =
          p.action_interface === 'joint_trajectory'
            ? getMessageCodec('trajectory_msgs/msg/JointTrajectory').encode(
                jointTrajectoryFromAction(action, { ...joint, stamp, timeFromStart: p.trajectory_time_s > 0 ? p.trajectory_time_s : 1 / p.control_rate_hz }),
              )
            : getMessageCodec('std_msgs/msg/Float64MultiArray').encode(float64MultiArrayFromAction(action, joint));
      }
      this.#publisher.publish(bytes);
      return true;
    } catch (error) {
      this.#bad.record(`${this.#publisher.topic} (${what})`, error);
      return false;
    }
  }
}
