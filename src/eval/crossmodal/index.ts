export * from './armPoses.js';
export * from './autoencoder.js';
export * from './MultimodalSom.js';
export * from './crossmodalExperiment.js';
export * from './crossmodalReport.js';
