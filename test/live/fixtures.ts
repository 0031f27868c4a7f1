import wsProtocol from '@foxglove/ws-protocol';
import type { Channel, IWebSocket } from '@foxglove/ws-protocol';
import { WebSocket } from 'ws';

const { FoxgloveClient } = wsProtocol;

/** A decoded message of a subscribed channel. */
export interface Received {
  readonly topic: string;
  readonly schemaName: string;
  readonly timestamp: bigint;
  readonly message: unknown;
}

/**
 * The real Foxglove client (`@foxglove/ws-protocol`) over a `ws` WebSocket: subscribes to
 * `topics` as the server advertises them and keeps every message, decoded from JSON.
 */
export class TestClient {
  readonly socket: WebSocket;
  readonly client: InstanceType<typeof FoxgloveClient>;
  readonly channels = new Map<string, Channel>();
  readonly received: Received[] = [];
  readonly #bySubscription = new Map<number, Channel>();
  readonly #waiters: Array<() => void> = [];
  readonly opened: Promise<void>;

  constructor(url: string, topics: readonly string[]) {
    this.socket = new WebSocket(url, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]);
    this.client = new FoxgloveClient({ ws: this.socket as unknown as IWebSocket });
    this.opened = new Promise((resolve, reject) => {
      this.client.on('open', () => resolve());
      this.client.on('error', (error) => reject(error));
    });
    this.client.on('advertise', (channels) => {
      for (const channel of channels) {
        this.channels.set(channel.topic, channel);
        if (topics.includes(channel.topic)) this.#bySubscription.set(this.client.subscribe(channel.id), channel);
      }
    });
    this.client.on('message', ({ subscriptionId, timestamp, data }) => {
      const channel = this.#bySubscription.get(subscriptionId);
      if (channel === undefined) return;
      const text = new TextDecoder().decode(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      this.received.push({ topic: channel.topic, schemaName: channel.schemaName, timestamp, message: JSON.parse(text) as unknown });
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  of(topic: string): Received[] {
    return this.received.filter((r) => r.topic === topic);
  }

  /** Resolves with the first message of `topic` that `accept` takes; rejects after `timeoutMs`. */
  waitFor(topic: string, accept: (message: unknown) => boolean = () => true, timeoutMs = 120_000): Promise<Received> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no accepted message on ${topic} within ${timeoutMs} ms; received: ${JSON.stringify(this.counts())}`)), timeoutMs);
      const check = (): void => {
        const hit = this.received.find((r) => r.topic === topic && accept(r.message));
        if (hit !== undefined) {
          clearTimeout(timer);
          resolve(hit);
        } else {
          this.#waiters.push(check);
        }
      };
      check();
    });
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.received) out[r.topic] = (out[r.topic] ?? 0) + 1;
    return out;
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

/** base64 `data` of a Foxglove JSON message as bytes. */
export function bytesOf(message: { data: string }): Buffer {
  return Buffer.from(message.data, 'base64');
}
