export * from './cropToBox.js';
export * from './fitSupportPlane.js';
export * from './removeSupportPlane.js';
export * from './filterRobotPoints.js';
export * from './farthestPointSample.js';
export * from './gatherPoints.js';
export * from './perceiveCloud.js';
export * from './clusterPoints.js';
