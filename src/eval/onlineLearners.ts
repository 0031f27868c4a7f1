import type { Subscription } from 'rxjs';
import { applyWeights } from '../learn/applyWeights.js';
import type { InlineLearner, LearnerStats } from '../learn/InlineLearner.js';
import type { LearnerSupervisor } from '../learn/LearnerSupervisor.js';
import type { WeightsUpdate } from '../learn/snapshotWeights.js';
import type { WorldModel } from '../model/worldModel.js';
import type { LearnerProgress, OnlineLearner } from './onlineExperiment.js';

/** What workerLearner needs of a worker learner: a LearnerHost, or a LearnerSupervisor (which also counts restarts). */
export type WorkerLearnerHost = Pick<LearnerSupervisor, 'weights$' | 'addObservation' | 'stats' | 'saveCheckpoint'> & { readonly restarts?: number };

/**
 * The worker-thread learner as the experiment's learner: frames go to the worker, published
 * weights are written into the acting model between ticks (this is how the agent learns), or,
 * while held, kept until the hold ends (the latest only).
 */
export function workerLearner(host: WorkerLearnerHost, acting: WorldModel): OnlineLearner & { close(): void } {
  let weightUpdates = 0;
  let held = false;
  let pending: WeightsUpdate | undefined;
  const apply = (update: WeightsUpdate): void => {
    applyWeights(acting, update);
    weightUpdates++;
  };
  const subscription: Subscription = host.weights$.subscribe((update) => {
    if (held) pending = update;
    else apply(update);
  });
  return {
    add: (observation, action, episode) => host.addObservation(observation, action, episode),
    progress: () => progressOf(host.stats, weightUpdates, host.restarts ?? 0),
    saveCheckpoint: (dir) => host.saveCheckpoint(dir),
    holdWeights: (hold) => {
      held = hold;
      if (!hold && pending !== undefined) {
        apply(pending);
        pending = undefined;
      }
    },
    close: () => subscription.unsubscribe(),
  };
}

/**
 * The same learner on the control thread, training `stepsPerEpisode` steps after each
 * practice episode: slower per wall-clock second, but the whole run is then a function of
 * the seed alone (reproducibility tests, debugging).
 */
export function inlineLearner(learner: InlineLearner, acting: WorldModel, stepsPerEpisode: number): OnlineLearner {
  let weightUpdates = 0;
  return {
    add: (observation, action, episode) => learner.addObservation(observation, action, episode),
    progress: () => progressOf(learner.stats, weightUpdates, 0),
    saveCheckpoint: (dir) => learner.saveCheckpoint(dir),
    afterEpisode: () => {
      let trained = 0;
      for (let i = 0; i < stepsPerEpisode; i++) if (learner.trainStep() !== undefined) trained++;
      if (trained > 0) {
        applyWeights(acting, learner.weights());
        weightUpdates++;
      }
    },
  };
}

function progressOf(stats: LearnerStats, weightUpdates: number, restarts: number): LearnerProgress {
  const movingShare = stats.sequences > 0 ? stats.movingSequences / stats.sequences : 0;
  return { steps: stats.steps, frames: stats.framesAdded, weightUpdates, restarts, movingShare, ...(stats.loss ? { loss: numericTerms(stats.loss) } : {}) };
}

/** The loss terms that are numbers or lists of numbers (what reports plot). */
function numericTerms(terms: object): Record<string, number | number[]> {
  return Object.fromEntries(
    Object.entries(terms).filter(([, v]) => typeof v === 'number' || (Array.isArray(v) && v.every((x) => typeof x === 'number'))),
  );
}
