import type { CameraIntrinsics, DepthImage, Observation, PointCloud, Proprioception, RgbImage, RobotShapes } from '../core/index.js';
import { compareTimestamps } from '../core/index.js';
import {
  cloudInFrame,
  depthImageFromRos,
  frameTransformsFromRos,
  getMessageCodec,
  intrinsicsFromCameraInfo,
  jointVectorsFromRos,
  MessageCodec,
  pointCloudFromRos,
  rgbImageFromCompressed,
  rgbImageFromRos,
  poseRobotShapes,
  robotModelShapes,
  ROS2MSG_SCHEMA_ENCODING,
  TransformBuffer,
} from '../ros/index.js';
import type { CameraInfoMsg, CompressedImageMsg, ImageMsg, JointStateMsg, PointCloud2Msg, RobotModelShapes, RosMessageType, StringMsg, TFMessageMsg } from '../ros/index.js';
import { decodeAgentRecord } from './agentRecords.js';
import type { ArmStateRecord, TransitionRecord } from './agentRecords.js';
import type { BagMessage } from './BagReader.js';
import { AGENT_TOPICS, DEFAULT_BAG_TOPICS, isAgentTopic } from './topics.js';
import type { AgentRecordType, BagTopics } from './topics.js';

/** What a bag message means to the agent. */
export type DecodedEvent =
  | { readonly kind: 'rgb'; readonly value: RgbImage }
  | { readonly kind: 'depth'; readonly value: DepthImage }
  | { readonly kind: 'points'; readonly value: PointCloud }
  | { readonly kind: 'proprio'; readonly value: Proprioception }
  | { readonly kind: 'goal'; readonly value: Observation }
  | { readonly kind: 'transition'; readonly value: TransitionRecord }
  /** The robot's shapes at a cloud's stamp and in its frame (before that cloud's own event). */
  | { readonly kind: 'robotShapes'; readonly value: RobotShapes }
  /** A cloud tf could not place the robot's links for: why. */
  | { readonly kind: 'robotShapesMissing'; readonly value: string }
  /** A robot description was read: its shapes, and the collision elements left out. */
  | { readonly kind: 'robotModel'; readonly value: RobotModelShapes };

// As the node's default self_filter.tf_tolerance_ms: how far a cloud may lie past a transform's newest sample.
const TF_TOLERANCE_S = 0.05;

export interface BagDecoderOptions {
  readonly topics?: BagTopics;
  /** The configured arm's joints, in the agent's order; default: the joint state's own order. */
  readonly jointNames?: readonly string[];
  /** Clouds in another frame are brought into this one by the bag's tf, as the live node does; default: as recorded. */
  readonly baseFrame?: string;
  /** How tf names the URDF's links (robot_state_publisher's frame_prefix). */
  readonly framePrefix?: string;
}

/** Expected schema of each sensor topic role (a robot may send its colour image compressed). */
const EXPECTED: Readonly<Record<string, string | readonly string[]>> = {
  rgb: ['sensor_msgs/msg/Image', 'sensor_msgs/msg/CompressedImage'],
  depth: 'sensor_msgs/msg/Image',
  points: 'sensor_msgs/msg/PointCloud2',
  cameraInfo: 'sensor_msgs/msg/CameraInfo',
  jointStates: 'sensor_msgs/msg/JointState',
  goalRgb: 'sensor_msgs/msg/Image',
  goalDepth: 'sensor_msgs/msg/Image',
  goalPoints: 'sensor_msgs/msg/PointCloud2',
  robotDescription: 'std_msgs/msg/String',
  tf: 'tf2_msgs/msg/TFMessage',
  tfStatic: 'tf2_msgs/msg/TFMessage',
};

/**
 * Turns bag messages into the core values a live source gives, with the shared ROS
 * conversions and codecs built from the schema each file carries: images, depth (with the
 * latest CameraInfo's intrinsics), clouds, proprioception (joint state + the agent's arm
 * state at the same stamp), goals (a goal marker + its /goal images) and the robot's shapes
 * for each cloud (its URDF's collision shapes posed by the recorded tf, as a live node's
 * source does; `package://` meshes are looked for under AMENT_PREFIX_PATH). Messages of other
 * topics yield nothing. A topic whose schema is not the expected one, a schema the file
 * lacks, or a joint state without the configured joints is an error naming the topic.
 */
export class BagDecoder {
  readonly topics: BagTopics;
  readonly #roles = new Map<string, string>();
  readonly #jointNames: readonly string[] | undefined;
  readonly #baseFrame: string | undefined;
  readonly #framePrefix: string;
  readonly #codecs = new WeakMap<Uint8Array, MessageCodec>();
  #intrinsics: CameraIntrinsics | undefined;
  readonly #tf = new TransformBuffer();
  #robot: RobotModelShapes | undefined;
  /** Arm states waiting for their joint state, oldest first (two observations may share a stamp, e.g. an episode's last and the next one's first). */
  #arms: ArmStateRecord[] = [];
  #goal: { stamp: Observation['stamp']; waiting: Set<string>; parts: { rgb?: RgbImage; depth?: DepthImage; points?: PointCloud } } | undefined;

