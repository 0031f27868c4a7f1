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

interface Command {
  /** When it took effect: its header stamp, or its log time when it has none. */
  readonly at: bigint;
  readonly msg: TwistStampedMsg | JointTrajectoryMsg | Float64MultiArrayMsg;
}

/**
 * Transitions of a bag that has no agent records (recorded with `ros2 bag record`), made from
 * its sensor and command topics: each command is one step, from the newest camera frame at or
 * before it (with the other cameras' frames within 50 ms and the joint state interpolated to
 * the frame stamp, as the live node pairs them) to the frame of the next command. The action
 * is read by the command's interface: a twist as its end-effector displacement over one
 * command period (ee_delta), a trajectory's last point or a position array minus the joint
 * state at the command (joint_delta). The gripper component is taken from a joint command that
 * carries it as our node sends it (one joint beyond the arm joints: a trajectory naming one more
 * joint, a position array with one more value, last), its position read from 0 closed to 1 open
 * (the node's default gripper.closed/open) as a command from -1 to 1; otherwise (a twist, an
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
  #gripperCommands = 0;

  constructor(command: CommandTopic, trigger: 'rgb' | 'depth' | 'points') {
    this.#command = command;
    this.#trigger = trigger;
  }

  /** Takes a bag message (its decoded events, for the sensors; the raw message, for commands). */
  add(m: BagMessage, events: readonly DecodedEvent[], decode: (m: BagMessage) => unknown): void {
    for (const e of events) {
      if (e.kind === 'rgb' || e.kind === 'depth' || e.kind === 'points') this.#frames[e.kind].push(toNanoseconds(e.value.stamp));
      else if (e.kind === 'proprio') this.#joints.push(e.value);
    }
    if (m.topic !== this.#command.topic) return;
    const msg = decode(m) as Command['msg'];
    const stamp = 'header' in msg ? toNanoseconds(msg.header.stamp) : 0n;
    this.#commands.push({ at: stamp > 0n ? stamp : m.logTime, msg });
  }

  get commands(): number {
    return this.#commands.length;
  }

  /** How many commands carried the gripper (the others' gripper component is 1). */
  get gripperCommands(): number {
    return this.#gripperCommands;
  }

  /** The transitions, in order; `jointNames` are the arm joints of a joint command, in the action's order. */
  transitions(jointNames: readonly string[] | undefined): TransitionRecord[] {
    const sorted = (xs: bigint[]): bigint[] => xs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const k of ['rgb', 'depth', 'points'] as const) sorted(this.#frames[k]);
    const joints = [...this.#joints].sort((a, b) => (toNanoseconds(a.stamp) < toNanoseconds(b.stamp) ? -1 : 1));
    const commands = [...this.#commands].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const period = medianInterval(commands.map((c) => c.at));
    this.#gripperCommands = 0;
    const steps: Array<{ frame: bigint; values: number[] }> = [];
    for (const c of commands) {
      const frame = latestAtOrBefore(this.#frames[this.#trigger], c.at);
      if (frame === undefined) continue;
      const values = this.#action(c, joints, period, jointNames);
      if (values === undefined) continue;
      // A later command on the same frame replaces this one: only the last went on before the next frame.
      if (steps.length > 0 && steps[steps.length - 1].frame === frame) steps[steps.length - 1] = { frame, values };
      else steps.push({ frame, values });
    }
    const space = this.#command.type === 'geometry_msgs/msg/TwistStamped' ? 'ee_delta' : 'joint_delta';
    const names = space === 'ee_delta' ? ['dx', 'dy', 'dz', 'gripper'] : [...(jointNames ?? []), 'gripper'];
    const out: TransitionRecord[] = [];
    for (let k = 0; k + 1 < steps.length; k++) {
      const stamp = timestampFromNanoseconds(steps[k].frame);
      const nextStamp = timestampFromNanoseconds(steps[k + 1].frame);
      out.push({
        stamp,
        episode: 0,
        step: k,
        actionSpace: space,
        actionNames: names,
        action: steps[k].values,
        appliedAction: steps[k].values,
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

  #action(c: Command, joints: readonly Proprioception[], period: number, jointNames: readonly string[] | undefined): number[] | undefined {
    if (this.#command.type === 'geometry_msgs/msg/TwistStamped') {
      const v = (c.msg as TwistStampedMsg).twist.linear;
      return [v.x * period, v.y * period, v.z * period, 1];
    }
    const current = jointStateAt(joints, c.at);
    if (current === undefined) return undefined;
    const names = jointNames ?? current.jointNames;
    let targets: ArrayLike<number>;
    let targetNames: readonly string[];
    if (this.#command.type === 'trajectory_msgs/msg/JointTrajectory') {
      const msg = c.msg as JointTrajectoryMsg;
      const last = msg.points.at(-1);
      if (last === undefined) return undefined;
      targets = last.positions;
      targetNames = msg.joint_names;
    } else {
      targets = (c.msg as Float64MultiArrayMsg).data;
      targetNames = names;
    }
    const values: number[] = [];
    for (const name of names) {
      const i = targetNames.indexOf(name);
      const j = current.jointNames.indexOf(name);
      if (i < 0 || i >= targets.length || j < 0) {
        throw new RangeError(`${this.#command.topic}: a command has no target for joint ${name} (it names ${targetNames.join(', ')})`);
      }
      values.push(targets[i] - current.positions[j]);
    }
    // The gripper as our node commands it: the one joint beyond the arm joints.
    const extra = this.#command.type === 'trajectory_msgs/msg/JointTrajectory' ? targetNames.flatMap((n, i) => (names.includes(n) ? [] : [i])) : targets.length === names.length + 1 ? [names.length] : [];
    if (extra.length === 1 && extra[0] < targets.length && Number.isFinite(targets[extra[0]])) {
      this.#gripperCommands++;
      values.push(2 * Math.min(1, Math.max(0, targets[extra[0]])) - 1);
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
