/**
 * Topic names of a bag. ROS topics follow a generic arm driver (RealSense-style camera,
 * ros2_control joint states and trajectory controller, MoveIt Servo twists) so that bags
 * from the simulator and from a robot look alike; the agent's own records live under /agent.
 */
export interface BagTopics {
  readonly rgb: string;
  readonly depth: string;
  readonly points: string;
  readonly cameraInfo: string;
  readonly jointStates: string;
  /** joint_delta actions as trajectory_msgs/JointTrajectory. */
  readonly jointTrajectory: string;
  /** ee_delta actions as geometry_msgs/TwistStamped. */
  readonly twist: string;
  readonly goalRgb: string;
  readonly goalDepth: string;
  readonly goalPoints: string;
  /** The robot's URDF (std_msgs/String, latched) and its frame tree: the self-filter's shapes. */
  readonly robotDescription: string;
  readonly tf: string;
  readonly tfStatic: string;
}

export const DEFAULT_BAG_TOPICS: BagTopics = Object.freeze({
  rgb: '/camera/color/image_raw',
  depth: '/camera/depth/image_raw',
  points: '/camera/depth/points',
  cameraInfo: '/camera/color/camera_info',
  jointStates: '/joint_states',
  jointTrajectory: '/arm_controller/joint_trajectory',
  twist: '/servo_node/delta_twist_cmds',
  goalRgb: '/goal/color/image_raw',
  goalDepth: '/goal/depth/image_raw',
  goalPoints: '/goal/depth/points',
  robotDescription: '/robot_description',
  tf: '/tf',
  tfStatic: '/tf_static',
});

/** The agent's records (protobuf, msgs/jepa_agent.proto): topic -> message type. */
export const AGENT_TOPICS = Object.freeze({
  '/agent/transition': 'jepa_agent.Transition',
  '/agent/prediction': 'jepa_agent.LatentPrediction',
  '/agent/plan': 'jepa_agent.Plan',
  '/agent/losses': 'jepa_agent.Losses',
  '/agent/modality_weights': 'jepa_agent.ModalityWeights',
  '/agent/episode': 'jepa_agent.EpisodeMarker',
  '/agent/goal': 'jepa_agent.GoalMarker',
  '/agent/arm_state': 'jepa_agent.ArmState',
} as const);

export type AgentTopic = keyof typeof AGENT_TOPICS;
export type AgentRecordType = (typeof AGENT_TOPICS)[AgentTopic];

export function isAgentTopic(topic: string): topic is AgentTopic {
  return Object.hasOwn(AGENT_TOPICS, topic);
}

/**
 * The topic roles a bag names in its metadata (`topics`: JSON of BagTopics, written by a
 * recording ROS node whose topics are its own), over the defaults; the defaults when it names
 * none. An empty name means the bag has no topic of that role.
 */
export function bagTopicsFromMetadata(metadata: Readonly<Record<string, string>>, path: string): BagTopics {
  const text = metadata.topics;
  if (text === undefined) return DEFAULT_BAG_TOPICS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TypeError(`bag ${path}: its topics metadata is not JSON: ${text}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError(`bag ${path}: its topics metadata is not an object of role -> topic: ${text}`);
  const topics: Record<string, string> = { ...DEFAULT_BAG_TOPICS };
  for (const [role, name] of Object.entries(parsed)) {
    if (!Object.hasOwn(DEFAULT_BAG_TOPICS, role)) throw new TypeError(`bag ${path}: its topics metadata names an unknown role '${role}' (known: ${Object.keys(DEFAULT_BAG_TOPICS).join(', ')})`);
    if (typeof name !== 'string') throw new TypeError(`bag ${path}: its topics metadata gives role '${role}' a ${typeof name}, expected a topic name`);
    topics[role] = name;
  }
  return Object.freeze(topics) as unknown as BagTopics;
}
