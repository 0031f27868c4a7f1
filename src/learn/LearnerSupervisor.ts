import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BehaviorSubject, ReplaySubject, Subject } from 'rxjs';
import type { Observable, Subscription } from 'rxjs';
import { silentLogger } from '../core/index.js';
import type { Config, Logger, Observation } from '../core/index.js';
import { MANIFEST_FILE } from '../model/index.js';
import type { CompactFrame } from './CompactFrame.js';
import type { LearnerStats } from './InlineLearner.js';
import { LearnerHost } from './LearnerHost.js';
import type { LearnerHostOptions } from './LearnerHost.js';
import type { WeightsUpdate } from './snapshotWeights.js';

export type LearnerSupervisorOptions = Omit<LearnerHostOptions, 'onFailure'>;

/** One restart of the learner's worker. */
export interface LearnerRestart {
  /** Restarts so far, this one included. */
  readonly count: number;
  /** Why the worker before it ended. */
  readonly reason: string;
  /** The checkpoint the new worker resumed from; absent when it started afresh. */
  readonly resumedFrom?: string;
  /** Training steps the new worker starts from (its checkpoint's). */
  readonly steps: number;
}

/**
 * The online learner that outlives its worker: a LearnerHost, started again when its worker
 * crashes (an uncaught error, a failed training step, an unexpected exit). The crash is logged
 * and counted (`restarts`), and the new worker resumes from the learner's last checkpoint:
 * checkpointDir when one was written there, else the checkpoint the run resumed from, else
 * afresh. Meanwhile the acting model keeps the last weights it received: frames added during the
 * restart are dropped (counted in `framesLost`; the replay buffer is not part of checkpoints
 * anyway), and the new worker's updates are passed on only once they are newer than the last one
 * passed before the crash (its hand-over of an older checkpoint is not). After
 * learn.maxRestarts restarts the next failure stands: calls then throw it, as LearnerHost's do.
 */
export class LearnerSupervisor {
  readonly config: Readonly<Config>;
  readonly #options: LearnerSupervisorOptions;
  readonly #logger: Logger;
  readonly #weights = new ReplaySubject<WeightsUpdate>(1);
  readonly #stats: BehaviorSubject<LearnerStats>;
  readonly #restarts$ = new Subject<LearnerRestart>();
  #host: LearnerHost | undefined;
  #hostSubscriptions: Subscription[] = [];
  #restarting: Promise<void> | undefined;
  #restarts = 0;
  #framesLost = 0;
  /** Steps of the last update passed on (-1: none yet). */
  #lastSteps = -1;
  #failure: Error | undefined;
  #closed: Promise<void> | undefined;

  private constructor(config: Readonly<Config>, options: LearnerSupervisorOptions, logger: Logger, host: LearnerHost) {
    this.config = config;
    this.#options = options;
    this.#logger = logger;
    this.#stats = new BehaviorSubject(host.stats);
    this.#attach(host);
  }

  /** Starts the first worker; resolves once it is ready (a failed first start rejects, as LearnerHost.start does). */
  static async start(config: Readonly<Config>, options: LearnerSupervisorOptions = {}): Promise<LearnerSupervisor> {
    const logger = options.logger ?? silentLogger;
    const holder: { supervisor?: LearnerSupervisor } = {};
    const host = await LearnerHost.start(config, {
      ...options,
      onFailure: (error) => {
        if (holder.supervisor !== undefined) holder.supervisor.#onFailure(error);
      },
    });
    const supervisor = new LearnerSupervisor(config, options, logger.child({ component: 'learner' }), host);
    holder.supervisor = supervisor;
    // A failure between the start and this line is one the host already holds.
    if (host.error !== undefined) supervisor.#onFailure(host.error);
    return supervisor;
  }

  /** The tensor backend the current worker runs. */
  get backend(): string {
    return this.#host?.backend ?? 'none (restarting)';
  }

  /** New weights, newer than any passed on before (LearnerHost.weights$ across restarts). */
  get weights$(): Observable<WeightsUpdate> {
    return this.#weights.asObservable();
  }

  /** The current worker's stats (its step count is the resumed checkpoint's after a restart). */
  get stats$(): Observable<LearnerStats> {
    return this.#stats.asObservable();
  }

  get stats(): LearnerStats {
    return this.#stats.value;
  }

  /** Each restart, once the new worker is ready. */
  get restarts$(): Observable<LearnerRestart> {
    return this.#restarts$.asObservable();
  }

  /** Workers started again after a crash. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Frames added while a worker was being restarted (dropped). */
  get framesLost(): number {
    return this.#framesLost;
  }

  /** The failure that ended the learner (after learn.maxRestarts restarts, or a restart that could not start). */
  get error(): Error | undefined {
    return this.#failure;
  }

  /** LearnerHost.add, or a counted drop while the worker restarts. */
  add(frame: CompactFrame, action: ArrayLike<number> | undefined, episode: number): void {
    const host = this.#running('add');
    if (host === undefined) this.#framesLost++;
    else host.add(frame, action, episode);
  }

  addObservation(observation: Observation, action: ArrayLike<number> | undefined, episode: number): void {
    const host = this.#running('addObservation');
    if (host === undefined) this.#framesLost++;
    else host.addObservation(observation, action, episode);
  }

