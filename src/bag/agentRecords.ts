import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { protobufFromBinaryDescriptor, protobufToDescriptor } from '@mcap/support';
import type { Timestamp } from '../core/index.js';
import { AGENT_TOPICS, type AgentRecordType, type AgentTopic } from './topics.js';

/** The .proto file of the agent's records, shipped in the package's msgs/ folder. */
export const AGENT_PROTO_PATH = fileURLToPath(new URL('../../../msgs/jepa_agent.proto', import.meta.url));

export interface NamedValue {
  readonly name: string;
  readonly value: number;
}

/** Plain-object forms of the messages in msgs/jepa_agent.proto (field names as protobufjs gives them). */
export interface TransitionRecord {
  readonly stamp: Timestamp;
  readonly episode: number;
  readonly step: number;
  readonly actionSpace: string;
  readonly actionNames: readonly string[];
  readonly action: readonly number[];
  readonly appliedAction: readonly number[];
  readonly cost: number;
  readonly done: boolean;
  readonly success: boolean;
  readonly nextStamp?: Timestamp;
  /** The stamps of the observation's sensor messages, when they differ from `stamp` (a live robot); empty or absent: all carry `stamp`. */
  readonly parts?: readonly PartStampRecord[];
  readonly nextParts?: readonly PartStampRecord[];
}

/** One sensor message of an observation. */
export interface PartStampRecord {
  readonly modality: ObservationPart;
  readonly stamp: Timestamp;
}

/** The sensor modalities an observation is made of. */
export type ObservationPart = 'rgb' | 'depth' | 'points' | 'proprio';

export interface LatentPredictionRecord {
  readonly stamp: Timestamp;
  readonly episode: number;
  readonly step: number;
  readonly horizon: number;
  readonly predicted: readonly number[];
  readonly actual: readonly number[];
  readonly error: number;
}

export interface PlanRecord {
  readonly stamp: Timestamp;
  readonly episode: number;
  readonly step: number;
  readonly planner: string;
  readonly horizon: number;
  readonly actionDim: number;
  readonly actions: readonly number[];
  readonly predictedCost: number;
  readonly planningMs: number;
}

export interface LossesRecord {
  readonly stamp: Timestamp;
  readonly trainStep: number;
  readonly terms: readonly NamedValue[];
}

export interface ModalityWeightsRecord {
  readonly stamp: Timestamp;
  readonly weights: readonly NamedValue[];
}

export interface EpisodeMarkerRecord {
  readonly stamp: Timestamp;
  /** 0 START, 1 END (EpisodeMarker.Kind). */
  readonly kind: 0 | 1;
  readonly episode: number;
  readonly seed: number;
  readonly task: string;
  readonly split: string;
  readonly steps: number;
  readonly success: boolean;
}

export interface GoalMarkerRecord {
  readonly stamp: Timestamp;
  readonly episode: number;
  readonly topics: readonly string[];
}

export interface ArmStateRecord {
  readonly stamp: Timestamp;
  readonly frameId: string;
  readonly position: readonly number[];
  readonly quaternion: readonly number[];
  readonly gripper: number;
}

export interface AgentRecordMap {
  'jepa_agent.Transition': TransitionRecord;
  'jepa_agent.LatentPrediction': LatentPredictionRecord;
  'jepa_agent.Plan': PlanRecord;
  'jepa_agent.Losses': LossesRecord;
  'jepa_agent.ModalityWeights': ModalityWeightsRecord;
  'jepa_agent.EpisodeMarker': EpisodeMarkerRecord;
  'jepa_agent.GoalMarker': GoalMarkerRecord;
  'jepa_agent.ArmState': ArmStateRecord;
}

export type AgentRecordOf<T extends AgentTopic> = AgentRecordMap[(typeof AGENT_TOPICS)[T]];

let root: protobuf.Root | undefined;
const descriptors = new Map<string, Uint8Array>();

/** The protobufjs root of msgs/jepa_agent.proto (parsed once per process). */
export function agentProtoRoot(): protobuf.Root {
  if (root === undefined) {
    let text: string;
    try {
      text = readFileSync(AGENT_PROTO_PATH, 'utf8');
    } catch (error) {
      throw new Error(`agent records: cannot read ${AGENT_PROTO_PATH}`, { cause: error });
    }
    root = protobuf.parse(text, { keepCase: false }).root;
    root.resolveAll();
  }
  return root;
}

