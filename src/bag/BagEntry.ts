import type { CameraIntrinsics, DepthImage, PointCloud, RgbImage, SensorHeader } from '../core/index.js';
import {
  cameraInfoFromIntrinsics,
  CDR_MESSAGE_ENCODING,
  depthImageToRos,
  getMessageCodec,
  jointStateToRos,
  pointCloudToRos,
  rgbImageToRos,
  ROS2MSG_SCHEMA_ENCODING,
  rosSchemaName,
} from '../ros/index.js';
import type { JointVectors, MessageCodec, RosMessageMap, RosMessageType } from '../ros/index.js';
import { agentSchemaData, encodeAgentRecord } from './agentRecords.js';
import type { AgentRecordMap } from './agentRecords.js';
import type { AgentRecordType } from './topics.js';

/**
 * What the recorder hands its writer: one message to write, either as bytes already
 * encoded (a live node's raw CDR) or as a core value that the writer converts with the
 * shared ROS conversions and encodes off the control thread.
 */
export type BagPayload =
  | {
      readonly kind: 'cdr';
      /** `pkg/msg/Type` or `pkg/Type`. */
      readonly type: string;
      readonly data: Uint8Array;
      /** ros2msg schema text, for types without a built-in definition. */
      readonly schema?: string;
    }
  | { readonly kind: 'rgb'; readonly image: RgbImage }
  | { readonly kind: 'depth'; readonly image: DepthImage }
  | { readonly kind: 'points'; readonly cloud: PointCloud }
  | { readonly kind: 'cameraInfo'; readonly intrinsics: CameraIntrinsics; readonly header: SensorHeader }
  | { readonly kind: 'joints'; readonly joints: JointVectors }
  | { readonly kind: 'ros'; readonly type: RosMessageType; readonly message: RosMessageMap[RosMessageType] }
  | { [K in AgentRecordType]: { readonly kind: 'agent'; readonly type: K; readonly record: AgentRecordMap[K] } }[AgentRecordType];

export interface BagEntry {
  readonly topic: string;
  /** Nanoseconds: the time the message was received (rosbag2) or, from the simulator, its stamp. */
  readonly logTime: bigint;
  readonly publishTime: bigint;
  readonly payload: BagPayload;
}

export interface SchemaInfo {
  /** `pkg/msg/Type` or the protobuf full name. */
  readonly name: string;
  /** `ros2msg` or `protobuf`. */
  readonly encoding: string;
  readonly data: Uint8Array;
}

/** A message ready for an MCAP file. */
export interface EncodedEntry {
  readonly topic: string;
  readonly logTime: bigint;
  readonly publishTime: bigint;
  readonly schema: SchemaInfo;
  /** `cdr` or `protobuf`. */
  readonly messageEncoding: string;
  readonly data: Uint8Array;
  /** Sequence number to keep (repair); the writer numbers messages per topic when absent. */
  readonly sequence?: number;
}

const text = new TextEncoder();
const rosSchemas = new Map<string, SchemaInfo>();
const agentSchemas = new Map<string, SchemaInfo>();

function rosSchema(type: string, schemaText?: string): SchemaInfo {
  const name = rosSchemaName(type);
  let s = rosSchemas.get(name);
  if (s === undefined) {
    const body = schemaText ?? codecOf(name).schema;
    s = { name, encoding: ROS2MSG_SCHEMA_ENCODING, data: text.encode(body) };
    rosSchemas.set(name, s);
  }
  return s;
}

function codecOf(name: string): MessageCodec {
  try {
    return getMessageCodec(name as RosMessageType) as MessageCodec;
  } catch (error) {
    throw new RangeError(`bag: no built-in definition of ROS type '${name}'; pass its ros2msg schema text with the raw bytes`, { cause: error });
  }
}

function agentSchema(type: AgentRecordType): SchemaInfo {
  let s = agentSchemas.get(type);
  if (s === undefined) {
    s = { name: type, encoding: 'protobuf', data: agentSchemaData(type) };
    agentSchemas.set(type, s);
  }
  return s;
}

/** Bytes of a payload's data arrays: what it costs in the recorder's queue. */
export function payloadBytes(payload: BagPayload): number {
  switch (payload.kind) {
    case 'cdr':
      return payload.data.byteLength;
    case 'rgb':
    case 'depth':
      return payload.image.data.byteLength;
    case 'points':
      return payload.cloud.positions.byteLength + (payload.cloud.colors?.byteLength ?? 0) + (payload.cloud.segments?.byteLength ?? 0);
    case 'cameraInfo':
      return 400;
    case 'joints':
      return 64 * payload.joints.jointNames.length + 64;
    case 'ros':
    case 'agent':
      return 512;
  }
}

/** Converts and encodes one entry: CDR with its ros2msg schema, or protobuf with its descriptor set. */
export function encodeBagEntry(entry: BagEntry): EncodedEntry {
  const { topic, logTime, publishTime, payload } = entry;
  const ros = <K extends RosMessageType>(type: K, message: RosMessageMap[K]): EncodedEntry => ({
    topic,
    logTime,
    publishTime,
    schema: rosSchema(type),
    messageEncoding: CDR_MESSAGE_ENCODING,
    data: getMessageCodec(type).encode(message),
  });
  try {
    switch (payload.kind) {
      case 'cdr':
        return { topic, logTime, publishTime, schema: rosSchema(payload.type, payload.schema), messageEncoding: CDR_MESSAGE_ENCODING, data: payload.data };
      case 'rgb':
        return ros('sensor_msgs/msg/Image', rgbImageToRos(payload.image));
      case 'depth':
        return ros('sensor_msgs/msg/Image', depthImageToRos(payload.image));
      case 'points':
        return ros('sensor_msgs/msg/PointCloud2', pointCloudToRos(payload.cloud));
      case 'cameraInfo':
        return ros('sensor_msgs/msg/CameraInfo', cameraInfoFromIntrinsics(payload.intrinsics, payload.header));
      case 'joints':
        return ros('sensor_msgs/msg/JointState', jointStateToRos(payload.joints));
      case 'ros':
        return ros(payload.type, payload.message);
      case 'agent':
        return {
          topic,
          logTime,
          publishTime,
          schema: agentSchema(payload.type),
          messageEncoding: 'protobuf',
          data: encodeAgentRecord(payload.type, payload.record as never),
        };
    }
  } catch (error) {
    throw new RangeError(`bag: cannot encode the ${payload.kind} message for ${topic}: ${(error as Error).message}`, { cause: error });
  }
}
