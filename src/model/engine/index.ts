export * from './initBackend.js';
export * from './installWasmKernelFixes.js';
export * from './globalMaxPool.js';
export * from './pointMlpMaxPool.js';
export * from './adamUpdate.js';
export * from './sumOfSquares.js';
export * from './nativeKernels.js';
