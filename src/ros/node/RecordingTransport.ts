import { share, tap } from 'rxjs';
import type { Observable } from 'rxjs';
import type { BagRecorder } from '../../bag/BagRecorder.js';
import { toNanoseconds } from '../../core/index.js';
import type { Timestamp } from '../../core/index.js';
import type { LifecycleCallbacks, ParameterDeclaration, QosProfile, RawPublisher, RosTransport } from '../transport/index.js';
import { expandTopicName } from '../transport/index.js';

export interface RecordingTransportOptions {
  /** Topics (full names) not to record, e.g. a point cloud too big to keep. */
  readonly exclude?: readonly string[];
}

/**
 * A node's transport that records what the node lives, as rosbag2 does: every message it
 * receives, as the CDR bytes that arrived (no decode, no re-encode), and every message it
 * publishes (commands, status), logged at the node clock's receive/send time. Recording
 * never blocks: the recorder only enqueues, and counts what it has to drop. Subscriptions to
 * one topic share one underlying subscription (so a message is recorded once); a second
 * subscriber to a topic gets the first one's QoS.
 */
export class RecordingTransport implements RosTransport {
  readonly inner: RosTransport;
  readonly nodeName: string;
  readonly bindLifecycle?: (callbacks: LifecycleCallbacks) => void;
  readonly #recorder: BagRecorder;
  readonly #exclude: ReadonlySet<string>;
  readonly #subscriptions = new Map<string, { type: string; messages$: Observable<Uint8Array> }>();

  constructor(inner: RosTransport, recorder: BagRecorder, options: RecordingTransportOptions = {}) {
    this.inner = inner;
    this.nodeName = inner.nodeName;
    this.#recorder = recorder;
    this.#exclude = new Set(options.exclude ?? []);
    if (inner.bindLifecycle !== undefined) this.bindLifecycle = (callbacks) => inner.bindLifecycle!(callbacks);
  }

  subscribe(topic: string, type: string, qos: QosProfile): Observable<Uint8Array> {
    const name = expandTopicName(topic, this.nodeName);
    const known = this.#subscriptions.get(name);
    if (known !== undefined) {
      if (known.type !== type) throw new TypeError(`${this.nodeName}: topic ${name} is subscribed as ${known.type}, not ${type}`);
      return known.messages$;
    }
    const inner$ = this.inner.subscribe(topic, type, qos);
    const messages$ = this.#exclude.has(name) ? inner$.pipe(share()) : inner$.pipe(tap((bytes) => this.#record(name, type, bytes)), share());
    this.#subscriptions.set(name, { type, messages$ });
    return messages$;
  }

  createPublisher(topic: string, type: string, qos: QosProfile): RawPublisher {
    const publisher = this.inner.createPublisher(topic, type, qos);
    const name = expandTopicName(topic, this.nodeName);
    if (this.#exclude.has(name)) return publisher;
    return {
      topic: publisher.topic,
      type: publisher.type,
      publish: (bytes) => {
        publisher.publish(bytes);
        this.#record(name, type, bytes);
      },
    };
  }

  hasType(type: string): boolean {
    return this.inner.hasType(type);
  }

  declareParameters(parameters: readonly ParameterDeclaration[]): void {
    this.inner.declareParameters(parameters);
  }

  now(): Timestamp {
    return this.inner.now();
  }

  close(): void {
    this.inner.close();
  }

  #record(topic: string, type: string, bytes: Uint8Array): void {
    // A closed recorder (the node shutting down) refuses and counts; a failed one throws, which
    // must not break the node's stream: the failure surfaces when the recording is closed.
    try {
      this.#recorder.writeRaw(topic, type, toNanoseconds(this.inner.now()), bytes);
    } catch {
      /* reported by BagRecorder.close() */
    }
  }
}
