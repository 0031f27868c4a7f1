import type { Proprioception } from '../core/index.js';
import { interpolateProprio, toNanoseconds, timestampFromNanoseconds } from '../core/index.js';
import type { Float64MultiArrayMsg, JointTrajectoryMsg, TwistStampedMsg } from '../ros/index.js';
import type { PartStampRecord, TransitionRecord } from './agentRecords.js';
import type { BagMessage } from './BagReader.js';
import type { DecodedEvent } from './BagDecoder.js';

/** The command topic of a bag and how its messages are read as actions. */
export interface CommandTopic {
  readonly topic: string;
  readonly type: 'geometry_msgs/msg/TwistStamped' | 'trajectory_msgs/msg/JointTrajectory' | 'std_msgs/msg/Float64MultiArray';
}

// A camera part is joined to the trigger camera's frame when this close (as the live sync's default slop).
const PART_SLOP_NS = 50_000_000n;

/** A decoded command message, of the command topic's type. */
export type CommandMsg = TwistStampedMsg | JointTrajectoryMsg | Float64MultiArrayMsg;

interface Command {
  /** When it took effect: its header stamp, or its log time when it has none (or could not be decoded). */
  readonly at: bigint;
  /** Undefined: a command that could not be decoded (what the arm did after it is unknown). */
  readonly msg: CommandMsg | undefined;
  /** The gripper command (-1 closed .. 1 open) it carries, if it carries the gripper. */
  readonly gripper: number | undefined;
}

/**
 * The gripper as a joint command carries it: the joint's position when closed and when open
 * (the node's gripper.closed / gripper.open), its name when known, and where the range came
 * from (said in errors and in the per-bag report).
 */
export interface GripperRange {
  /** The gripper joint's name (gripper.joint); undefined: the one joint beyond the arm joints. */
  readonly joint?: string;
  readonly closed: number;
  readonly open: number;
  readonly source: string;
}

/** The node's defaults (gripper.closed 0, gripper.open 1): the range where nothing declares one. */
export const DEFAULT_GRIPPER_RANGE: GripperRange = { closed: 0, open: 1, source: "the node's defaults gripper.closed 0, gripper.open 1" };

/**
 * Transitions of a bag that has no agent records (recorded with `ros2 bag record`), made from
 * its sensor and command topics: each command is one step, from the newest camera frame at or
 * before it (with the other cameras' frames within 50 ms and the joint state interpolated to
 * the frame stamp, as the live node pairs them) to the frame of the next command. The action
 * is read by the command's interface: a twist as its end-effector displacement over one
 * command period (ee_delta), a trajectory's last point or a position array minus the joint
 * state at the command (joint_delta). The gripper component is taken from a joint command that
 * carries it as our node sends it (the joint named `gripper.joint` of a trajectory, else one
 * joint beyond the arm joints; a position array's one value beyond them, last), its position
 * mapped from the declared range (`GripperRange`: closed -> -1, open -> 1); a position
 * outside that range is an error naming the bag, topic and message. Otherwise (a twist, an
 * arm-only command) it is 1, open. The arm joints are `jointNames` when given (or the bag's
 * metadata), else the joint state's names. The period is the median interval between commands. Commands that share their
 * frame with the next one are merged into it (no new observation between them).
 */
export class CommandTransitions {
  readonly #command: CommandTopic;
  readonly #trigger: 'rgb' | 'depth' | 'points';
  readonly #frames: Record<'rgb' | 'depth' | 'points', bigint[]> = { rgb: [], depth: [], points: [] };
  readonly #joints: Proprioception[] = [];
  readonly #commands: Command[] = [];
  readonly #bag: string;
  readonly #gripper: GripperRange;
  readonly #armJoints: readonly string[] | undefined;
  #gripperCommands = 0;
  /** Command messages seen, damaged ones included (`skipped`): the index of the next one. */
  #index = 0;

  /**
   * `armJoints`: the arm joints of a joint command when known up front (the configured or
   * recorded ones), so that a command's gripper joint is told apart as it is read.
   */
  constructor(command: CommandTopic, trigger: 'rgb' | 'depth' | 'points', options: { readonly bag: string; readonly gripper?: GripperRange; readonly armJoints?: readonly string[] }) {
    if (options.gripper !== undefined && !(Number.isFinite(options.gripper.closed) && Number.isFinite(options.gripper.open) && options.gripper.closed !== options.gripper.open)) {
      throw new RangeError(`bag ${options.bag}: the gripper range from ${options.gripper.source} is closed ${options.gripper.closed} .. open ${options.gripper.open}: expected two different finite positions`);
    }
    this.#command = command;
    this.#trigger = trigger;
    this.#bag = options.bag;
    this.#gripper = options.gripper ?? DEFAULT_GRIPPER_RANGE;
    this.#armJoints = options.armJoints;
  }