/**
 * The MCAP schema of one record type: a binary google.protobuf.FileDescriptorSet, as
 * Foxglove reads protobuf channels. It holds the whole file, so every nested type resolves.
 */
export function agentSchemaData(type: AgentRecordType): Uint8Array {
  let data = descriptors.get(type);
  if (data === undefined) {
    const r = agentProtoRoot();
    r.lookupType(type); // throws on an unknown name
    data = encodeDescriptor(r);
    descriptors.set(type, data);
  }
  return data;
}

function encodeDescriptor(r: protobuf.Root): Uint8Array {
  const set = protobufToDescriptor(r);
  const ctor = set.$type as protobuf.Type;
  return ctor.encode(set).finish();
}

/** Protobuf bytes of an agent record. */
export function encodeAgentRecord<T extends AgentRecordType>(type: T, record: AgentRecordMap[T]): Uint8Array {
  const t = agentProtoRoot().lookupType(type);
  const problem = t.verify(record as unknown as Record<string, unknown>);
  if (problem !== null) throw new TypeError(`agent record ${type}: ${problem}`);
  return t.encode(t.fromObject(record as unknown as Record<string, unknown>)).finish();
}

/** An agent record from protobuf bytes; `schema` (a FileDescriptorSet) decodes records of other versions. */
export function decodeAgentRecord<T extends AgentRecordType>(type: T, bytes: Uint8Array, schema?: Uint8Array): AgentRecordMap[T] {
  const r = schema === undefined ? agentProtoRoot() : rootOfSchema(schema);
  let t: protobuf.Type;
  try {
    t = r.lookupType(type);
  } catch (error) {
    throw new TypeError(`agent record: the schema has no type ${type}`, { cause: error });
  }
  let record: Record<string, unknown>;
  try {
    record = t.toObject(t.decode(bytes), { longs: Number, enums: Number, defaults: true, arrays: true });
  } catch (error) {
    throw new RangeError(`agent record ${type}: cannot decode ${bytes.byteLength} bytes: ${(error as Error).message}`, { cause: error });
  }
  checkRecord(agentProtoRoot().lookupType(type), record, type, '');
  return record as unknown as AgentRecordMap[T];
}

/**
 * Throws when a decoded record (with the file's schema, perhaps of another version, perhaps
 * damaged bytes a CRC did not cover) does not fit `t`, the agent's own type, as its readers use
 * it: every field of the right type, every `stamp` present and a valid time.
 */
function checkRecord(t: protobuf.Type, record: Record<string, unknown>, type: string, path: string): void {
  const problem = t.verify(record);
  if (problem !== null) throw new TypeError(`agent record ${type}: ${path}${problem}`);
  for (const f of t.fieldsArray) {
    const value = record[f.name];
    const at = `${path}${f.name}`;
    if (f.name === 'stamp' && (value === null || value === undefined)) throw new RangeError(`agent record ${type}: ${at} is missing`);
    if (!(f.resolvedType instanceof protobuf.Type) || value === null || value === undefined) continue;
    const nested = f.resolvedType;
    const items = f.repeated ? (value as unknown[]) : [value];
    items.forEach((item, i) => {
      const where = f.repeated ? `${at}[${i}]` : at;
      if (item === null || typeof item !== 'object') throw new RangeError(`agent record ${type}: ${where} is missing`);
      checkRecord(nested, item as Record<string, unknown>, type, `${where}.`);
    });
    if (nested.name === 'Time') {
      for (const item of items) {
        const { sec, nanosec } = item as { sec?: unknown; nanosec?: unknown };
        if (!Number.isInteger(sec)) throw new RangeError(`agent record ${type}: ${at}.sec is ${String(sec)}, not an integer`);
        if (!(Number.isInteger(nanosec) && (nanosec as number) >= 0 && (nanosec as number) < 1e9)) throw new RangeError(`agent record ${type}: ${at}.nanosec is ${String(nanosec)}, not an integer in [0, 1e9)`);
      }
    }
  }
}

const schemaRoots = new WeakMap<Uint8Array, protobuf.Root>();

function rootOfSchema(schema: Uint8Array): protobuf.Root {
  let r = schemaRoots.get(schema);
  if (r === undefined) {
    try {
      r = protobufFromBinaryDescriptor(schema);
    } catch (error) {
      throw new TypeError(`agent record: the schema is not a protobuf FileDescriptorSet (${schema.byteLength} bytes)`, { cause: error });
    }
    schemaRoots.set(schema, r);
  }
  return r;
}

export { AGENT_TOPICS };
