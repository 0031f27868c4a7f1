export * from './baselineExperiment.js';
export * from './ablate/index.js';
export * from './transfer/index.js';
export * from './probe/index.js';
export * from './predict/index.js';
export * from './crossmodal/index.js';
