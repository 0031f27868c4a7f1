/** Figures of a run of the loop, as reports and `bench loop` print them. */
export interface LoopSummary {
  readonly ticks: number;
  /** Actions sent per second of loop time. */
  readonly controlHz: number;
  readonly latencyMsP50: number;
  readonly latencyMsP90: number;
  readonly latencyMsP99: number;
  readonly planMsP50: number;
  readonly planMsP99: number;
  /** Synchronised observations never planned on because a newer one was taken or the loop was busy. */
  readonly droppedFrames: number;
  readonly safeStops: number;
  /** Mean of the controllers' reported one-step prediction error, when they report one. */
  readonly meanPredictionError: number | null;
}

/** Accumulates per-tick measurements; bounded memory (a sliding window for percentiles). */
export class LoopMetrics {
  readonly #window: number;
  readonly #latencies: number[] = [];
  readonly #planMs: number[] = [];
  #ticks = 0;
  #firstTickAt: number | undefined;
  #lastTickAt: number | undefined;
  #dropped = 0;
  #safeStops = 0;
  #predictionErrorSum = 0;
  #predictionErrors = 0;

  constructor(window = 10000) {
    this.#window = window;
  }

  tick(atMs: number, latencyMs: number, planMs: number, predictionError?: number): void {
    this.#ticks++;
    this.#firstTickAt ??= atMs;
    this.#lastTickAt = atMs;
    push(this.#latencies, latencyMs, this.#window);
    push(this.#planMs, planMs, this.#window);
    if (predictionError !== undefined && Number.isFinite(predictionError)) {
      this.#predictionErrorSum += predictionError;
      this.#predictionErrors++;
    }
  }

  dropped(count = 1): void {
    this.#dropped += count;
  }

  safeStop(): void {
    this.#safeStops++;
  }

  summary(): LoopSummary {
    const span = this.#firstTickAt !== undefined && this.#lastTickAt !== undefined ? this.#lastTickAt - this.#firstTickAt : 0;
    return {
      ticks: this.#ticks,
      controlHz: this.#ticks > 1 && span > 0 ? ((this.#ticks - 1) * 1000) / span : 0,
      latencyMsP50: percentile(this.#latencies, 0.5),
      latencyMsP90: percentile(this.#latencies, 0.9),
      latencyMsP99: percentile(this.#latencies, 0.99),
      planMsP50: percentile(this.#planMs, 0.5),
      planMsP99: percentile(this.#planMs, 0.99),
      droppedFrames: this.#dropped,
      safeStops: this.#safeStops,
      meanPredictionError: this.#predictionErrors > 0 ? this.#predictionErrorSum / this.#predictionErrors : null,
    };
  }
}

function push(values: number[], v: number, window: number): void {
  values.push(v);
  if (values.length > window) values.shift();
}

/** Nearest-rank percentile; 0 for no values. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}
