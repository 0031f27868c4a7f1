import type { LoopEvent } from '../../agent/controlLoop.js';
import type { BagRecorder } from '../../bag/BagRecorder.js';
import { framesMetadata, gripperMetadata, robotMetadata } from '../../bag/bagMetadata.js';
import { recordArmState } from '../../bag/recordSource.js';
import type { ObservationPart, PartStampRecord } from '../../bag/agentRecords.js';
import type { BagTopics } from '../../bag/topics.js';
import type { ActionSpace, Observation, Proprioception } from '../../core/index.js';
import { expandTopicName } from '../transport/index.js';
import type { AgentNodeParams } from './agentNodeParams.js';

type Tick = Extract<LoopEvent, { type: 'tick' }>;

const PARTS: readonly ObservationPart[] = ['rgb', 'depth', 'points', 'proprio'];

/**
 * The agent's own records of a recording ROS node, beside the raw topics its
 * RecordingTransport keeps: one transition per command sent (the action as decided and as
 * sent, the plan's cost, and the stamps of exactly the messages it was decided on and of the
 * observation of the next command; a decision that did not go out, e.g. held back by the rate
 * limit, is no transition and no step: the arm kept doing what the last command said), episode markers (an episode is an unbroken run of ticks: a safe
 * stop, a new goal or deactivation ends it), goal markers, and the end-effector pose and
 * gripper that a JointState cannot carry. A tick's transition is written when the next tick
 * shows what followed; the last tick of an episode has no observed outcome and is not written.
 */
export class NodeRecording {
  readonly #recorder: BagRecorder;
  readonly #space: ActionSpace;
  readonly #goalTopic: string;
  #episode = 0;
  #steps = 0;
  #open = false;
  #pending: Tick | undefined;

  constructor(recorder: BagRecorder, params: AgentNodeParams, nodeName: string, space: ActionSpace) {
    this.#recorder = recorder;
    this.#space = space;
    this.#goalTopic = params.topics.goal_image === '' ? '' : expandTopicName(params.topics.goal_image, nodeName);
  }

  /** The episode being recorded (or the next one, between episodes). */
  get episode(): number {
    return this.#episode;
  }

  /** Joint states arrive without the end effector and gripper: those go beside them, at their stamp. */
  armState(p: Proprioception): void {
    recordArmState(this.#recorder, p);
  }

  onEvent(event: LoopEvent): void {
    if (event.type === 'tick') {
      if (!event.sent) return;
      if (!this.#open) {
        this.#open = true;
        this.#steps = 0;
        this.#marker(0, event.observation.stamp);
      }
      if (this.#pending !== undefined) this.#transition(this.#pending, event.observation);
      this.#pending = event;
    } else if (event.type === 'safe_stop') {
      this.endEpisode();
    } else if (event.type === 'input_fault') {
      // A transition across a jump of the clock would join two unrelated instants.
      if (event.fault === 'clock_jump') this.endEpisode();
    } else {
      this.endEpisode();
      const goal = event.goal;
      if (goal.rgb !== undefined && this.#goalTopic !== '') this.#recorder.writeAgent('/agent/goal', { stamp: goal.stamp, episode: this.#episode, topics: [this.#goalTopic] });
    }
  }

  /** Closes the episode being recorded, if any (its last tick has no observed outcome). */
  endEpisode(): void {
    if (!this.#open) return;
    const last = this.#pending?.observation.stamp;
    if (last !== undefined) this.#marker(1, last);
    this.#open = false;
    this.#pending = undefined;
    this.#episode++;
  }

  #transition(tick: Tick, next: Observation): void {
    const decision = tick.decision;
    this.#recorder.writeAgent('/agent/transition', {
      stamp: tick.observation.stamp,
      episode: this.#episode,
      step: this.#steps++,
      actionSpace: this.#space.kind,
      actionNames: this.#space.names,
      action: [...decision.values],
      appliedAction: [...tick.action.values],
      cost: decision.predictedCost ?? Number.NaN,
      done: false,
      success: false,
      nextStamp: next.stamp,
      parts: partStamps(tick.observation),
      nextParts: partStamps(next),
    });
  }

  #marker(kind: 0 | 1, stamp: Observation['stamp']): void {
    this.#recorder.writeAgent('/agent/episode', { stamp, kind, episode: this.#episode, seed: 0, task: '', split: '', steps: this.#steps, success: false });
  }
}

function partStamps(o: Observation): PartStampRecord[] {
  const parts: PartStampRecord[] = [];
  for (const m of PARTS) {
    const part = o[m];
    if (part !== undefined) parts.push({ modality: m, stamp: part.stamp });
  }
  return parts;
}

/**
 * The bag topics of a node with these parameters, by role, as full names ('' where the node
 * has no such topic): the recording's metadata, so a replay finds the node's own topics.
 */
export function nodeBagTopics(params: AgentNodeParams, nodeName: string): BagTopics {
  const t = params.topics;
  const full = (topic: string): string => (topic === '' ? '' : expandTopicName(topic, nodeName));
  return {
    rgb: full(t.rgb_compressed !== '' ? t.rgb_compressed : t.rgb),
    depth: full(t.depth),
    points: full(t.points),
    cameraInfo: full(t.camera_info),
    jointStates: full(t.joint_states),
    jointTrajectory: params.action_interface === 'joint_trajectory' ? full(t.command) : '',
    twist: params.action_interface === 'twist' ? full(t.command) : '',
    goalRgb: full(t.goal_image),
    goalDepth: '',
    goalPoints: '',
    robotDescription: full(t.robot_description),
    tf: full(t.tf),
    tfStatic: full(t.tf_static),
  };
}

/** The MCAP metadata of a node's recording: the robot, its joints, action space, rate and topics. */
export function nodeBagMetadata(params: AgentNodeParams, nodeName: string, space: ActionSpace): Record<string, string> {
  return {
    robot: nodeName,
    recordedBy: 'jepa-agent run',
    ...robotMetadata(space, params.joint_names),
    ...gripperMetadata(params.gripper),
    ...framesMetadata({ baseFrame: params.frames.base, framePrefix: params.self_filter.frame_prefix }),
    controlHz: String(params.control_rate_hz),
    topics: JSON.stringify(nodeBagTopics(params, nodeName)),
  };
}
