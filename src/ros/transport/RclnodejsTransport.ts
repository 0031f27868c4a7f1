import { Observable } from 'rxjs';
import type { Timestamp } from '../../core/index.js';
import type { RclLifecycleNode, RclNode, Rclnodejs } from './rclnodejsApi.js';
import type { LifecycleCallbacks, ParameterDeclaration, ParameterKind, QosProfile, RawPublisher, RosTransport } from './RosTransport.js';
import { expandTopicName } from './RosTransport.js';

export interface RclnodejsTransportOptions {
  readonly nodeName: string;
  /** A lifecycle node (transitions driven by `ros2 lifecycle set` or a launch system). */
  readonly lifecycle?: boolean;
  /** Arguments for rcl (e.g. `--ros-args -r __ns:=/arm`); default none. */
  readonly rosArgs?: readonly string[];
}

const KEEP_LAST = 1;
const RELIABLE = 1;
const BEST_EFFORT = 2;
const TRANSIENT_LOCAL = 1;
const VOLATILE = 2;
const NS = 1_000_000_000n;

/**
 * The real transport: one rclnodejs node. Subscriptions take raw CDR (`isRaw: true`) and
 * publishers send Buffers, so decoding and encoding stay in src/ros/messages, the code the
 * tests exercise. The only file that calls rclnodejs (obtained through `loadRclnodejs`).
 */
export class RclnodejsTransport implements RosTransport {
  readonly nodeName: string;
  readonly #rcl: Rclnodejs;
  readonly #node: RclNode;
  readonly #lifecycle: boolean;
  readonly #types = new Map<string, boolean>();
  #closed = false;

  private constructor(rcl: Rclnodejs, node: RclNode, nodeName: string, lifecycle: boolean) {
    this.#rcl = rcl;
    this.#node = node;
    this.nodeName = nodeName;
    this.#lifecycle = lifecycle;
  }

  static async create(rcl: Rclnodejs, options: RclnodejsTransportOptions): Promise<RclnodejsTransport> {
    // rclnodejs shuts all contexts down on SIGINT, before the commands' own SIGINT handling could
    // send the safe stop (publishing and `now()` then fail on the destroyed node); the commands
    // stop in order themselves and close this transport, so its handler goes.
    rcl.removeSignalHandlers?.();
    await rcl.init(undefined, ['node', ...(options.rosArgs ?? [])]);
    const lifecycle = options.lifecycle ?? false;
    const node = lifecycle ? new rcl.lifecycle.LifecycleNode(options.nodeName) : new rcl.Node(options.nodeName);
    node.spin();
    const name = node.getFullyQualifiedName?.() ?? `/${options.nodeName}`;
    return new RclnodejsTransport(rcl, node, name, lifecycle);
  }

  subscribe(topic: string, type: string, qos: QosProfile): Observable<Uint8Array> {
    const name = expandTopicName(topic, this.nodeName);
    return new Observable<Uint8Array>((subscriber) => {
      const subscription = this.#node.createSubscription(type, name, { qos: this.#qos(qos), isRaw: true }, (buffer: Buffer) =>
        subscriber.next(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)),
      );
      return () => {
        if (!this.#closed) this.#node.destroySubscription(subscription);
      };
    });
  }

  createPublisher(topic: string, type: string, qos: QosProfile): RawPublisher {
    const name = expandTopicName(topic, this.nodeName);
    const publisher = this.#node.createPublisher(type, name, { qos: this.#qos(qos) });
    return {
      topic: name,
      type,
      publish: (bytes) => publisher.publish(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
    };
  }

  hasType(type: string): boolean {
    let known = this.#types.get(type);
    if (known === undefined) {
      try {
        this.#rcl.require(type);
        known = true;
      } catch {
        known = false;
      }
      this.#types.set(type, known);
    }
    return known;
  }

  declareParameters(parameters: readonly ParameterDeclaration[]): void {
    const { Parameter, ParameterDescriptor, ParameterType: T } = this.#rcl;
    const type = (kind: ParameterKind): number => T[`PARAMETER_${kind.toUpperCase()}`];
    this.#node.declareParameters(
      parameters.map((p) => {
        // Integers are bigint in rclnodejs 2.x.
        const value = p.kind === 'integer' ? BigInt(p.value as number) : p.kind === 'integer_array' ? (p.value as number[]).map((x) => BigInt(x)) : p.value;
        return new Parameter(p.name, type(p.kind), value);
      }),
      parameters.map((p) => new ParameterDescriptor(p.name, type(p.kind), p.description, true)),
    );
  }

  now(): Timestamp {
    const ns = BigInt(this.#node.now().nanoseconds);
    return { sec: Number(ns / NS), nanosec: Number(ns % NS) };
  }

  get bindLifecycle(): ((callbacks: LifecycleCallbacks) => void) | undefined {
    if (!this.#lifecycle) return undefined;
    return (callbacks) => {
      const node = this.#node as RclLifecycleNode;
      const { SUCCESS, FAILURE } = this.#rcl.lifecycle.CallbackReturnCode;
      const code = (ok: boolean): number => (ok ? SUCCESS : FAILURE);
      node.registerOnConfigure(() => code(callbacks.onConfigure()));
      node.registerOnActivate(() => code(callbacks.onActivate()));
      node.registerOnDeactivate(() => code(callbacks.onDeactivate()));
      node.registerOnCleanup(() => code(callbacks.onCleanup()));
      node.registerOnShutdown(() => code(callbacks.onShutdown()));
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#node.destroy();
    if (!this.#rcl.isShutdown()) this.#rcl.shutdown();
  }

  #qos(qos: QosProfile): unknown {
    return new this.#rcl.QoS(
      KEEP_LAST,
      qos.depth,
      qos.reliability === 'reliable' ? RELIABLE : BEST_EFFORT,
      qos.durability === 'transient_local' ? TRANSIENT_LOCAL : VOLATILE,
    );
  }
}
