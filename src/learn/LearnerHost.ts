import { Worker } from 'node:worker_threads';
import { BehaviorSubject, ReplaySubject } from 'rxjs';
import type { Observable } from 'rxjs';
import { silentLogger } from '../core/index.js';
import type { Config, Logger, Observation } from '../core/index.js';
import { checkCompactFrame, compactFrame, compactFrameTransferList } from './CompactFrame.js';
import type { CompactFrame } from './CompactFrame.js';
import type { LearnerStats } from './InlineLearner.js';
import type { FromWorker, LearnerWorkerData, ToWorker, WorkerError } from './protocol.js';
import type { WeightsUpdate } from './snapshotWeights.js';

/** An error raised in the learner's worker, carried to the host with the worker's message and stack. */
export class LearnerError extends Error {
  readonly workerStack: string | undefined;

  constructor(error: WorkerError, context = 'learner worker') {
    super(`${context}: ${error.message}`);
    this.name = 'LearnerError';
    this.workerStack = error.stack;
  }
}

export interface LearnerHostOptions {
  readonly logger?: Logger;
  /**
   * A checkpoint to continue from (weights and step count). The replay buffer is not part of
   * checkpoints: it starts empty, and training resumes once learn.minFrames new frames arrive.
   */
  readonly resumeFrom?: string;
  /** Scheduled checkpoints (learn.checkpointEverySteps) and the one at close go here. */
  readonly checkpointDir?: string;
  /** Told once when the learner fails after it started (a crashed worker, a failed training step); LearnerSupervisor restarts it. */
  readonly onFailure?: (error: Error) => void;
}

interface Pending {
  resolve(stats: LearnerStats): void;
  reject(err: Error): void;
}

/**
 * The online learner, off the control path: a worker thread with its own TensorFlow.js,
 * WorldModel, Trainer and ReplayBuffer trains continuously on the frames posted with `add`
 * and publishes its weights on `weights$` every learn.publishEverySteps steps; apply them to
 * the acting model with `applyWeights`. The main thread only converts frames (compactFrame)
 * and copies weights in (about 1.5 ms for the default model), so a training step never
 * delays a control tick; on Linux the worker also runs at a lower priority (learn.workerNice).
 * The worker keeps the process alive until `close()`.
 *
 * Failures in the worker are logged on the host's logger with the worker's message, reject
 * pending promises, and make later calls throw; `weights$` and `stats$` then complete.
 */
export class LearnerHost {
  readonly config: Readonly<Config>;
  /** The tensor backend the worker runs. */
  readonly backend: string;
  readonly #worker: Worker;
  readonly #logger: Logger;
  readonly #weights = new ReplaySubject<WeightsUpdate>(1);
  readonly #stats: BehaviorSubject<LearnerStats>;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #failure: Error | undefined;
  #closing = false;
  #closed: Promise<void> | undefined;

  readonly #onFailure: ((error: Error) => void) | undefined;

  private constructor(config: Readonly<Config>, worker: Worker, backend: string, stats: LearnerStats, logger: Logger, onFailure?: (error: Error) => void) {
    this.config = config;
    this.#worker = worker;
    this.backend = backend;
    this.#logger = logger;
    this.#stats = new BehaviorSubject(stats);
    this.#onFailure = onFailure;
  }

  /** Starts the worker; resolves once it has its backend and model (and resumed checkpoint). */
  static start(config: Readonly<Config>, options: LearnerHostOptions = {}): Promise<LearnerHost> {
    const logger = (options.logger ?? silentLogger).child({ component: 'learner' });
    const workerData: LearnerWorkerData = {
      config,
      ...(options.resumeFrom === undefined ? {} : { resumeFrom: options.resumeFrom }),
      ...(options.checkpointDir === undefined ? {} : { checkpointDir: options.checkpointDir }),
    };
    const worker = new Worker(new URL('./learnerWorker.js', import.meta.url), { workerData });
    return new Promise<LearnerHost>((resolve, reject) => {
      let host: LearnerHost | undefined;
      let failed = false;
      const early: FromWorker[] = [];
      const failStart = (err: Error): void => {
        if (failed) return;
        failed = true;
        // The worker may still be alive (a failed start posts 'fatal' and returns).
        worker.terminate().then(
          () => reject(err),
          () => reject(err),
        );
      };
      worker.on('message', (message: FromWorker) => {
        if (host !== undefined) return host.#onMessage(message);
        if (failed) return;
        if (message.type === 'ready') {
          host = new LearnerHost(config, worker, message.backend, message.stats, logger, options.onFailure);
          logger.info(`learner worker ready (tensor backend ${message.backend})`, { backend: message.backend, steps: message.stats.steps });
          for (const m of early) host.#onMessage(m);
          resolve(host);
        } else if (message.type === 'fatal') {
          failStart(new LearnerError(message.error, 'learner worker failed to start'));
        } else if (message.type === 'log') {
          forwardLog(logger, message);
        } else {
          early.push(message);
        }
      });
      // Kept for the worker's whole life: an 'error' event without a listener would crash the process.
      worker.on('error', (err) => {
        if (host !== undefined) host.#fail(err);
        else failStart(new LearnerError({ name: err.name, message: err.message, stack: err.stack }, 'learner worker failed to start'));
      });
      worker.on('exit', (code) => {
        if (host !== undefined) host.#onExit(code);
        else failStart(new Error(`learner worker exited with code ${code} before it was ready`));
      });
    });
  }

