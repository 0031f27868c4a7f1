export * from './baselineExperiment.js';
