export * from './RosTransport.js';
export * from './InProcessTransport.js';
export * from './rosPreflight.js';
export * from './loadRclnodejs.js';
export * from './RclnodejsTransport.js';
export type { Rclnodejs } from './rclnodejsApi.js';
