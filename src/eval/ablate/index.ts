export * from './ablationArms.js';
export * from './ablationPresets.js';
export * from './seedSpread.js';
export * from './runAblation.js';
export * from './seededOnlineRun.js';
export * from './sensorCorruption.js';
export * from './shapeProbe.js';
export * from './ablationReport.js';
