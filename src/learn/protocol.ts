import type { Config } from '../core/index.js';
import type { CompactFrame } from './CompactFrame.js';
import type { LearnerStats } from './InlineLearner.js';
import type { WeightsUpdate } from './snapshotWeights.js';

/** What the worker receives at start (workerData). */
export interface LearnerWorkerData {
  readonly config: Config;
  readonly resumeFrom?: string;
  readonly checkpointDir?: string;
}

/** Host -> worker. Requests carry an id that their reply repeats. */
export type ToWorker =
  | { readonly type: 'add'; readonly frame: CompactFrame; readonly action?: Float32Array; readonly episode: number }
  | { readonly type: 'stats'; readonly id: number }
  | { readonly type: 'save'; readonly id: number; readonly dir: string }
  | { readonly type: 'close'; readonly id: number; readonly checkpoint: boolean }
  /** Fault injection: the worker throws `message` as an uncaught error (LearnerHost.crash). */
  | { readonly type: 'crash'; readonly message: string };

/** An error as it crosses the thread boundary. */
export interface WorkerError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Worker -> host. */
export type FromWorker =
  | { readonly type: 'ready'; readonly backend: string; readonly stats: LearnerStats }
  | { readonly type: 'stats'; readonly stats: LearnerStats }
  | { readonly type: 'weights'; readonly update: WeightsUpdate }
  | { readonly type: 'log'; readonly level: LogLevel; readonly message: string; readonly meta?: Record<string, unknown> }
  | { readonly type: 'reply'; readonly id: number; readonly stats: LearnerStats }
  | { readonly type: 'failed'; readonly id: number; readonly error: WorkerError }
  /** The learner cannot go on (start-up or a training step failed); the worker stops training. */
  | { readonly type: 'fatal'; readonly error: WorkerError };

export function toWorkerError(err: unknown): WorkerError {
  if (err instanceof Error) return { name: err.name, message: err.message, ...(err.stack === undefined ? {} : { stack: err.stack }) };
  return { name: 'Error', message: String(err) };
}