  constructor(options: BagDecoderOptions = {}) {
    this.topics = options.topics ?? DEFAULT_BAG_TOPICS;
    for (const [role, topic] of Object.entries(this.topics)) if (topic !== '') this.#roles.set(topic, role);
    this.#jointNames = options.jointNames;
    this.#baseFrame = options.baseFrame;
    this.#framePrefix = options.framePrefix ?? '';
  }

  /** The role ('rgb', 'jointStates', ...) of a topic, if the agent uses it. */
  roleOf(topic: string): string | undefined {
    return this.#roles.get(topic);
  }

  /** Throws when a channel of a sensor topic carries another type than the agent expects. */
  checkChannel(topic: string, schemaName: string, schemaEncoding: string): void {
    const role = this.#roles.get(topic);
    const expected = role === undefined ? undefined : EXPECTED[role];
    if (expected === undefined) return;
    const allowed: readonly string[] = typeof expected === 'string' ? [expected] : expected;
    const wanted = allowed.join(' or ');
    if (schemaName === '') throw new TypeError(`bag: topic ${topic}: its channel refers to a schema the file does not define (unknown schema); expected ${wanted}`);
    if (schemaEncoding !== ROS2MSG_SCHEMA_ENCODING) {
      throw new TypeError(`bag: topic ${topic}: unknown schema encoding '${schemaEncoding}' for ${schemaName}; expected a ${ROS2MSG_SCHEMA_ENCODING} ${wanted}`);
    }
    if (!allowed.includes(schemaName)) throw new TypeError(`bag: topic ${topic} carries ${schemaName}, expected ${wanted}`);
  }

  /**
   * The events of one bag message. A message that cannot be decoded or converted (damaged
   * bytes, a schema that does not fit) is an error naming its topic; the decoder's state is
   * unchanged by it, so the caller may skip it and go on.
   */
  decode(m: BagMessage): DecodedEvent[] {
    try {
      return this.#decode(m);
    } catch (error) {
      const text = (error as Error).message;
      throw text.includes(m.topic) ? error : new (error instanceof TypeError ? TypeError : RangeError)(`bag: topic ${m.topic}: ${text}`, { cause: error });
    }
  }

