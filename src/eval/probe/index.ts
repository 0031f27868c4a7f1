export * from './probeScenes.js';
export * from './probeExperiment.js';
export * from './probeReport.js';
