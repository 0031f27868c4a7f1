import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Rng, silentLogger } from '../core/index.js';
import type { Config, Logger, Observation } from '../core/index.js';
import { MANIFEST_FILE, restoreCheckpoint, saveCheckpoint, Trainer, WorldModel } from '../model/index.js';
import type { LossTerms, TrainingBatch } from '../model/index.js';
import { compactFrame } from './CompactFrame.js';
import type { CompactFrame } from './CompactFrame.js';
import { ReplayBuffer } from './ReplayBuffer.js';
import { snapshotWeights } from './snapshotWeights.js';
import type { WeightsUpdate } from './snapshotWeights.js';

/** Where a learner stands. */
export interface LearnerStats {
  /** Training steps done, those before a resume included. */
  readonly steps: number;
  /** The last step's loss terms (none before the first step of this run). */
  readonly loss?: LossTerms;
  readonly bufferSize: number;
  readonly bufferCapacity: number;
  readonly bufferBytes: number;
  /** Frames added since start (the buffer keeps the latest `bufferCapacity`). */
  readonly framesAdded: number;
  /** Training steps per second of wall time over the last few steps (0 before two steps). */
  readonly stepsPerSecond: number;
  /** Enough frames and whole sequences to train on. */
  readonly ready: boolean;
  /** Sequences stored now in which perception saw the object move (learn.objectMotion), and all sequences. */
  readonly movingSequences: number;
  readonly sequences: number;
}

export interface LearnerOptions {
  readonly logger?: Logger;
  /**
   * A checkpoint to continue from: its weights and step count. The replay buffer is not
   * saved in checkpoints, so it starts empty; the optimizer's moments start afresh too.
   */
  readonly resumeFrom?: string;
  /** Scheduled (learn.checkpointEverySteps) and final checkpoints go here; none when unset. */
  readonly checkpointDir?: string;
  /** Receives new weights every learn.publishEverySteps training steps. */
  readonly onWeights?: (update: WeightsUpdate) => void;
}

/** How many recent step times the steps-per-second figure spans. */
const RATE_WINDOW = 16;

/**
 * The online learner on the calling thread: its own WorldModel, Trainer and ReplayBuffer,
 * trained one batch (learn.batchSize sequences of model.horizon actions) per step once the
 * buffer holds learn.minFrames. LearnerHost runs one of these in a worker thread, which is
 * how the agent should learn: a step here blocks the thread for its whole duration.
 * Steps happen only when asked (`trainStep`, `trainSome`), so the caller decides when.
 */
