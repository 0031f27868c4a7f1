export * from './initBackend.js';
export * from './installWasmKernelFixes.js';
export * from './globalMaxPool.js';
