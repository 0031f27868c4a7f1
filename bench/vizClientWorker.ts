// A Foxglove client in a worker thread for `bench loop --viz`: connects to the live view,
// subscribes to every channel, parses every message (as a viewer would) and, when asked,
// posts how many messages and bytes it received. Its own thread, as a viewer in another process.
import { parentPort, workerData } from 'node:worker_threads';
import wsProtocol from '@foxglove/ws-protocol';
import type { IWebSocket } from '@foxglove/ws-protocol';
import { WebSocket } from 'ws';

const { FoxgloveClient } = wsProtocol;
const { url } = workerData as { url: string };
const socket = new WebSocket(url, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]);
const client = new FoxgloveClient({ ws: socket as unknown as IWebSocket });
let messages = 0;
let bytes = 0;
let subscribed = 0;
client.on('advertise', (channels) => {
  for (const channel of channels) client.subscribe(channel.id);
  subscribed += channels.length;
  parentPort!.postMessage({ type: 'subscribed', channels: subscribed });
});
client.on('message', ({ data }) => {
  messages++;
  bytes += data.byteLength;
  JSON.parse(new TextDecoder().decode(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
});
client.on('error', (error) => parentPort!.postMessage({ type: 'error', message: String(error) }));
parentPort!.on('message', (m: { type: string }) => {
  if (m.type === 'count') parentPort!.postMessage({ type: 'count', messages, bytes });
  if (m.type === 'close') {
    socket.close();
    parentPort!.close();
  }
});