  /** Whether `m` is on the command topic (its message is then decoded by the caller and given to `add`). */
  isCommand(m: BagMessage): boolean {
    return m.topic === this.#command.topic;
  }

  /**
   * A command message that could not be decoded: it still counts in the message index of later
   * ones, and the step it began has no known action (the steps around it are kept apart).
   */
  skipped(m: BagMessage): void {
    if (!this.isCommand(m)) return;
    this.#index++;
    this.#commands.push({ at: m.logTime, msg: undefined, gripper: undefined });
  }

  /**
   * Takes a bag message: its decoded events, for the sensors; for a command, `msg`, decoded by
   * the caller. Throws (naming bag, topic, message index and log time) on a gripper position
   * outside the declared range.
   */
  add(m: BagMessage, events: readonly DecodedEvent[], msg?: CommandMsg): void {
    for (const e of events) {
      if (e.kind === 'rgb' || e.kind === 'depth' || e.kind === 'points') this.#frames[e.kind].push(toNanoseconds(e.value.stamp));
      else if (e.kind === 'proprio') this.#joints.push(e.value);
    }
    if (!this.isCommand(m) || msg === undefined) return;
    const index = this.#index++;
    const stamp = 'header' in msg ? toNanoseconds(msg.header.stamp) : 0n;
    this.#commands.push({ at: stamp > 0n ? stamp : m.logTime, msg, gripper: this.#gripperOf(msg, index, m.logTime) });
  }

  /** Where the gripper range came from. */
  get gripperSource(): string {
    return this.#gripper.source;
  }

