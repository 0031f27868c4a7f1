export * from './createLogger.js';
