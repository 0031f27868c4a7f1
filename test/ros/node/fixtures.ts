// Shared helpers for the node tests: parameters, a logger that keeps lines, waiting on a condition.
import type { Logger } from '../../../src/core/index.js';
import { agentNodeParamsSchema, parseRosParams } from '../../../src/ros/node/index.js';
import type { AgentNodeParams } from '../../../src/ros/node/index.js';

export function nodeParams(overrides: readonly string[] = []): AgentNodeParams {
  return parseRosParams(agentNodeParamsSchema, 'jepa_agent', undefined, overrides, 'test');
}

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
}

/** A logger that records every line. */
export function recordingLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const log =
    (level: LogLine['level']) =>
    (message: string): void => {
      lines.push({ level, message });
    };
  const logger = {
    lines,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: () => logger,
  };
  return logger as unknown as Logger & { lines: LogLine[] };
}

/** Resolves once `condition()` holds, polling every 20 ms; rejects naming `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
