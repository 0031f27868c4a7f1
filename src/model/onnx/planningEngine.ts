import type { Logger } from '../../core/Logger.js';
import { silentLogger } from '../../core/Logger.js';
import { loadOnnxRuntime } from './onnxRuntime.js';
import type { OrtSession, OrtSessionOptions } from './onnxRuntime.js';

/** `engine.planning`: where sampling planners score their samples. */
export type PlanningEngineChoice = 'auto' | 'onnxruntime' | 'tfjs';

export interface PlanningEngineDescription {
  readonly engine: 'onnxruntime' | 'tfjs';
  /** Why this engine plans (and, with `auto`, why the other does not). */
  readonly reason: string;
  /** Intra-op threads of onnxruntime's sessions (1 under tfjs, whose threads are the backend's). */
  readonly threads: number;
  /** onnxruntime-node's version when it plans. */
  readonly version?: string;
}

/** Raised when `engine.planning: onnxruntime` is asked for and onnxruntime cannot run. */
export class PlanningEngineUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanningEngineUnavailableError';
  }
}

/** Where graphs get their sessions: onnxruntime's factory and the intra-op threads to give them. */
export interface OrtSessionFactory {
  createSession(model: Uint8Array, options: OrtSessionOptions): OrtSession;
  readonly threads: number;
}

let selected: OrtSessionFactory | undefined;

/**
 * Chooses, once per process (again on a later call), where the sampling planners' rollouts
 * and costs and the acting model's encodings run: onnxruntime when it loads (`auto`, the
 * default, or asked for), else tfjs. Logs the choice and why. Until this is called,
 * everything runs on tfjs (training always does).
 */
export function selectPlanningEngine(choice: PlanningEngineChoice = 'auto', threads = 1, logger: Logger = silentLogger): PlanningEngineDescription {
  selected = undefined;
  let description: PlanningEngineDescription;
  if (choice === 'tfjs') {
    description = { engine: 'tfjs', reason: 'engine.planning is tfjs', threads: 1 };
  } else {
    const runtime = loadOnnxRuntime();
    if (runtime.available) {
      selected = { createSession: runtime.createSession, threads };
      description = {
        engine: 'onnxruntime',
        reason: `${choice === 'auto' ? 'auto: ' : ''}onnxruntime-node ${runtime.version} runs here; CEM/MPPI rollouts and costs (MLP predictors) and encodings (mixer + gated fusion) run on it, the rest on tfjs`,
        threads,
        version: runtime.version,
      };
    } else if (choice === 'onnxruntime') {
      throw new PlanningEngineUnavailableError(`engine.planning is onnxruntime, but ${runtime.reason}`);
    } else {
      description = { engine: 'tfjs', reason: `auto: ${runtime.reason}`, threads: 1 };
    }
  }
  logger.info('planning engine', { ...description });
  return description;
}

/** The chosen onnxruntime (session factory and threads), or undefined when tfjs plans. */
export function loadPlanningRuntime(): OrtSessionFactory | undefined {
  return selected;
}
