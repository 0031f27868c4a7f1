import wsProtocol from '@foxglove/ws-protocol';
import type { IWebSocket } from '@foxglove/ws-protocol';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { Logger } from '../core/Logger.js';
import { silentLogger } from '../core/Logger.js';
import type { LiveChannel } from './channels.js';
import type { VizAddress } from './vizAddress.js';

// The package is CommonJS: its classes come through the default export.
const { FoxgloveServer } = wsProtocol;

export interface LiveServerOptions {
  readonly address: VizAddress;
  readonly channels: readonly LiveChannel[];
  /**
   * Bytes a client's socket may hold unsent; a message for a client further behind is dropped
   * for that client (counted), so a slow viewer never makes the process buffer without bound.
   */
  readonly maxClientBufferBytes?: number;
  readonly logger?: Logger;
}

export interface LiveServerStats {
  readonly clients: number;
  /** Messages handed to at least one client's socket. */
  readonly sent: number;
  /** Messages not sent to a client because its socket held more than maxClientBufferBytes, per topic. */
  readonly droppedSlowClient: Readonly<Record<string, number>>;
}

/**
 * A Foxglove WebSocket server (`foxglove.websocket.v1`, what Foxglove and Lichtblick connect
 * to) on the `ws` package: the library's FoxgloveServer speaks the protocol, this class binds
 * it, advertises the live view's channels, tracks which have subscribers (so a message is
 * built only when someone watches it) and sends without ever waiting on a client.
 */
export class LiveServer {
  readonly #wss: WebSocketServer;
  readonly #server: InstanceType<typeof FoxgloveServer>;
  readonly #ids = new Map<string, number>();
  readonly #topics = new Map<number, string>();
  readonly #subscribed = new Set<string>();
  readonly #onSubscribe: Array<(topic: string) => void> = [];
  readonly #maxBuffer: number;
  readonly #dropped: Record<string, number> = {};
  readonly #sockets = new Set<WebSocket>();
  readonly #log: Logger;
  #sent = 0;
  /** Topic of the message being sent, for the drop count of the socket wrapper. */
  #sending = '';

  private constructor(wss: WebSocketServer, options: LiveServerOptions) {
    this.#wss = wss;
    this.#log = options.logger ?? silentLogger;
    this.#maxBuffer = options.maxClientBufferBytes ?? 8 * 2 ** 20;
    this.#server = new FoxgloveServer({ name: 'jepa-agent' });
    for (const channel of options.channels) {
      const id = this.#server.addChannel({
        topic: channel.topic,
        encoding: 'json',
        schemaName: channel.schemaName,
        schema: JSON.stringify(channel.schema),
        schemaEncoding: 'jsonschema',
      });
      this.#ids.set(channel.topic, id);
      this.#topics.set(id, channel.topic);
    }
    this.#server.on('subscribe', (id) => {
      const topic = this.#topics.get(id);
      if (topic === undefined) return;
      this.#subscribed.add(topic);
      for (const listener of this.#onSubscribe) listener(topic);
    });
    this.#server.on('unsubscribe', (id) => {
      const topic = this.#topics.get(id);
      if (topic !== undefined) this.#subscribed.delete(topic);
    });
    this.#server.on('error', (error) => this.#log.warn(`live view: ${error.message}`));
    wss.on('connection', (socket, request) => {
      const name = `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`;
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', (error) => this.#log.warn(`live view: client ${name}: ${error.message}`));
      this.#log.info(`live view: client ${name} connected`);
      this.#server.handleConnection(this.#gated(socket), name);
    });
  }

  /** Binds `address` (port 0: any free port) and resolves once listening. */
  static start(options: LiveServerOptions): Promise<LiveServer> {
    return new Promise((resolve, reject) => {
      const wss = new WebSocketServer({
        host: options.address.host,
        port: options.address.port,
        handleProtocols: (protocols) => (protocols.has(FoxgloveServer.SUPPORTED_SUBPROTOCOL) ? FoxgloveServer.SUPPORTED_SUBPROTOCOL : false),
      });
      const failed = (error: Error): void => {
        wss.close();
        reject(new Error(`live view: cannot listen on ${options.address.host}:${options.address.port}: ${error.message}`, { cause: error }));
      };
      wss.once('error', failed);
      wss.once('listening', () => {
        wss.off('error', failed);
        const server = new LiveServer(wss, options);
        wss.on('error', (error) => server.#log.warn(`live view: ${error.message}`));
        resolve(server);
      });
    });
  }

  /** Where it listens (the port the system chose when asked for 0). */
  get address(): VizAddress {
    const a = this.#wss.address();
    if (typeof a === 'string' || a === null) throw new Error(`live view: unexpected server address ${String(a)}`);
    return { host: a.address, port: a.port };
  }

  /** Whether any client subscribes to `topic`. */
  subscribed(topic: string): boolean {
    return this.#subscribed.has(topic);
  }

  /** Whether any client subscribes to anything. */
  get watched(): boolean {
    return this.#subscribed.size > 0;
  }

  /** Calls `listener` with the topic whenever a channel gets its first subscriber. */
  onSubscribe(listener: (topic: string) => void): void {
    this.#onSubscribe.push(listener);
  }

  /** Sends the encoded message to the topic's subscribers; `stampNs` is its log time. */
  send(topic: string, stampNs: bigint, payload: Uint8Array): void {
    const id = this.#ids.get(topic);
    if (id === undefined) throw new RangeError(`live view: no channel '${topic}'`);
    this.#sending = topic;
    this.#server.sendMessage(id, stampNs, payload);
    this.#sending = '';
    this.#sent++;
  }

  stats(): LiveServerStats {
    return { clients: this.#sockets.size, sent: this.#sent, droppedSlowClient: { ...this.#dropped } };
  }

  /** Disconnects every client and stops listening. */
  close(): Promise<void> {
    for (const socket of this.#sockets) socket.terminate();
    return new Promise((resolve) => this.#wss.close(() => resolve()));
  }

  /**
   * The client's socket as FoxgloveServer sees it: message data (binary frames) for a client
   * whose socket already holds more than the limit unsent are dropped and counted; the
   * protocol's own JSON messages (server info, advertisements) always go.
   */
  #gated(socket: WebSocket): IWebSocket {
    const gate = (data: string | ArrayBuffer | ArrayBufferView): void => {
      if (typeof data !== 'string' && socket.bufferedAmount > this.#maxBuffer) {
        const topic = this.#sending || '(unknown)';
        this.#dropped[topic] = (this.#dropped[topic] ?? 0) + 1;
        return;
      }
      socket.send(data);
    };
    return new Proxy(socket as unknown as IWebSocket, {
      get: (target, key) => {
        if (key === 'send') return gate;
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
      set: (target, key, value) => Reflect.set(target, key, value),
    });
  }
}
