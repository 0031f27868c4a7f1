export * from './predictExperiment.js';
export * from './predictReport.js';
