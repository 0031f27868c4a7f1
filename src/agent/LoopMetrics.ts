/** Figures of a run of the loop, as reports and `bench loop` print them. */
export interface LoopSummary {
  /** Decisions made (each synchronised observation the controller decided on). */
  readonly ticks: number;
  /** Decisions per second of loop time. */
  readonly decisionHz: number;
  /** Decisions that went out as commands. */
  readonly commandsSent: number;
  /** Decisions the sink held back (its rate limit): the arm kept doing what it was last told. */
  readonly heldBack: number;
  /** Commands sent per second of loop time. */
  readonly controlHz: number;
  readonly latencyMsP50: number;
  readonly latencyMsP90: number;
  readonly latencyMsP99: number;
  /** Time per decision of the planner proper (holds and babbling excluded); 0 before the first plan. */
  readonly planMsP50: number;
  readonly planMsP99: number;
  /** Planned decisions (the planner ran). */
  readonly plans: number;
  /** Synchronised observations never planned on because a newer one was taken or the loop was busy. */
  readonly droppedFrames: number;
  readonly safeStops: number;
  /** Sensor messages the loop refused (non-finite joint states, sizes that disagree with the data). */
  readonly rejectedMessages: number;
  /** Times a sensor stream's clock jumped back and synchronisation started afresh. */
  readonly clockJumps: number;
  /** Decisions on a frame with a joint state (pairs whose staleness is measured). */
  readonly pairs: number;
  /** Pairs whose joint state is older than the frame by more than `staleAfterMs`. */
  readonly stalePairs: number;
  /** Mean of the controllers' reported one-step prediction error, when they report one. */
  readonly meanPredictionError: number | null;
}

/** One decision of the loop, as measured. */
export interface TickSample {
  readonly atMs: number;
  readonly latencyMs: number;
  readonly planMs: number;
  /** Whether the planner proper made this decision (not a hold or babbling). */
  readonly planned: boolean;
  /** Whether the decision went out as a command. */
  readonly sent: boolean;
  /** Whether the sink held it back (rate limit). */
  readonly heldBack: boolean;
  /** How much older the joint state is than the newest frame of the observation, ms; absent without one of them. */
  readonly proprioAgeMs?: number;
  readonly predictionError?: number;
}

export interface LoopMetricsOptions {
  /** Window of the percentiles. */
  readonly window?: number;
  /** A pair is stale when its joint state is older than its frame by more than this (half a control period). */
  readonly staleAfterMs?: number;
}

/** Accumulates per-tick measurements; bounded memory (a sliding window for percentiles). */
export class LoopMetrics {
  readonly #window: number;
  readonly #staleAfterMs: number;
  readonly #latencies: number[] = [];
  readonly #planMs: number[] = [];
  #ticks = 0;
  #firstTickAt: number | undefined;
  #lastTickAt: number | undefined;
  #sent = 0;
  #firstSentAt: number | undefined;
  #lastSentAt: number | undefined;
  #heldBack = 0;
  #plans = 0;
  #pairs = 0;
  #stalePairs = 0;
  #dropped = 0;
  #safeStops = 0;
  #rejected = 0;
  #clockJumps = 0;
  #predictionErrorSum = 0;
  #predictionErrors = 0;

  constructor(options: LoopMetricsOptions = {}) {
    this.#window = options.window ?? 10000;
    this.#staleAfterMs = options.staleAfterMs ?? Number.POSITIVE_INFINITY;
  }

  tick(sample: TickSample): void {
    this.#ticks++;
    this.#firstTickAt ??= sample.atMs;
    this.#lastTickAt = sample.atMs;
    push(this.#latencies, sample.latencyMs, this.#window);
    if (sample.planned) {
      this.#plans++;
      push(this.#planMs, sample.planMs, this.#window);
    }
    if (sample.sent) {
      this.#sent++;
      this.#firstSentAt ??= sample.atMs;
      this.#lastSentAt = sample.atMs;
    }
    if (sample.heldBack) this.#heldBack++;
    if (sample.proprioAgeMs !== undefined) {
      this.#pairs++;
      if (sample.proprioAgeMs > this.#staleAfterMs) this.#stalePairs++;
    }
    const e = sample.predictionError;
    if (e !== undefined && Number.isFinite(e)) {
      this.#predictionErrorSum += e;
      this.#predictionErrors++;
    }
  }

  dropped(count = 1): void {
    this.#dropped += count;
  }

  safeStop(): void {
    this.#safeStops++;
  }

  rejected(count = 1): void {
    this.#rejected += count;
  }

  clockJump(): void {
    this.#clockJumps++;
  }

  summary(): LoopSummary {
    return {
      ticks: this.#ticks,
      decisionHz: rate(this.#ticks, this.#firstTickAt, this.#lastTickAt),
      commandsSent: this.#sent,
      heldBack: this.#heldBack,
      controlHz: rate(this.#sent, this.#firstSentAt, this.#lastSentAt),
      latencyMsP50: percentile(this.#latencies, 0.5),
      latencyMsP90: percentile(this.#latencies, 0.9),
      latencyMsP99: percentile(this.#latencies, 0.99),
      planMsP50: percentile(this.#planMs, 0.5),
      planMsP99: percentile(this.#planMs, 0.99),
      plans: this.#plans,
      droppedFrames: this.#dropped,
      safeStops: this.#safeStops,
      rejectedMessages: this.#rejected,
      clockJumps: this.#clockJumps,
      pairs: this.#pairs,
      stalePairs: this.#stalePairs,
      meanPredictionError: this.#predictionErrors > 0 ? this.#predictionErrorSum / this.#predictionErrors : null,
    };
  }
}

/** Events per second between the first and the last of `count` events at `first`..`last` ms. */
function rate(count: number, first: number | undefined, last: number | undefined): number {
  const span = first !== undefined && last !== undefined ? last - first : 0;
  return count > 1 && span > 0 ? ((count - 1) * 1000) / span : 0;
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
