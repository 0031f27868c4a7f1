import type { Logger } from '../../core/index.js';
import type { AgentStatusMsg, LearnerProgressMsg, PlanStatusMsg, PredictionErrorMsg, RosMessageMap, RosMessageType } from '../messages/index.js';
import { getMessageCodec } from '../messages/index.js';
import type { RawPublisher, RosTransport } from '../transport/index.js';
import { DEFAULT_QOS, LATCHED_QOS } from '../transport/index.js';
import type { AgentNodeParams } from './agentNodeParams.js';

type StatusType =
  | 'jepa_agent_msgs/msg/AgentStatus'
  | 'jepa_agent_msgs/msg/PlanStatus'
  | 'jepa_agent_msgs/msg/PredictionError'
  | 'jepa_agent_msgs/msg/LearnerProgress';

interface Output<K extends StatusType> {
  readonly publisher: RawPublisher;
  readonly encode: (msg: RosMessageMap[K]) => Uint8Array;
}

/**
 * The node's status outputs as the agent's own messages (msgs/, package jepa_agent_msgs).
 * When the middleware has no type support for them (the package is not built or not
 * sourced), the same topics carry std_msgs/String holding the message as JSON, and that is
 * logged once. An empty topic name turns an output off.
 */
export class StatusPublisher {
  /** Whether our own message types are in use (false: std_msgs/String JSON). */
  readonly ownTypes: boolean;
  readonly #status?: Output<'jepa_agent_msgs/msg/AgentStatus'>;
  readonly #plan?: Output<'jepa_agent_msgs/msg/PlanStatus'>;
  readonly #error?: Output<'jepa_agent_msgs/msg/PredictionError'>;
  readonly #learner?: Output<'jepa_agent_msgs/msg/LearnerProgress'>;

  constructor(transport: RosTransport, topics: AgentNodeParams['topics'], logger: Logger) {
    this.ownTypes = transport.hasType('jepa_agent_msgs/msg/AgentStatus');
    if (!this.ownTypes) {
      logger.warn(
        'jepa_agent_msgs is not built or not sourced: status topics carry std_msgs/String JSON instead (build msgs/ with colcon and source its install/setup.bash for typed status)',
      );
    }
    const make = <K extends StatusType>(topic: string, type: K, latched: boolean): Output<K> | undefined => {
      if (topic === '') return undefined;
      const qos = latched ? LATCHED_QOS : DEFAULT_QOS;
      if (this.ownTypes) {
        const codec = getMessageCodec(type);
        return { publisher: transport.createPublisher(topic, type, qos), encode: (m) => codec.encode(m) };
      }
      const codec = getMessageCodec('std_msgs/msg/String');
      return { publisher: transport.createPublisher(topic, 'std_msgs/msg/String', qos), encode: (m) => codec.encode({ data: statusJson(type, m) }) };
    };
    this.#status = make(topics.status, 'jepa_agent_msgs/msg/AgentStatus', true);
    this.#plan = make(topics.plan, 'jepa_agent_msgs/msg/PlanStatus', false);
    this.#error = make(topics.prediction_error, 'jepa_agent_msgs/msg/PredictionError', false);
    this.#learner = make(topics.learner, 'jepa_agent_msgs/msg/LearnerProgress', true);
  }

  status(msg: AgentStatusMsg): void {
    this.#send(this.#status, msg);
  }

  plan(msg: PlanStatusMsg): void {
    this.#send(this.#plan, msg);
  }

  predictionError(msg: PredictionErrorMsg): void {
    this.#send(this.#error, msg);
  }

  learner(msg: LearnerProgressMsg): void {
    this.#send(this.#learner, msg);
  }

  #send<K extends StatusType>(output: Output<K> | undefined, msg: RosMessageMap[K]): void {
    if (output !== undefined) output.publisher.publish(output.encode(msg));
  }
}

/**
 * A status message as ASCII JSON with its type: `{"type": "jepa_agent_msgs/msg/...", ...}`;
 * typed arrays become arrays, non-finite numbers null, non-ASCII characters \u escapes (the
 * CDR string writer only handles ASCII).
 */
export function statusJson(type: RosMessageType, msg: object): string {
  const json = JSON.stringify({ type, ...msg }, (_key, value: unknown) =>
    ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value as unknown as ArrayLike<number>) : value,
  );
  return json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
