import { makeActionSpace } from '../core/index.js';
import type { ActionSpace, ActionSpaceKind } from '../core/index.js';
import type { GripperRange } from './commandTransitions.js';

/**
 * The `jepa_agent` MCAP metadata a recording carries about its robot, written and read here
 * only: the action space (JSON) and the arm joints (comma-separated, proprioception order).
 * A node's recording also carries its gripper joint and range (`gripperMetadata`) and its
 * frames (`framesMetadata`).
 */
export function robotMetadata(space: ActionSpace, jointNames: readonly string[]): Record<string, string> {
  return {
    jointNames: jointNames.join(','),
    actionSpace: JSON.stringify({ kind: space.kind, names: space.names, low: [...space.low], high: [...space.high] }),
  };
}

/** The arm joints a bag's metadata declares (the proprioception order of the robot that recorded it). */
export function recordedJointNames(metadata: Readonly<Record<string, string>>): string[] | undefined {
  const names = metadata.jointNames?.split(',').filter((n) => n !== '');
  return names === undefined || names.length === 0 ? undefined : names;
}

/** The action space a bag's metadata declares; a bag without one is taken as the simulator's ee_delta. */
export function actionSpaceFromMetadata(metadata: Readonly<Record<string, string>>, path: string): ActionSpace {
  const text = metadata.actionSpace;
  if (text === undefined) return makeActionSpace('ee_delta', ['dx', 'dy', 'dz', 'gripper'], [-1, -1, -1, -1], [1, 1, 1, 1]);
  try {
    const s = JSON.parse(text) as { kind: ActionSpaceKind; names: string[]; low: number[]; high: number[] };
    return makeActionSpace(s.kind, s.names, s.low, s.high);
  } catch (error) {
    throw new TypeError(`bag ${path}: its actionSpace metadata is not a valid action space: ${text}`, { cause: error });
  }
}

/** The gripper joint a node commands with the arm joints and its positions when closed and open (gripper.joint/closed/open). */
export function gripperMetadata(gripper: { readonly joint: string; readonly closed: number; readonly open: number }): Record<string, string> {
  return { gripper: JSON.stringify({ joint: gripper.joint, closed: gripper.closed, open: gripper.open }) };
}

/** The gripper range a bag's metadata declares (see gripperMetadata); undefined when it declares none. */
export function recordedGripper(metadata: Readonly<Record<string, string>>, path: string): GripperRange | undefined {
  const text = metadata.gripper;
  if (text === undefined) return undefined;
  let g: unknown;
  try {
    g = JSON.parse(text);
  } catch (error) {
    throw new TypeError(`bag ${path}: its gripper metadata is not JSON: ${text}`, { cause: error });
  }
  const { joint, closed, open } = (typeof g === 'object' && g !== null ? g : {}) as Record<string, unknown>;
  if (typeof joint !== 'string' || typeof closed !== 'number' || typeof open !== 'number') {
    throw new TypeError(`bag ${path}: its gripper metadata needs a joint name and closed and open positions, got ${text}`);
  }
  return { ...(joint === '' ? {} : { joint }), closed, open, source: `the bag's metadata (gripper ${text})` };
}

/** Where a bag's clouds are perceived and how tf names the robot's links (a node's frames.base and self_filter.frame_prefix). */
export interface RecordedFrames {
  /** Clouds in another frame are brought into this one by the recorded tf. */
  readonly baseFrame?: string;
  /** robot_state_publisher's prefix of the URDF's link names in tf. */
  readonly framePrefix?: string;
}

export function framesMetadata(frames: { readonly baseFrame: string; readonly framePrefix: string }): Record<string, string> {
  return { baseFrame: frames.baseFrame, framePrefix: frames.framePrefix };
}

/** The frames a bag's metadata declares (see framesMetadata); none for a simulator's bag, whose clouds are in the base frame. */
export function recordedFrames(metadata: Readonly<Record<string, string>>): RecordedFrames {
  const { baseFrame, framePrefix } = metadata;
  return { ...(baseFrame === undefined || baseFrame === '' ? {} : { baseFrame }), ...(framePrefix === undefined || framePrefix === '' ? {} : { framePrefix }) };
}
