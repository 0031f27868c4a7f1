/**
 * The learner's thread: its own TensorFlow.js, WorldModel, Trainer and ReplayBuffer (an
 * InlineLearner), driven by messages from LearnerHost. It trains as fast as it can once
 * ready, one step per macrotask (setImmediate), so frames posted by the host are taken in
 * between steps rather than starved. Started by LearnerHost only.
 */
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { configSchema } from '../core/index.js';
import type { Logger } from '../core/index.js';
import { initBackend } from '../model/index.js';
import { InlineLearner } from './InlineLearner.js';
import { toWorkerError } from './protocol.js';
import type { FromWorker, LearnerWorkerData, LogLevel, ToWorker } from './protocol.js';
import { weightsTransferList } from './snapshotWeights.js';

/** Stats are pushed after every step; while idle, after adds at most this often. */
const IDLE_STATS_MS = 100;

function post(port: MessagePort, message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

/** A Logger whose records travel to the host's logger. */
function portLogger(port: MessagePort, base: Record<string, unknown> = {}): Logger {
  const send = (level: LogLevel) => (message: string, meta?: Record<string, unknown>): void => {
    const merged = { ...base, ...meta };
    try {
      post(port, { type: 'log', level, message, meta: merged });
    } catch {
      // Meta that cannot be cloned (a function, a tensor) still leaves a readable record.
      post(port, { type: 'log', level, message, meta: { ...base, unclonedMeta: Object.keys(meta ?? {}) } });
    }
  };
  return {
    error: send('error'),
    warn: send('warn'),
    info: send('info'),
    debug: send('debug'),
    child: (meta) => portLogger(port, { ...base, ...meta }),
  };
}

/**
 * On Linux, setpriority(pid 0) applies to the calling thread only: the learner yields the CPU
 * to the main thread (the control loop) without slowing it. Elsewhere it would renice the
 * whole process, so it is skipped. The thread starts at the process's own niceness and is
 * never raised above it: under `nice -n 19` (as root, who may raise it) a learner set to
 * learn.workerNice 10 would take the CPU from the loop, the opposite of the aim.
 */
function lowerPriority(nice: number, logger: Logger): void {
  if (nice === 0) return;
  if (process.platform !== 'linux') {
    logger.info(`learn.workerNice ${nice} ignored on ${process.platform}: it would lower the whole process`);
    return;
  }
  try {
    const inherited = getPriority(0);
    if (nice <= inherited) {
      logger.info(`learner thread stays at the process's niceness ${inherited} (learn.workerNice ${nice} would not be lower)`);
      return;
    }
    setPriority(0, nice);
  } catch (err) {
    logger.warn(`learner thread priority unchanged (learn.workerNice ${nice}): ${(err as Error).message}`);
  }
}

async function main(port: MessagePort, data: LearnerWorkerData): Promise<void> {
  const logger = portLogger(port);
  let learner: InlineLearner;
  let backend: string;
  try {
    const config = configSchema.parse(data.config);
    lowerPriority(config.learn.workerNice, logger);
    backend = (await initBackend({ backend: config.engine.backend, threads: config.engine.threads, logger })).backend;
    learner = await InlineLearner.create(config, {
      logger,
      resumeFrom: data.resumeFrom,
      checkpointDir: data.checkpointDir,
      onWeights: (update) => post(port, { type: 'weights', update }, weightsTransferList(update)),
    });
  } catch (err) {
    post(port, { type: 'fatal', error: toWorkerError(err) });
    return;
  }

  let stopped = false;
  let pumping = false;
  let lastStats = 0;
  const postStats = (): void => {
    lastStats = performance.now();
    post(port, { type: 'stats', stats: learner.stats });
  };
  const fail = (err: unknown): void => {
    stopped = true;
    post(port, { type: 'fatal', error: toWorkerError(err) });
  };
  // One step per macrotask: the port's messages are delivered between two steps.
  const pump = (): void => {
    if (stopped || !learner.ready) {
      pumping = false;
      return;
    }
    try {
      learner.trainStep();
    } catch (err) {
      pumping = false;
      fail(err);
      return;
    }
    postStats();
    setImmediate(pump);
  };
  const schedule = (): void => {
    if (pumping || stopped) return;
    pumping = true;
    setImmediate(pump);
  };

  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'add':
        if (stopped) return;
        try {
          learner.add(message.frame, message.action, message.episode);
        } catch (err) {
          fail(err);
          return;
        }
        if (!pumping && performance.now() - lastStats >= IDLE_STATS_MS) postStats();
        schedule();
        return;
      case 'stats':
        post(port, { type: 'reply', id: message.id, stats: learner.stats });
        return;
      case 'save':
        learner.saveCheckpoint(message.dir).then(
          () => post(port, { type: 'reply', id: message.id, stats: learner.stats }),
          (err: unknown) => post(port, { type: 'failed', id: message.id, error: toWorkerError(err) }),
        );
        return;
      case 'crash':
        // Outside any handler's try, as an uncaught error would be: the thread ends with it.
        setImmediate(() => {
          throw new Error(message.message);
        });
        return;
      case 'close': {
        stopped = true;
        const stats = learner.stats;
        learner.close({ checkpoint: message.checkpoint }).then(
          () => post(port, { type: 'reply', id: message.id, stats }),
          (err: unknown) => post(port, { type: 'failed', id: message.id, error: toWorkerError(err) }),
        );
        return;
      }
    }
  });

  post(port, { type: 'ready', backend, stats: learner.stats });
  // A resumed learner's weights differ from the seed's: hand them over at once.
  if (data.resumeFrom !== undefined) {
    const update = learner.weights();
    post(port, { type: 'weights', update }, weightsTransferList(update));
  }
  schedule();
}

if (parentPort === null) throw new Error('learnerWorker.js runs as a worker thread started by LearnerHost');
await main(parentPort, workerData as LearnerWorkerData);
