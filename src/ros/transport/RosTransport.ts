import type { Observable } from 'rxjs';
import type { Timestamp } from '../../core/index.js';

/** The QoS settings the bridge chooses between (the rest stay at the middleware's defaults). */
export interface QosProfile {
  readonly reliability: 'reliable' | 'best_effort';
  /** transient_local keeps the last `depth` messages for subscribers that join later (latched). */
  readonly durability: 'volatile' | 'transient_local';
  /** History depth (keep last). */
  readonly depth: number;
}

/** rclcpp's SensorDataQoS: best effort, keep last 5. */
export const SENSOR_DATA_QOS: QosProfile = Object.freeze({ reliability: 'best_effort', durability: 'volatile', depth: 5 });
/** rclcpp's default QoS: reliable, keep last 10. */
export const DEFAULT_QOS: QosProfile = Object.freeze({ reliability: 'reliable', durability: 'volatile', depth: 10 });
/** Latched: reliable, transient local, keep last 1 (goals, e-stop, status a late subscriber should see). */
export const LATCHED_QOS: QosProfile = Object.freeze({ reliability: 'reliable', durability: 'transient_local', depth: 1 });

/** A publisher of serialised messages: CDR bytes with the 4-byte encapsulation header. */
export interface RawPublisher {
  readonly topic: string;
  readonly type: string;
  publish(bytes: Uint8Array): void;
}

/** A parameter value as ROS 2 declares it. */
export type ParameterValue = boolean | number | string | readonly boolean[] | readonly number[] | readonly string[];

/** ROS 2 parameter types (rcl_interfaces/ParameterType without byte arrays). */
export type ParameterKind = 'bool' | 'integer' | 'double' | 'string' | 'bool_array' | 'integer_array' | 'double_array' | 'string_array';

/** One parameter to declare: dotted name (as a params YAML nests it), type, value, description. */
export interface ParameterDeclaration {
  readonly name: string;
  readonly kind: ParameterKind;
  readonly value: ParameterValue;
  readonly description: string;
}

/** What a lifecycle node's transitions call; each returns whether the transition succeeded. */
export interface LifecycleCallbacks {
  onConfigure(): boolean;
  onActivate(): boolean;
  onDeactivate(): boolean;
  onCleanup(): boolean;
  onShutdown(): boolean;
}

/**
 * The node's link to ROS 2, reduced to what the bridge needs: raw CDR in and out, so that
 * everything above it (decoding, conversion, the loop) is the code the tests run on real
 * bytes. `RclnodejsTransport` is the real one; `InProcessTransport` stands in for the DDS hop
 * in tests and when no ROS 2 is installed. Timers are not part of it: the bridge uses RxJS
 * schedulers, which run on the same event loop as rclnodejs's executor.
 */
export interface RosTransport {
  /** Fully qualified node name, e.g. /jepa_agent. */
  readonly nodeName: string;
  /** Messages on `topic` of `type` (`pkg/msg/Type`) as CDR bytes; unsubscribing destroys the subscription. */
  subscribe(topic: string, type: string, qos: QosProfile): Observable<Uint8Array>;
  createPublisher(topic: string, type: string, qos: QosProfile): RawPublisher;
  /** Whether the middleware has type support for `type` (false for our msgs package when it is not built). */
  hasType(type: string): boolean;
  /** Declares read-only parameters with their values (set at start from the params file and overrides). */
  declareParameters(parameters: readonly ParameterDeclaration[]): void;
  /** The node's clock (ROS time, or wall time in process). */
  now(): Timestamp;
  /** Present when the node is a lifecycle node: its transitions call these callbacks. */
  bindLifecycle?(callbacks: LifecycleCallbacks): void;
  /** Destroys the node (and, for rclnodejs, shuts the context down). */
  close(): void;
}

/** `~/name` -> `/node/name`, `name` -> `/name` (the node lives in the root namespace unless its name has one). */
export function expandTopicName(topic: string, nodeName: string): string {
  if (topic === '') throw new RangeError('topic name is empty');
  const node = nodeName.startsWith('/') ? nodeName : `/${nodeName}`;
  if (topic === '~') return node;
  if (topic.startsWith('~/')) return `${node}/${topic.slice(2)}`;
  if (topic.startsWith('/')) return topic;
  const ns = node.slice(0, node.lastIndexOf('/'));
  return `${ns}/${topic}`;
}
