/**
 * The part of rclnodejs 2.2's API the transport uses, typed here because the package is an
 * optional dependency that is absent where ROS 2 is not installed (its own types then are
 * too). Only RclnodejsTransport calls these.
 */
export interface Rclnodejs {
  init(context?: unknown, argv?: string[]): Promise<void>;
  shutdown(): void;
  isShutdown(): boolean;
  /** Drops rclnodejs's own SIGINT listener, which otherwise shuts every context down first. */
  removeSignalHandlers?(): void;
  require(name: string): unknown;
  Node: new (name: string, namespace?: string) => RclNode;
  lifecycle: {
    LifecycleNode: new (name: string, namespace?: string) => RclLifecycleNode;
    CallbackReturnCode: { SUCCESS: number; FAILURE: number; ERROR: number };
  };
  QoS: new (history: number, depth: number, reliability: number, durability: number) => unknown;
  Parameter: new (name: string, type: number, value: unknown) => unknown;
  ParameterDescriptor: new (name: string, type: number, description?: string, readOnly?: boolean) => unknown;
  ParameterType: Record<string, number>;
}

export interface RclNode {
  createSubscription(type: string, topic: string, options: object, callback: (msg: Buffer) => void): unknown;
  destroySubscription(subscription: unknown): void;
  createPublisher(type: string, topic: string, options: object): { publish(message: Buffer): void };
  declareParameters(parameters: unknown[], descriptors: unknown[]): unknown;
  now(): { nanoseconds: bigint | number };
  getFullyQualifiedName?(): string;
  spin(timeout?: number): void;
  destroy(): void;
}

export interface RclLifecycleNode extends RclNode {
  registerOnConfigure(cb: () => number): void;
  registerOnActivate(cb: () => number): void;
  registerOnDeactivate(cb: () => number): void;
  registerOnCleanup(cb: () => number): void;
  registerOnShutdown(cb: () => number): void;
}
