import type { Logger } from '../../core/index.js';

export interface BadMessageLogOptions {
  /** At most one log line per topic per interval, milliseconds. Default 5000. */
  readonly intervalMs?: number;
  /** Milliseconds clock (a scheduler's now in tests). */
  readonly now?: () => number;
}

/**
 * Counts messages that could not be used, per topic, and logs them without flooding: the
 * first error of a topic at once, then at most one line per interval with how many were
 * suppressed. The counts go into the node's metrics (AgentStatus.bad_messages).
 */
export class BadMessageLog {
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #counts = new Map<string, number>();
  readonly #lastLogAt = new Map<string, number>();
  readonly #suppressed = new Map<string, number>();

  constructor(logger: Logger, options: BadMessageLogOptions = {}) {
    this.#logger = logger;
    this.#intervalMs = options.intervalMs ?? 5000;
    this.#now = options.now ?? (() => Date.now());
  }

  record(topic: string, error: unknown): void {
    this.#counts.set(topic, (this.#counts.get(topic) ?? 0) + 1);
    const now = this.#now();
    const last = this.#lastLogAt.get(topic);
    if (last !== undefined && now - last < this.#intervalMs) {
      this.#suppressed.set(topic, (this.#suppressed.get(topic) ?? 0) + 1);
      return;
    }
    const suppressed = this.#suppressed.get(topic) ?? 0;
    this.#lastLogAt.set(topic, now);
    this.#suppressed.set(topic, 0);
    const message = error instanceof Error ? error.message : String(error);
    this.#logger.error(`bad message on ${topic}, skipped: ${message}`, {
      topic,
      total: this.#counts.get(topic),
      ...(suppressed > 0 ? { suppressedSinceLastLine: suppressed } : {}),
    });
  }

  /** Bad messages on `topic`, or on all topics. */
  count(topic?: string): number {
    if (topic !== undefined) return this.#counts.get(topic) ?? 0;
    let total = 0;
    for (const n of this.#counts.values()) total += n;
    return total;
  }

  counts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}
