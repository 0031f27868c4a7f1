export * from './predictExperiment.js';
export * from './predictReport.js';
export * from './predictionErrorPerHorizon.js';
export * from './objectMotion.js';
