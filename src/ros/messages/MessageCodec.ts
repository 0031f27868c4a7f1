import { parse } from '@foxglove/rosmsg';
import { MessageReader, MessageWriter } from '@foxglove/rosmsg2-serialization';
import { boundCdrReads } from './boundCdrReads.js';
import { checkMessage, type ParsedDefinition } from './checkMessage.js';
import { ros2msgSchema, rosSchemaName } from './ros2msgSchema.js';
import type { RosMessageMap, RosMessageType } from './rosTypes.js';

// DDS pads serialised payloads to a multiple of 4 bytes; more left over than that means
// the bytes were written with another schema.
const MAX_PADDING = 3;

boundCdrReads();

/**
 * CDR encoder and decoder for one ROS 2 message type, built from its `ros2msg` schema text
 * (the same text a bag stores), so a codec can be made for any schema a bag carries.
 * `encode` output starts with the 4-byte CDR encapsulation header (little endian), as
 * rclnodejs raw publishing and rosbag2 expect; `decode` takes either byte order.
 */
export class MessageCodec<T = unknown> {
  /** `pkg/msg/Type`, the MCAP schema name. */
  readonly type: string;
  /** `ros2msg` schema text: the definition followed by its dependencies. */
  readonly schema: string;
  readonly #definitions: readonly ParsedDefinition[];
  readonly #writer: MessageWriter;
  readonly #reader: MessageReader<T>;

  /** A codec from a type name and its `ros2msg` schema text (e.g. from an MCAP Schema record). */
  constructor(type: string, schema: string) {
    this.type = rosSchemaName(type);
    this.schema = schema;
    try {
      this.#definitions = parse(schema, { ros2: true });
    } catch (error) {
      throw new TypeError(`MessageCodec ${this.type}: cannot parse its ros2msg schema: ${errorText(error)}`, { cause: error });
    }
    this.#writer = new MessageWriter(this.#definitions as ParsedDefinition[]);
    this.#reader = new MessageReader<T>(this.#definitions as ParsedDefinition[]);
  }

  /** The codec of one of the built-in types, from the .msg text in `definitions.ts`. */
  static forType<K extends RosMessageType>(type: K): MessageCodec<RosMessageMap[K]> {
    return new MessageCodec<RosMessageMap[K]>(type, ros2msgSchema(type));
  }

  /** CDR bytes (with encapsulation header) of `message`; throws naming the first bad field. */
  encode(message: T): Uint8Array {
    checkMessage(this.#definitions, message, this.type);
    return this.#writer.writeMessage(message);
  }

  /**
   * Throws a TypeError naming the first field of `message` that does not fit this type: a
   * message decoded with another schema (a bag's own, perhaps damaged) is checked against the
   * definition the agent reads it by before any field is used.
   */
  check(message: unknown): void {
    checkMessage(this.#definitions, message, this.type, { purpose: 'read' });
  }

  /**
   * The message in `bytes` (CDR with encapsulation header). Arrays in the result may be
   * views into `bytes`: copy them before reusing the buffer.
   */
  decode(bytes: ArrayBufferView): T {
    let message: T;
    try {
      message = this.#reader.readMessage<T>(bytes);
    } catch (error) {
      throw new RangeError(`MessageCodec ${this.type}: cannot decode ${bytes.byteLength} bytes: ${errorText(error)}`, { cause: error });
    }
    const used = this.#reader.lastReadByteLength();
    if (bytes.byteLength - used > MAX_PADDING) {
      throw new RangeError(
        `MessageCodec ${this.type}: decoded ${used} of ${bytes.byteLength} bytes; ${bytes.byteLength - used} left over means the bytes hold another type`,
      );
    }
    return message;
  }
}

const cache = new Map<RosMessageType, MessageCodec<unknown>>();

/** The shared codec of a built-in type (parsed once per process). */
export function getMessageCodec<K extends RosMessageType>(type: K): MessageCodec<RosMessageMap[K]> {
  let codec = cache.get(type);
  if (codec === undefined) {
    codec = MessageCodec.forType(type) as MessageCodec<unknown>;
    cache.set(type, codec);
  }
  return codec as MessageCodec<RosMessageMap[K]>;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