export class InlineLearner {
  readonly config: Readonly<Config>;
  /** The learner's own model; its weights leave through `onWeights` or `weights()`. */
  readonly model: WorldModel;
  readonly buffer: ReplayBuffer;
  readonly #trainer: Trainer;
  readonly #rng: Rng;
  readonly #logger: Logger;
  readonly #options: LearnerOptions;
  #steps: number;
  #loss: LossTerms | undefined;
  /** The last batch, refilled by the next step rather than reallocated. */
  #batch: TrainingBatch | undefined;
  readonly #stepTimes: number[] = [];
  #saving: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(config: Readonly<Config>, model: WorldModel, steps: number, options: LearnerOptions, logger: Logger) {
    this.config = config;
    this.model = model;
    this.#steps = steps;
    this.#options = options;
    this.#logger = logger;
    this.buffer = new ReplayBuffer(model.config, config.learn.capacityFrames);
    this.#rng = new Rng(config.seed).fork(`learn:${steps}`);
    this.#trainer = new Trainer(model, { logger, rng: this.#rng.fork('trainer') });
  }

  /** Builds the model from config.model (seeded by config.seed), restoring `resumeFrom` when given. */
  static async create(config: Readonly<Config>, options: LearnerOptions = {}): Promise<InlineLearner> {
    const logger = (options.logger ?? silentLogger).child({ component: 'learner' });
    const model = new WorldModel(config.model, { seed: config.seed, logger });
    let steps = 0;
    if (options.resumeFrom !== undefined) {
      try {
        await restoreCheckpoint(model, options.resumeFrom);
        steps = await checkpointSteps(options.resumeFrom);
      } catch (err) {
        model.dispose();
        throw err;
      }
      logger.info(`learner resumed from ${options.resumeFrom} at step ${steps} (replay buffer starts empty)`, { resumeFrom: options.resumeFrom, steps });
    }
    return new InlineLearner(config, model, steps, options, logger);
  }

  get steps(): number {
    return this.#steps;
  }

  /** Whether a training step would run now. */
  get ready(): boolean {
    return this.buffer.size >= this.config.learn.minFrames && this.buffer.sequenceCount(this.model.config.horizon) > 0;
  }

  get stats(): LearnerStats {
    const times = this.#stepTimes;
    const span = times.length > 1 ? (times[times.length - 1] - times[0]) / 1000 : 0;
    return {
      steps: this.#steps,
      ...(this.#loss === undefined ? {} : { loss: this.#loss }),
      bufferSize: this.buffer.size,
      bufferCapacity: this.buffer.capacity,
      bufferBytes: this.buffer.bytes,
      framesAdded: this.buffer.added,
      stepsPerSecond: span > 0 ? (times.length - 1) / span : 0,
      ready: this.ready,
      movingSequences: this.buffer.movingSequenceCount(this.model.config.horizon, this.config.learn.objectMotion.minMove),
      sequences: this.buffer.sequenceCount(this.model.config.horizon),
    };
  }

  /** Appends a frame and the action taken after it (see ReplayBuffer.add). */
  add(frame: CompactFrame, action: ArrayLike<number> | undefined, episode: number): void {
    this.#assertOpen('add');
    this.buffer.add(frame, action, episode);
  }

  addObservation(observation: Observation, action: ArrayLike<number> | undefined, episode: number): void {
    this.add(compactFrame(observation, this.model.config), action, episode);
  }

  /**
   * One training step when ready (else undefined). Publishes weights and queues a scheduled
   * checkpoint when their step counts come round.
   */
  trainStep(): LossTerms | undefined {
    this.#assertOpen('trainStep');
    if (!this.ready) return undefined;
    const { batchSize, publishEverySteps, checkpointEverySteps, objectMotion } = this.config.learn;
    const batch = this.buffer.sampleBatch(batchSize, this.model.config.horizon, this.#rng, this.#batch, objectMotion);
    this.#batch = batch;
    const loss = this.#trainer.trainStep(batch);
    this.#steps++;
    this.#loss = loss;
    this.#stepTimes.push(performance.now());
    if (this.#stepTimes.length > RATE_WINDOW) this.#stepTimes.shift();
    if (this.#steps % publishEverySteps === 0) this.#options.onWeights?.(this.weights());
    const dir = this.#options.checkpointDir;
    if (dir !== undefined && checkpointEverySteps > 0 && this.#steps % checkpointEverySteps === 0) {
      // Scheduled checkpoints must not stop training: a failure is logged, the next one retries.
      this.saveCheckpoint(dir).catch((err: unknown) =>
        this.#logger.error(`scheduled checkpoint failed: ${(err as Error).message}`, { dir, steps: this.#steps }),
      );
    }
    return loss;
  }

  /** Trains steps while ready until `maxMs` have passed (at least one step when ready); returns the steps done. */
  trainSome(maxMs: number): number {
    const start = performance.now();
    let done = 0;
    while (this.trainStep() !== undefined) {
      done++;
      if (performance.now() - start >= maxMs) break;
    }
    return done;
  }

  /** A copy of every model variable, for the acting model (applyWeights). */
  weights(): WeightsUpdate {
    return snapshotWeights(this.model, this.#steps);
  }

  /** Writes a checkpoint of the model and the step count; saves run one after another. */
  saveCheckpoint(dir: string): Promise<void> {
    this.#assertOpen('saveCheckpoint');
    const run = this.#saving.then(async () => {
      const steps = this.#steps;
      await saveCheckpoint(this.model, dir, { steps, framesAdded: this.buffer.added, savedBy: 'learner' });
      this.#logger.info(`checkpoint written to ${dir} at step ${steps}`, { dir, steps });
    });
    this.#saving = run.catch(() => undefined);
    return run;
  }

  /** Waits for pending saves, writes a final checkpoint into checkpointDir (unless told not to), frees the model. */
  async close(options: { checkpoint?: boolean } = {}): Promise<void> {
    if (this.#closed) return;
    const dir = this.#options.checkpointDir;
    try {
      if ((options.checkpoint ?? true) && dir !== undefined) await this.saveCheckpoint(dir);
      else await this.#saving;
    } finally {
      this.#closed = true;
      this.#trainer.dispose();
      this.model.dispose();
    }
  }

  #assertOpen(what: string): void {
    if (this.#closed) throw new Error(`learner.${what}: the learner is closed`);
  }
}

/** The step count a learner wrote into a checkpoint's manifest (0 for a checkpoint written by something else). */
async function checkpointSteps(dir: string): Promise<number> {
  const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as { meta?: { steps?: unknown } };
  const steps = manifest.meta?.steps;
  return typeof steps === 'number' && Number.isInteger(steps) && steps >= 0 ? steps : 0;
}
