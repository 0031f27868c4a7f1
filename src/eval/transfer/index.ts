export * from './runTransfer.js';
export * from './transferReport.js';