  async requestStats(): Promise<LearnerStats> {
    return (await this.#ready('requestStats')).requestStats();
  }

  /** Waits for a restart in progress, then has the worker write a checkpoint. */
  async saveCheckpoint(dir: string): Promise<void> {
    await (await this.#ready('saveCheckpoint')).saveCheckpoint(dir);
  }

  /** Fault injection (tests, `bench soak`): crashes the current worker (LearnerHost.crash). */
  crash(message: string): void {
    const host = this.#running('crash');
    if (host === undefined) throw new Error('learner.crash: the worker is restarting');
    host.crash(message);
  }

  /** Ends the learner (waiting for a restart in progress); the final checkpoint as LearnerHost.close. Rejects with the failure that stood. */
  close(options: { checkpoint?: boolean } = {}): Promise<void> {
    this.#closed ??= (async () => {
      await this.#restarting;
      const host = this.#host;
      this.#detach();
      try {
        if (host !== undefined) await host.close(options);
      } finally {
        this.#weights.complete();
        this.#stats.complete();
        this.#restarts$.complete();
      }
      if (this.#failure !== undefined) throw this.#failure;
    })();
    return this.#closed;
  }

  #attach(host: LearnerHost): void {
    this.#host = host;
    this.#hostSubscriptions = [
      host.weights$.subscribe((update) => {
        if (update.steps <= this.#lastSteps) return;
        this.#lastSteps = update.steps;
        this.#weights.next(update);
      }),
      host.stats$.subscribe((stats) => this.#stats.next(stats)),
    ];
  }

  #detach(): void {
    this.#hostSubscriptions.forEach((s) => s.unsubscribe());
    this.#hostSubscriptions = [];
    this.#host = undefined;
  }

  #onFailure(error: Error): void {
    if (this.#closed !== undefined || this.#failure !== undefined) return;
    const crashed = this.#host;
    this.#detach();
    const max = this.config.learn.maxRestarts;
    if (this.#restarts >= max) {
      this.#giveUp(new Error(`learner: the worker failed after ${this.#restarts} restarts (learn.maxRestarts ${max}): ${error.message}`, { cause: error }));
      void crashed?.close({ checkpoint: false }).catch(() => undefined);
      return;
    }
    this.#restarts++;
    this.#logger.warn(`learner worker crashed (${error.message}); restart ${this.#restarts} of at most ${max}, the loop acts on the last weights meanwhile`, {
      restarts: this.#restarts,
    });
    this.#restarting = this.#restart(crashed, error).finally(() => {
      this.#restarting = undefined;
    });
  }

  async #restart(crashed: LearnerHost | undefined, cause: Error): Promise<void> {
    await crashed?.close({ checkpoint: false }).catch(() => undefined);
    const dir = this.#options.checkpointDir;
    const candidates = [
      ...(dir !== undefined && existsSync(join(dir, MANIFEST_FILE)) ? [dir] : []),
      ...(this.#options.resumeFrom !== undefined && this.#options.resumeFrom !== dir ? [this.#options.resumeFrom] : []),
      undefined,
    ];
    const { resumeFrom: _r, ...options } = this.#options;
    let lastError: Error = cause;
    for (const resumeFrom of candidates) {
      if (this.#closed !== undefined) return;
      try {
        const host = await LearnerHost.start(this.config, {
          ...options,
          ...(resumeFrom === undefined ? {} : { resumeFrom }),
          onFailure: (error) => this.#onFailure(error),
        });
        if (this.#closed !== undefined) {
          await host.close({ checkpoint: false }).catch(() => undefined);
          return;
        }
        this.#attach(host);
        const restart: LearnerRestart = { count: this.#restarts, reason: cause.message, steps: host.stats.steps, ...(resumeFrom === undefined ? {} : { resumedFrom: resumeFrom }) };
        this.#logger.warn(`learner worker restarted ${resumeFrom === undefined ? 'afresh' : `from ${resumeFrom}`} at step ${host.stats.steps}`, { ...restart });
        this.#restarts$.next(restart);
        if (host.error !== undefined) this.#onFailure(host.error);
        return;
      } catch (error) {
        lastError = error as Error;
        this.#logger.error(`learner restart ${resumeFrom === undefined ? 'afresh' : `from ${resumeFrom}`} failed: ${lastError.message}`);
      }
    }
    this.#giveUp(new Error(`learner: the worker crashed (${cause.message}) and could not be started again: ${lastError.message}`, { cause: lastError }));
  }

  #giveUp(error: Error): void {
    this.#failure = error;
    this.#logger.error(error.message);
    this.#weights.complete();
    this.#stats.complete();
    this.#restarts$.complete();
  }

  /** The running host, or undefined while one restarts; throws once the learner has failed or closed. */
  #running(what: string): LearnerHost | undefined {
    if (this.#failure !== undefined) throw new Error(`learner.${what}: the learner has failed: ${this.#failure.message}`, { cause: this.#failure });
    if (this.#closed !== undefined) throw new Error(`learner.${what}: the learner is closed`);
    return this.#host;
  }

  async #ready(what: string): Promise<LearnerHost> {
    await this.#restarting;
    const host = this.#running(what);
    if (host === undefined) throw new Error(`learner.${what}: no worker is running`);
    return host;
  }
}
