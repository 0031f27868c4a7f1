import type { Action } from '../../core/index.js';

/** A gripper driven as one more joint of the same controller. */
export interface GripperJoint {
  readonly jointName: string;
  /** Joint position when fully closed (gripper command -1). */
  readonly closed: number;
  /** Joint position when fully open (gripper command +1). */
  readonly open: number;
}

export interface JointCommandOptions {
  /** The arm joints the controller drives, in the action's order (its first components). */
  readonly jointNames: readonly string[];
  /** Current positions of `jointNames`, same order: a joint_delta action is relative to them. */
  readonly currentPositions: ArrayLike<number>;
  /** Map the action's trailing gripper component onto this joint; without it that component is not sent. */
  readonly gripper?: GripperJoint;
}

export interface JointTargets {
  readonly names: readonly string[];
  readonly positions: Float64Array;
}

/**
 * Absolute joint targets from a joint_delta action: target = current + delta for each arm
 * joint, plus the gripper joint when configured (command in [-1, 1] mapped linearly from
 * `closed` to `open`, as the simulator maps it to an opening in [0, 1]).
 */
export function jointTargetsFromAction(action: Action, options: JointCommandOptions): JointTargets {
  if (action.space !== 'joint_delta') {
    throw new RangeError(`joint command: needs a joint_delta action, got ${action.space}`);
  }
  const { jointNames, currentPositions, gripper } = options;
  const n = jointNames.length;
  const v = action.values;
  const expected = gripper === undefined ? `${n} or ${n + 1}` : `${n + 1}`;
  if (!(v.length === n + 1 || (gripper === undefined && v.length === n))) {
    throw new RangeError(
      `joint command: action has ${v.length} values, expected ${expected} (joints ${jointNames.join(', ')}${gripper === undefined ? ', optional gripper' : `, gripper ${gripper.jointName}`})`,
    );
  }
  if (currentPositions.length !== n) {
    throw new RangeError(`joint command: ${n} joints but ${currentPositions.length} current positions`);
  }
  const positions = new Float64Array(gripper === undefined ? n : n + 1);
  for (let i = 0; i < n; i++) {
    const target = currentPositions[i] + v[i];
    if (!Number.isFinite(target)) {
      throw new RangeError(`joint command: target for ${jointNames[i]} is ${target} (current ${currentPositions[i]}, delta ${v[i]})`);
    }
    positions[i] = target;
  }
  const names = [...jointNames];
  if (gripper !== undefined) {
    const command = v[n];
    if (!Number.isFinite(command)) throw new RangeError(`joint command: gripper command is ${command}`);
    const opening = Math.min(1, Math.max(0, (command + 1) / 2));
    positions[n] = gripper.closed + (gripper.open - gripper.closed) * opening;
    names.push(gripper.jointName);
  }
  return { names, positions };
}