  /** New weights, every learn.publishEverySteps steps (and at once after a resume); the latest is replayed to late subscribers. */
  get weights$(): Observable<WeightsUpdate> {
    return this.#weights.asObservable();
  }

  /** The learner's stats after every training step (and now and then while it waits for frames). */
  get stats$(): Observable<LearnerStats> {
    return this.#stats.asObservable();
  }

  /** The latest stats the worker reported. */
  get stats(): LearnerStats {
    return this.#stats.value;
  }

  /** Why the learner stopped, when it failed. */
  get error(): Error | undefined {
    return this.#failure;
  }

  /**
   * Posts a frame and the action taken after it (see ReplayBuffer.add). The frame's buffers
   * are transferred, not copied: its arrays are unusable by the caller afterwards.
   */
  add(frame: CompactFrame, action: ArrayLike<number> | undefined, episode: number): void {
    this.#assertRunning('add');
    checkCompactFrame(frame, this.config.model, 'learner.add');
    const a = this.config.model.actionDim;
    if (action !== undefined && action.length !== a) {
      throw new RangeError(`learner.add: action has ${action.length} values, expected ${a} (model.actionDim)`);
    }
    if (!Number.isFinite(episode)) throw new RangeError(`learner.add: episode must be a finite number, got ${episode}`);
    const message: ToWorker = { type: 'add', frame, episode, ...(action === undefined ? {} : { action: Float32Array.from(action) }) };
    this.#worker.postMessage(message, compactFrameTransferList(frame));
  }

  /** Converts the observation on this thread (compactFrame) and posts it. */
  addObservation(observation: Observation, action: ArrayLike<number> | undefined, episode: number): void {
    this.add(compactFrame(observation, this.config.model), action, episode);
  }

  /** Stats after every message sent so far has been handled (e.g. the frames added). */
  requestStats(): Promise<LearnerStats> {
    return this.#request('requestStats', (id) => ({ type: 'stats', id }));
  }

  /**
   * Fault injection (tests, `bench soak`): the worker throws `message` as an uncaught error, as
   * a bug or a failed native call would end it. The host then fails as for any crash.
   */
  crash(message: string): void {
    this.#assertRunning('crash');
    const m: ToWorker = { type: 'crash', message };
    this.#worker.postMessage(m);
  }

  /** The worker writes a checkpoint (model and step count) into `dir`. */
  async saveCheckpoint(dir: string): Promise<void> {
    await this.#request('saveCheckpoint', (id) => ({ type: 'save', id, dir }));
  }

  /**
   * Stops training, writes a final checkpoint into checkpointDir (unless `checkpoint: false`
   * or no directory was given), and ends the worker. Rejects with the learner's failure if it
   * had failed (after ending the worker).
   */
  close(options: { checkpoint?: boolean } = {}): Promise<void> {
    this.#closed ??= this.#close(options.checkpoint ?? true);
    return this.#closed;
  }

  async #close(checkpoint: boolean): Promise<void> {
    this.#closing = true;
    try {
      if (this.#failure === undefined) await this.#send((id) => ({ type: 'close', id, checkpoint }));
    } finally {
      await this.#worker.terminate();
      this.#complete();
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  #request(what: string, make: (id: number) => ToWorker): Promise<LearnerStats> {
    try {
      this.#assertRunning(what);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return this.#send(make);
  }

  #send(make: (id: number) => ToWorker): Promise<LearnerStats> {
    const id = this.#nextId++;
    return new Promise<LearnerStats>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage(make(id));
    });
  }

  #onMessage(message: FromWorker): void {
    switch (message.type) {
      case 'stats':
        this.#stats.next(message.stats);
        return;
      case 'weights':
        this.#weights.next(message.update);
        return;
      case 'log':
        forwardLog(this.#logger, message);
        return;
      case 'reply':
      case 'failed': {
        const pending = this.#pending.get(message.id);
        if (pending === undefined) return;
        this.#pending.delete(message.id);
        if (message.type === 'reply') {
          this.#stats.next(message.stats);
          pending.resolve(message.stats);
        } else {
          pending.reject(new LearnerError(message.error));
        }
        return;
      }
      case 'fatal':
        this.#fail(new LearnerError(message.error));
        return;
      case 'ready':
        return;
    }
  }

  #onExit(code: number): void {
    // terminate() at close ends the worker with code 1; an exit with a request in flight is a crash.
    if (this.#closing && this.#pending.size === 0) return;
    this.#fail(new Error(`learner worker exited unexpectedly with code ${code}`));
  }

  #fail(err: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = err;
    this.#logger.error(`learner failed: ${err.message}`, { error: err.message, workerStack: (err as LearnerError).workerStack });
    for (const pending of this.#pending.values()) pending.reject(err);
    this.#pending.clear();
    this.#complete();
    // A failure after close began is the close's to report.
    if (!this.#closing) this.#onFailure?.(err);
  }

  #complete(): void {
    this.#weights.complete();
    this.#stats.complete();
  }

  #assertRunning(what: string): void {
    if (this.#failure !== undefined) throw new Error(`learner.${what}: the learner has failed: ${this.#failure.message}`, { cause: this.#failure });
    if (this.#closing) throw new Error(`learner.${what}: the learner is closed`);
  }
}

function forwardLog(logger: Logger, message: Extract<FromWorker, { type: 'log' }>): void {
  logger[message.level](message.message, message.meta);
}
