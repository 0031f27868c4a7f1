export * from './CompactFrame.js';
export * from './ReplayBuffer.js';
export * from './snapshotWeights.js';
export * from './applyWeights.js';
export * from './InlineLearner.js';
export * from './LearnerHost.js';
export * from './LearnerSupervisor.js';
export * from './packFrames.js';