  /** The gripper command (-1 .. 1) a joint command carries, if any; throws on a position outside the range. */
  #gripperOf(msg: CommandMsg, index: number, logTime: bigint): number | undefined {
    if (this.#command.type === 'geometry_msgs/msg/TwistStamped') return undefined;
    const { joint, closed, open, source } = this.#gripper;
    // The arm joints: as configured or recorded, else those of the newest joint state so far (less a named gripper).
    const arm = (this.#armJoints ?? this.#joints.at(-1)?.jointNames)?.filter((n) => n !== joint);
    let position: number | undefined;
    let name: string;
    if (this.#command.type === 'trajectory_msgs/msg/JointTrajectory') {
      const t = msg as JointTrajectoryMsg;
      const last = t.points.at(-1);
      if (last === undefined) return undefined;
      let i: number;
      if (joint !== undefined) i = t.joint_names.indexOf(joint);
      else {
        const extra = arm === undefined ? [] : t.joint_names.flatMap((n, k) => (arm.includes(n) ? [] : [k]));
        i = extra.length === 1 ? extra[0] : -1;
      }
      if (i < 0 || i >= last.positions.length) return undefined;
      position = last.positions[i];
      name = `joint ${t.joint_names[i]}`;
    } else {
      const data = (msg as Float64MultiArrayMsg).data;
      if (arm === undefined || data.length !== arm.length + 1) return undefined;
      position = data[arm.length];
      name = `value ${arm.length} (${joint ?? 'the one beyond the arm joints'})`;
    }
    const lo = Math.min(closed, open);
    const hi = Math.max(closed, open);
    const tolerance = 1e-9 * (hi - lo);
    if (!Number.isFinite(position) || position < lo - tolerance || position > hi + tolerance) {
      throw new RangeError(
        `bag ${this.#bag}: ${this.#command.topic}: message ${index} (logged at ${logTime} ns): gripper ${name} at ${position} is outside its declared range, closed ${closed} .. open ${open} (${source}); ` +
          'declare the range the robot ran with: --params FILE with gripper.closed and gripper.open, or -p gripper.closed=... -p gripper.open=...',
      );
    }
    const opening = Math.min(1, Math.max(0, (position - closed) / (open - closed)));
    return 2 * opening - 1;
  }

  /** Commands read (decodable ones). */
  get commands(): number {
    return this.#commands.filter((c) => c.msg !== undefined).length;
  }

  /** How many commands carried the gripper (the others' gripper component is 1). */
  get gripperCommands(): number {
    return this.#gripperCommands;
  }

  /** The transitions, in order (a joint command's arm joints in the order of `armJoints`, else of the joint state). */
  transitions(): TransitionRecord[] {
    const jointNames = this.#armJoints;
    const sorted = (xs: bigint[]): bigint[] => xs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const k of ['rgb', 'depth', 'points'] as const) sorted(this.#frames[k]);
    const joints = [...this.#joints].sort((a, b) => (toNanoseconds(a.stamp) < toNanoseconds(b.stamp) ? -1 : 1));
    const commands = [...this.#commands].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const period = medianInterval(commands.map((c) => c.at));
    this.#gripperCommands = 0;
    // A step whose command could not be decoded keeps its frame (the end of the step before) but gives no transition.
    const steps: Array<{ frame: bigint; values: number[] | undefined }> = [];
    for (const c of commands) {
      const frame = latestAtOrBefore(this.#frames[this.#trigger], c.at);
      if (frame === undefined) continue;
      const values = c.msg === undefined ? undefined : this.#action(c, c.msg, joints, period, jointNames);
      if (values === undefined && c.msg !== undefined) continue;
      // A later command on the same frame replaces this one: only the last went on before the next frame.
      if (steps.length > 0 && steps[steps.length - 1].frame === frame) steps[steps.length - 1] = { frame, values };
      else steps.push({ frame, values });
    }
    const space = this.#command.type === 'geometry_msgs/msg/TwistStamped' ? 'ee_delta' : 'joint_delta';
    const names = space === 'ee_delta' ? ['dx', 'dy', 'dz', 'gripper'] : [...(jointNames ?? []), 'gripper'];
    const out: TransitionRecord[] = [];
    for (let k = 0; k + 1 < steps.length; k++) {
      const values = steps[k].values;
      if (values === undefined) continue;
      const stamp = timestampFromNanoseconds(steps[k].frame);
      const nextStamp = timestampFromNanoseconds(steps[k + 1].frame);
      out.push({
        stamp,
        episode: 0,
        step: k,
        actionSpace: space,
        actionNames: names,
        action: values,
        appliedAction: values,
        cost: Number.NaN,
        done: false,
        success: false,
        nextStamp,
        parts: this.#parts(steps[k].frame),
        nextParts: this.#parts(steps[k + 1].frame),
      });
    }
    return out;
  }

  #parts(frame: bigint): PartStampRecord[] {
    const parts: PartStampRecord[] = [];
    for (const m of ['rgb', 'depth', 'points'] as const) {
      const stamp = m === this.#trigger ? frame : closestWithin(this.#frames[m], frame, PART_SLOP_NS);
      if (stamp !== undefined) parts.push({ modality: m, stamp: timestampFromNanoseconds(stamp) });
    }
    if (this.#joints.length > 0) parts.push({ modality: 'proprio', stamp: timestampFromNanoseconds(frame) });
    return parts;
  }

  #action(c: Command, msg: CommandMsg, joints: readonly Proprioception[], period: number, jointNames: readonly string[] | undefined): number[] | undefined {
    if (this.#command.type === 'geometry_msgs/msg/TwistStamped') {
      const v = (msg as TwistStampedMsg).twist.linear;
      return [v.x * period, v.y * period, v.z * period, 1];
    }
    const current = jointStateAt(joints, c.at);
    if (current === undefined) return undefined;
    const gripperJoint = this.#gripper.joint;
    const names = (jointNames ?? current.jointNames).filter((n) => n !== gripperJoint);
    let targets: ArrayLike<number>;
    let targetNames: readonly string[];
    if (this.#command.type === 'trajectory_msgs/msg/JointTrajectory') {
      const trajectory = msg as JointTrajectoryMsg;
      const last = trajectory.points.at(-1);
      if (last === undefined) return undefined;
      targets = last.positions;
      targetNames = trajectory.joint_names;
    } else {
      targets = (msg as Float64MultiArrayMsg).data;
      targetNames = names;
    }
    const values: number[] = [];
    for (const name of names) {
      const i = targetNames.indexOf(name);
      const j = current.jointNames.indexOf(name);
      if (i < 0 || i >= targets.length || j < 0) {
        throw new RangeError(`bag ${this.#bag}: ${this.#command.topic}: a command has no target for joint ${name} (it names ${targetNames.join(', ')})`);
      }
      values.push(targets[i] - current.positions[j]);
    }
    if (c.gripper !== undefined) {
      this.#gripperCommands++;
      values.push(c.gripper);
    } else values.push(1);
    return values;
  }
}

function medianInterval(times: readonly bigint[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) if (times[i] > times[i - 1]) gaps.push(Number(times[i] - times[i - 1]) / 1e9);
  if (gaps.length === 0) return 0;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)];
}

function latestAtOrBefore(sorted: readonly bigint[], t: bigint): bigint | undefined {
  let best: bigint | undefined;
  for (const s of sorted) {
    if (s > t) break;
    best = s;
  }
  return best;
}

function closestWithin(sorted: readonly bigint[], t: bigint, slop: bigint): bigint | undefined {
  let best: bigint | undefined;
  let gap = slop + 1n;
  for (const s of sorted) {
    const g = s > t ? s - t : t - s;
    if (g < gap) {
      best = s;
      gap = g;
    }
  }
  return best;
}

/** The joint state at `t`, interpolated between the ones around it, or the last before it. */
function jointStateAt(joints: readonly Proprioception[], t: bigint): Proprioception | undefined {
  let before: Proprioception | undefined;
  for (const p of joints) {
    const s = toNanoseconds(p.stamp);
    if (s <= t) before = p;
    else return before === undefined ? undefined : interpolateProprio(before, p, timestampFromNanoseconds(t));
  }
  return before;
}