  #decode(m: BagMessage): DecodedEvent[] {
    if (isAgentTopic(m.topic)) return this.#agent(m, AGENT_TOPICS[m.topic]);
    const role = this.#roles.get(m.topic);
    if (role === undefined || EXPECTED[role] === undefined) return [];
    this.checkChannel(m.topic, m.schemaName, m.schemaEncoding);
    const msg = this.#codec(m).decode(m.data);
    // Decoded with the file's own schema: it must have the fields the agent reads, of their types.
    getMessageCodec(m.schemaName as RosMessageType).check(msg);
    switch (role) {
      case 'rgb':
        return [
          {
            kind: 'rgb',
            value: m.schemaName === 'sensor_msgs/msg/CompressedImage' ? rgbImageFromCompressed(msg as CompressedImageMsg, m.topic) : rgbImageFromRos(msg as ImageMsg, m.topic),
          },
        ];
      case 'depth':
        return [{ kind: 'depth', value: depthImageFromRos(msg as ImageMsg, { topic: m.topic, ...(this.#intrinsics === undefined ? {} : { intrinsics: this.#intrinsics }) }) }];
      case 'points': {
        const cloud = this.#inBaseFrame(pointCloudFromRos(msg as PointCloud2Msg, { topic: m.topic }));
        return [...this.#robotShapesFor(cloud), { kind: 'points', value: cloud }];
      }
      case 'robotDescription':
        this.#robot = robotModelShapes((msg as StringMsg).data);
        return [{ kind: 'robotModel', value: this.#robot }];
      case 'tf':
      case 'tfStatic':
        // Checked whole before any is kept: a refused message leaves the tree as it was.
        for (const t of frameTransformsFromRos(msg as TFMessageMsg, m.topic)) this.#tf.set(t, role === 'tfStatic');
        return [];
      case 'cameraInfo':
        this.#intrinsics = intrinsicsFromCameraInfo(msg as CameraInfoMsg, m.topic);
        return [];
      case 'jointStates':
        return [{ kind: 'proprio', value: this.#proprio(msg as JointStateMsg, m.topic) }];
      case 'goalRgb':
        return this.#goalPart(m.topic, { rgb: rgbImageFromRos(msg as ImageMsg, m.topic) });
      case 'goalDepth':
        return this.#goalPart(m.topic, { depth: depthImageFromRos(msg as ImageMsg, { topic: m.topic, ...(this.#intrinsics === undefined ? {} : { intrinsics: this.#intrinsics }) }) });
      case 'goalPoints':
        return this.#goalPart(m.topic, { points: pointCloudFromRos(msg as PointCloud2Msg, { topic: m.topic }) });
      default:
        return [];
    }
  }

  #inBaseFrame(cloud: PointCloud): PointCloud {
    const base = this.#baseFrame;
    if (base === undefined) return cloud;
    const placed = cloudInFrame(cloud, base, this.#tf, TF_TOLERANCE_S);
    if ('error' in placed) throw new RangeError(placed.error);
    return placed.cloud;
  }

  #robotShapesFor(cloud: PointCloud): DecodedEvent[] {
    if (this.#robot === undefined) return [];
    const posed = poseRobotShapes(this.#robot.shapes, this.#tf, cloud.frameId, cloud.stamp, { toleranceS: TF_TOLERANCE_S, framePrefix: this.#framePrefix });
    return 'shapes' in posed ? [{ kind: 'robotShapes', value: posed.shapes }] : [{ kind: 'robotShapesMissing', value: posed.error }];
  }

  #codec(m: BagMessage): MessageCodec {
    const data = m.schemaData;
    if (data === undefined) throw new TypeError(`bag: topic ${m.topic}: its channel refers to a schema the file does not define`);
    let codec = this.#codecs.get(data);
    if (codec === undefined) {
      codec = new MessageCodec(m.schemaName, new TextDecoder().decode(data));
      this.#codecs.set(data, codec);
    }
    return codec;
  }

  #agent(m: BagMessage, type: AgentRecordType): DecodedEvent[] {
    if (m.messageEncoding !== 'protobuf') throw new TypeError(`bag: topic ${m.topic}: encoding '${m.messageEncoding}', expected protobuf ${type}`);
    const schema = m.schemaEncoding === 'protobuf' ? m.schemaData : undefined;
    switch (type) {
      case 'jepa_agent.ArmState': {
        const arm = decodeAgentRecord(type, m.data, schema);
        if (arm.position?.length !== 3 || arm.quaternion?.length !== 4) {
          throw new RangeError(`bag: topic ${m.topic}: an arm state needs a position of 3 and a quaternion of 4 values, got ${arm.position?.length ?? 'none'} and ${arm.quaternion?.length ?? 'none'}`);
        }
        this.#arms.push(arm);
        return [];
      }
      case 'jepa_agent.Transition':
        return [{ kind: 'transition', value: decodeAgentRecord(type, m.data, schema) }];
      case 'jepa_agent.GoalMarker': {
        const marker = decodeAgentRecord(type, m.data, schema);
        this.#goal = { stamp: marker.stamp, waiting: new Set(marker.topics), parts: {} };
        return this.#goal.waiting.size === 0 ? this.#goalPart('', {}) : [];
      }
      default:
        return [];
    }
  }

  #goalPart(topic: string, part: { rgb?: RgbImage; depth?: DepthImage; points?: PointCloud }): DecodedEvent[] {
    const goal = this.#goal;
    if (goal === undefined) return [];
    Object.assign(goal.parts, part);
    goal.waiting.delete(topic);
    if (goal.waiting.size > 0) return [];
    this.#goal = undefined;
    return [{ kind: 'goal', value: { stamp: goal.stamp, ...goal.parts } }];
  }

  #proprio(msg: JointStateMsg, topic: string): Proprioception {
    let joints;
    try {
      joints = jointVectorsFromRos(msg, this.#jointNames ?? msg.name, topic);
    } catch (error) {
      throw new RangeError(`${(error as Error).message}; was the bag recorded on another robot? configured joints: ${this.#jointNames?.join(', ')}`, { cause: error });
    }
    const n = joints.jointNames.length;
    // The oldest arm state recorded at the same stamp completes the joint state; older ones
    // never met theirs. A bag from a plain ROS recorder has none: the end effector is then
    // unknown (origin) and the gripper open.
    while (this.#arms.length > 0 && compareTimestamps(this.#arms[0].stamp, joints.stamp) < 0) this.#arms.shift();
    const matched = this.#arms.length > 0 && compareTimestamps(this.#arms[0].stamp, joints.stamp) === 0 ? this.#arms.shift() : undefined;
    return {
      stamp: joints.stamp,
      frameId: joints.frameId,
      jointNames: joints.jointNames,
      positions: joints.positions,
      velocities: joints.velocities ?? new Float64Array(n),
      endEffector: {
        position: matched ? [matched.position[0], matched.position[1], matched.position[2]] : [0, 0, 0],
        quaternion: matched ? [matched.quaternion[0], matched.quaternion[1], matched.quaternion[2], matched.quaternion[3]] : [1, 0, 0, 0],
      },
      gripper: matched?.gripper ?? 1,
    };
  }
}
