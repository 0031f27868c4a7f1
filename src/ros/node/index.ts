// The node layer sits above src/agent (it implements the loop's source and sink and runs the
// loop), so it has its own door: src/ros/index.ts stays importable from low layers (bag).
export * from './agentNodeParams.js';
export * from './simRobotParams.js';
export * from './loadRosParams.js';
export * from './actionSpaceFor.js';
export * from './BadMessageLog.js';
export * from './decodeTopic.js';
export * from './robotShapesFromTopics.js';
export * from './tfListener.js';
export * from './RosSource.js';
export * from './RosSink.js';
export * from './GoalGate.js';
export * from './Lifecycle.js';
export * from './StatusPublisher.js';
export * from './RecordingTransport.js';
export * from './NodeRecording.js';
export * from './GraphReplay.js';
export * from './AgentNode.js';
export * from './SimRobot.js';
