import * as foxgloveSchemas from '@foxglove/schemas/jsonschema.js';

/**
 * Encoding: JSON with the Foxglove JSON Schemas of `@foxglove/schemas`. Foxglove and
 * Lichtblick decode a `json` channel whose schema is `foxglove.RawImage`, `foxglove.PointCloud`,
 * `foxglove.FrameTransforms` or `foxglove.SceneUpdate` (bytes fields base64, as the schema's
 * `contentEncoding` says) and render it natively in the Image and 3D panels, and they plot any
 * number of a JSON message. Protobuf would save the base64 third on images and clouds, but needs
 * a FileDescriptorSet per schema generated from .proto text that the package does not ship; at
 * the agent's image and cloud sizes (128 px, a few thousand points) JSON is cheap enough.
 */
export interface LiveChannel {
  readonly topic: string;
  readonly schemaName: string;
  readonly schema: object;
}

/** The live view's topics. */
export const LIVE_TOPICS = {
  sceneImage: '/camera/scene/image',
  sceneDepth: '/camera/scene/depth',
  wristImage: '/camera/wrist/image',
  wristDepth: '/camera/wrist/depth',
  goalImage: '/goal/image',
  goalPoints: '/goal/points',
  rawPoints: '/points/raw',
  keptPoints: '/points/kept',
  tf: '/tf',
  robot: '/robot/shapes',
  planMarkers: '/plan/markers',
  plan: '/agent/plan',
  readout: '/agent/readout',
  fusion: '/agent/fusion',
  learner: '/agent/learner',
  episodes: '/agent/episodes',
  loop: '/agent/loop',
} as const;

export type LiveTopic = (typeof LIVE_TOPICS)[keyof typeof LIVE_TOPICS];

/** Our own JSON records: any object, numbers plottable by path (e.g. /agent/loop.latencyMs). */
function record(name: string, description: string, properties: Record<string, object>): LiveChannel['schema'] {
  return { title: `jepa_agent.${name}`, description, type: 'object', properties };
}
const num = { type: 'number' };

const T = LIVE_TOPICS;
export const LIVE_CHANNELS: readonly LiveChannel[] = [
  ...[T.sceneImage, T.sceneDepth, T.wristImage, T.wristDepth, T.goalImage].map((topic) => ({ topic, schemaName: 'foxglove.RawImage', schema: foxgloveSchemas.RawImage })),
  ...[T.goalPoints, T.rawPoints, T.keptPoints].map((topic) => ({ topic, schemaName: 'foxglove.PointCloud', schema: foxgloveSchemas.PointCloud })),
  { topic: T.tf, schemaName: 'foxglove.FrameTransforms', schema: foxgloveSchemas.FrameTransforms },
  ...[T.robot, T.planMarkers].map((topic) => ({ topic, schemaName: 'foxglove.SceneUpdate', schema: foxgloveSchemas.SceneUpdate })),
  {
    topic: T.plan,
    schemaName: 'jepa_agent.Plan',
    schema: record('Plan', 'The decision of a tick: mode, predicted cost, the action, the elite costs', { cost: num, planningMs: num, mode: { type: 'string' }, action: { type: 'array', items: num }, eliteCosts: { type: 'array', items: num } }),
  },
  {
    topic: T.readout,
    schemaName: 'jepa_agent.Readout',
    schema: record('Readout', 'Where the model reads the hand and the object in the current latent, beside where proprioception and perception put them (metres, base frame)', {}),
  },
  { topic: T.fusion, schemaName: 'jepa_agent.FusionWeights', schema: record('FusionWeights', 'Reliability gate per modality', {}) },
  { topic: T.learner, schemaName: 'jepa_agent.Learner', schema: record('Learner', 'Learner steps, frames, weight updates and the last loss terms', { steps: num, frames: num, weightUpdates: num }) },
  { topic: T.episodes, schemaName: 'jepa_agent.Episodes', schema: record('Episodes', 'Episodes ended and successes, per phase and task', {}) },
  {
    topic: T.loop,
    schemaName: 'jepa_agent.Loop',
    schema: record('Loop', 'Loop timings of a tick and the live view\'s own drops', { tick: num, latencyMs: num, planningMs: num, controlHz: num, vizDropped: num }),
  },
];
