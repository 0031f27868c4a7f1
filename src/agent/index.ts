export type { SensorSource } from './Source.js';
export type { ActionSink, AppliedAction, Unsent } from './Sink.js';
export type { Controller, Decision, DecisionMode } from './Controller.js';
export * from './synchronize.js';
export * from './LoopMetrics.js';
export * from './controlLoop.js';
export * from './sources/SimWorld.js';
export * from './tickLateness.js';
