// Messages and transports depend on core only, robot (URDF shapes posed by tf) on core and
// messages; the node (source, sink, loop, sim robot) is behind its own door,
// src/ros/node/index.ts, because it builds on src/agent and src/sim.
export * from './messages/index.js';
export * from './transport/index.js';
export * from './robot/index.js';
