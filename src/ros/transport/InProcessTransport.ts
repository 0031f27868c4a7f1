import { asyncScheduler, Observable } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import type { Timestamp } from '../../core/index.js';
import { timestampFromSeconds } from '../../core/index.js';
import { ROS_MESSAGE_TYPES } from '../messages/index.js';
import type { ParameterDeclaration, ParameterValue, QosProfile, RawPublisher, RosTransport } from './RosTransport.js';
import { expandTopicName } from './RosTransport.js';

interface Subscriber {
  readonly qos: QosProfile;
  readonly deliver: (bytes: Uint8Array) => void;
}

interface Topic {
  readonly type: string;
  readonly subscribers: Set<Subscriber>;
  /** Last messages of transient-local publishers, for subscribers that join later. */
  latched: Uint8Array[];
  published: number;
}

export interface InProcessBusOptions {
  /** Delivery happens on this scheduler, never inside `publish` (as over DDS). Default asyncScheduler. */
  readonly scheduler?: SchedulerLike;
  /** The nodes' clock; default wall time. */
  readonly clock?: () => Timestamp;
}

/**
 * The "network" that in-process transports share: topics by name, each with one type.
 * It stands in only for the DDS hop: publishers hand it the same CDR bytes they would hand
 * rclnodejs, subscribers receive a copy on the scheduler, later, never inside `publish`.
 * QoS is honoured where it changes what arrives: a best-effort publisher does not reach a
 * reliable subscriber (DDS refuses the match), and transient-local publishers replay their
 * last `depth` messages to transient-local subscribers that join later.
 */
export class InProcessBus {
  readonly scheduler: SchedulerLike;
  readonly clock: () => Timestamp;
  readonly #topics = new Map<string, Topic>();
  /** QoS mismatches seen (publisher/subscriber pairs that would not match over DDS). */
  readonly incompatible: string[] = [];

  constructor(options: InProcessBusOptions = {}) {
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.clock = options.clock ?? (() => timestampFromSeconds(Date.now() / 1000));
  }

  /** Messages published on `topic` so far. */
  published(topic: string): number {
    return this.#topics.get(topic)?.published ?? 0;
  }

  /** Topic names and types, sorted by name. */
  topics(): Array<{ name: string; type: string }> {
    return [...this.#topics].map(([name, t]) => ({ name, type: t.type })).sort((a, b) => a.name.localeCompare(b.name));
  }

  topic(name: string, type: string, who: string): Topic {
    let t = this.#topics.get(name);
    if (t === undefined) {
      t = { type, subscribers: new Set(), latched: [], published: 0 };
      this.#topics.set(name, t);
    } else if (t.type !== type) {
      throw new TypeError(`${who}: topic ${name} carries ${t.type}, not ${type}`);
    }
    return t;
  }
}

export interface InProcessTransportOptions {
  /** Which message types the "middleware" has type support for; default every built-in type (ours included). */
  readonly hasType?: (type: string) => boolean;
}

/** A node on an `InProcessBus`: the same raw-CDR interface as `RclnodejsTransport`, without ROS 2. */
export class InProcessTransport implements RosTransport {
  readonly nodeName: string;
  readonly bus: InProcessBus;
  readonly parameters = new Map<string, ParameterValue>();
  readonly #hasType: (type: string) => boolean;
  readonly #closers = new Set<() => void>();
  #closed = false;

  constructor(bus: InProcessBus, nodeName: string, options: InProcessTransportOptions = {}) {
    this.bus = bus;
    this.nodeName = nodeName.startsWith('/') ? nodeName : `/${nodeName}`;
    const known = new Set<string>(ROS_MESSAGE_TYPES);
    this.#hasType = options.hasType ?? ((type) => known.has(type));
  }

  subscribe(topic: string, type: string, qos: QosProfile): Observable<Uint8Array> {
    const name = expandTopicName(topic, this.nodeName);
    this.#checkType(type, `subscription to ${name}`);
    return new Observable<Uint8Array>((subscriber) => {
      this.#assertOpen(`subscribe to ${name}`);
      const t = this.bus.topic(name, type, `${this.nodeName}: subscription`);
      const entry: Subscriber = { qos, deliver: (bytes) => subscriber.next(bytes) };
      t.subscribers.add(entry);
      if (qos.durability === 'transient_local') {
        for (const bytes of t.latched) this.bus.scheduler.schedule(() => subscriber.next(bytes.slice()));
      }
      const close = (): void => {
        t.subscribers.delete(entry);
      };
      this.#closers.add(close);
      return () => {
        close();
        this.#closers.delete(close);
      };
    });
  }

  createPublisher(topic: string, type: string, qos: QosProfile): RawPublisher {
    const name = expandTopicName(topic, this.nodeName);
    this.#checkType(type, `publisher on ${name}`);
    this.#assertOpen(`create a publisher on ${name}`);
    const t = this.bus.topic(name, type, `${this.nodeName}: publisher`);
    const bus = this.bus;
    return {
      topic: name,
      type,
      publish: (bytes: Uint8Array) => {
        this.#assertOpen(`publish on ${name}`);
        const copy = Uint8Array.from(bytes);
        t.published++;
        if (qos.durability === 'transient_local') {
          t.latched.push(copy);
          if (t.latched.length > qos.depth) t.latched.shift();
        }
        for (const s of t.subscribers) {
          if (qos.reliability === 'best_effort' && s.qos.reliability === 'reliable') {
            const note = `${name}: best-effort publisher cannot reach a reliable subscriber`;
            if (!bus.incompatible.includes(note)) bus.incompatible.push(note);
            continue;
          }
          bus.scheduler.schedule(() => s.deliver(copy.slice()));
        }
      },
    };
  }

  hasType(type: string): boolean {
    return this.#hasType(type);
  }

  declareParameters(parameters: readonly ParameterDeclaration[]): void {
    for (const p of parameters) {
      if (this.parameters.has(p.name)) throw new RangeError(`${this.nodeName}: parameter '${p.name}' is already declared`);
      this.parameters.set(p.name, p.value);
    }
  }

  now(): Timestamp {
    return this.bus.clock();
  }

  close(): void {
    this.#closed = true;
    for (const close of this.#closers) close();
    this.#closers.clear();
  }

  #checkType(type: string, what: string): void {
    if (!this.#hasType(type)) throw new TypeError(`${this.nodeName}: ${what}: no type support for ${type}`);
  }

  #assertOpen(what: string): void {
    if (this.#closed) throw new Error(`${this.nodeName}: cannot ${what}: the node was closed`);
  }
}
