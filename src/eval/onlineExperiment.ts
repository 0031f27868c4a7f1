import { mkdirSync } from 'node:fs';
import type { Subscription } from 'rxjs';
import { controlLoop } from '../agent/controlLoop.js';
import { PlanningController } from '../agent/controllers/PlanningController.js';
import { SimWorld } from '../agent/sources/SimWorld.js';
import type { SimWorldEvent } from '../agent/sources/SimWorld.js';
import type { Config } from '../core/config/Config.js';
import type { SplitName, TaskName } from '../core/config/simConfig.js';
import type { Logger } from '../core/Logger.js';
import type { LiveFeed } from '../live/LiveFeed.js';
import type { Observation } from '../core/Observation.js';
import { compareTimestamps } from '../core/Timestamp.js';
import { Rng } from '../core/Rng.js';
import type { WorldModel } from '../model/worldModel.js';
import type { SimEnv } from '../sim/SimEnv.js';
import type { Bitmap } from '../viz/Bitmap.js';
import { baselineApplies, goalDistance, runBaselines } from './baselineExperiment.js';
import { goalBesideAchieved, sceneFrame, sequenceSheet } from './experimentFrames.js';
import type { BaselineCell } from './baselineExperiment.js';
import { InteractionMeter, interactionStats } from './objectInteraction.js';
import type { EpisodeInteraction, InteractionStats } from './objectInteraction.js';

/** The learner as the experiment uses it; the worker-thread learner implements it. */
export interface OnlineLearner {
  add(observation: Observation, action: Float32Array | undefined, episode: number): void;
  /** Training progress: steps done, frames held, last loss terms. */
  progress(): LearnerProgress;
  saveCheckpoint(dir: string): Promise<void>;
  /** Called after each practice episode (an in-thread learner trains here). */
  afterEpisode?(): void;
  /** While held, published weights wait (the latest only) and are written into the acting model when the hold ends. */
  holdWeights?(hold: boolean): void;
}

export interface LearnerProgress {
  readonly steps: number;
  readonly frames: number;
  readonly loss?: Readonly<Record<string, number | number[]>>;
  readonly weightUpdates: number;
  /** Times the learner's worker crashed and was started again from its last checkpoint. */
  readonly restarts: number;
  /** Share of the replay buffer's sequences in which perception saw the object move (learn.objectMotion); 0 when it holds none. */
  readonly movingShare: number;
}

export interface ExperimentOptions {
  readonly tasks: readonly TaskName[];
  /** Splits evaluated. */
  readonly evalSplits: readonly SplitName[];
  /** Split of the practice episodes; default 'train' (another one: online adaptation to it). */
  readonly practiceSplit?: SplitName;
  /**
   * Wall-clock budget of the whole run, evaluations included: practice stops when the final
   * evaluation (estimated from the previous one) would not fit any more. Or, when
   * `budgetSteps` is set, a budget of practice environment steps (evaluation steps not
   * counted; reproducible).
   */
  readonly budgetMinutes: number;
  readonly budgetSteps?: number;
  /** Practice episodes between evaluations. */
  readonly evalEvery: number;
  /** Evaluation episodes per task and split. */
  readonly evalEpisodes: number;
  /** Evaluation episodes per task and split of the final round (default evalEpisodes): more episodes, firmer end figures. */
  readonly finalEvalEpisodes?: number;
  /**
   * After the final round, run the scripted-subgoals baseline (with the run's final model) and
   * the true-state scripted ceiling on the final round's seeds; default true.
   */
  readonly finalBaselines?: boolean;
  readonly runDir: string;
  readonly onProgress?: (fraction: number, line: string) => void;
  /**
   * Ends the run early (the CLI aborts it on SIGINT/SIGTERM with the signal's name as reason):
   * the episode under way is abandoned, no further evaluation or baseline runs, and the report
   * says `interrupted` and holds what was done.
   */
  readonly signal?: AbortSignal;
  /**
   * A live view (`--viz`): every tick, goal, episode outcome and learner progress is handed to
   * it; its calls return at once (it builds messages later, for watched topics only).
   */
  readonly live?: LiveFeed;
}

export interface EvaluationRound {
  readonly elapsedS: number;
  readonly practiceEpisodes: number;
  readonly envSteps: number;
  readonly learnerSteps: number;
  /** LearnerProgress.movingShare at the round. */
  readonly replayMovingShare: number;
  readonly cells: ReadonlyArray<{ task: TaskName; split: SplitName; episodes: number; successRate: number; meanFinalDistance: number; interaction: InteractionStats }>;
  /** Practice since the previous round, per task: does practice touch the objects more over time? */
  readonly practiceInteraction: ReadonlyArray<TaskInteraction>;
}

export interface TaskInteraction extends InteractionStats {
  readonly task: TaskName;
}

export interface ExperimentReport {
  readonly seed: number;
  readonly durationS: number;
  readonly practiceEpisodes: number;
  readonly envSteps: number;
  /** Random actions on the evaluation seeds: the floor of every round. */
  readonly baseline: readonly BaselineCell[];
  /** scripted-subgoals (the run's final model) and the true-state scripted ceiling, on the final round's seeds; empty when not run. */
  readonly finalBaselines: readonly BaselineCell[];
  readonly evaluations: readonly EvaluationRound[];
  readonly losses: ReadonlyArray<{ elapsedS: number; step: number; terms: Readonly<Record<string, number | number[]>> }>;
  readonly predictionError: ReadonlyArray<{ elapsedS: number; value: number }>;
  readonly practiceSuccess: ReadonlyArray<{ elapsedS: number; task: TaskName; success: boolean }>;
  /** Arm-object contact and object displacement over all practice episodes, per task. */
  readonly practiceInteraction: ReadonlyArray<TaskInteraction>;
  readonly loop: ReturnType<ReturnType<typeof controlLoop>['metrics']['summary']>;
  /** Times the learner's worker crashed and started again from its last checkpoint (the loop acted on the last weights meanwhile). */
  readonly learnerRestarts: number;
  /** Why the run ended early (the abort reason, e.g. SIGINT); absent for a run that ran its budget. Then there is no final round and no final baselines. */
  readonly interrupted?: string;
  readonly fusionWeights: Readonly<Record<string, number>>;
  /** Final round, rendered at 256 px: <task>_<split> (goal beside the end of the first episode) and <task>_sequence (every k-th tick of the first train episode). */
  readonly frames: ReadonlyArray<{ name: string; image: Bitmap }>;
}

interface EpisodeOutcome {
  success: boolean;
  steps: number;
  finalDistance: number;
  interaction: EpisodeInteraction;
}

/** Pictures to take during one episode, for a person. */
interface EpisodeCapture {
  /** Name of the goal-vs-achieved frame taken at its end. */
  readonly frame: string;
  /** Every `every`-th tick (and the first and last) into a tiled sheet of this name. */
  readonly sequence?: { readonly name: string; readonly every: number; readonly tiles: Bitmap[] };
}

/** Most tiles of a sequence sheet (two rows of six). */
const SEQUENCE_TILES = 12;

const EVAL_SEED_BASE = 7_000_000;

/** The run was asked to stop (ExperimentOptions.signal). */
class RunInterrupted extends Error {}

/**
 * The main job: the agent learns online, from scratch, in the embedded simulation. Practice
 * episodes (exploring, on the training split, feeding the learner) alternate with
 * evaluation episodes (no exploration, fresh goals from a fixed set of seeds, on the
 * training and unseen splits, never fed to the learner). The same evaluation seeds are run
 * with random actions for the floor the agent must beat, and, after the final round, with
 * the labelled baselines scripted-subgoals (the run's final model) and true-state scripted.
 */
export async function runOnlineExperiment(
  env: SimEnv,
  model: WorldModel,
  learner: OnlineLearner,
  config: Readonly<Config>,
  options: ExperimentOptions,
  logger: Logger,
): Promise<ExperimentReport> {
  mkdirSync(options.runDir, { recursive: true });
  const world = new SimWorld(env, { clock: 'lockstep', endOnSuccess: true });
  const rng = new Rng(config.seed);
  const controller = PlanningController.fromConfig(model, config, env.actionSpace, rng.fork('controller'));
  // Lockstep simulation time stands still while the agent thinks: wall-clock deadlines would
  // only make the run depend on machine load, so the watchdog is relaxed (not removed).
  const agentConfig = { ...config.agent, watchdog: { observationTimeoutMs: 60_000, planTimeoutMs: 60_000 } };
  const loop = controlLoop(world, world, controller, agentConfig);
  const live = options.live;
  /** The world's latest observation as sensed (for the live view). */
  let lastSensed: Observation | undefined;
  const started = performance.now();
  const elapsedS = (): number => (performance.now() - started) / 1000;

  const predictionError: Array<{ elapsedS: number; value: number }> = [];
  const losses: Array<{ elapsedS: number; step: number; terms: Readonly<Record<string, number | number[]>> }> = [];
  let errorSum = 0;
  let errorCount = 0;
  const subscriptions: Subscription[] = [];
  const frames: Array<{ name: string; image: Bitmap }> = [];
  subscriptions.push(
    loop.events$.subscribe({
      next: (e) => {
        if (live !== undefined) {
          if (e.type === 'tick') {
            const plan = e.decision.mode === 'plan' && controller.lastPlan !== undefined && controller.lastPlanStart !== undefined ? { result: controller.lastPlan, start: controller.lastPlanStart } : undefined;
            // Link frames for display only (a robot's TF); read now, while the state is this tick's.
            // The world's own observation of this instant carries the wrist camera and the arm's shapes.
            const sensed = lastSensed !== undefined && compareTimestamps(lastSensed.stamp, e.observation.stamp) === 0 ? { sensed: lastSensed } : {};
            live.tick({ ...e, ...sensed, ...(plan === undefined ? {} : { plan }), ...(controller.lastLatent === undefined ? {} : { latent: controller.lastLatent }), linkFrames: () => env.linkFrames() });
            controller.keepElites = live.planElites;
          } else if (e.type === 'goal') {
            live.goal(e.goal);
          }
        }
        if (e.type === 'tick' && controller.explore && e.decision.info?.predictionError !== undefined) {
          errorSum += e.decision.info.predictionError;
          errorCount++;
        } else if (e.type === 'safe_stop') {
          // In lockstep nothing is ever late, so a safe stop means something is wrong: say so.
          logger.warn('safe stop', { reason: e.reason });
        } else if (e.type === 'input_fault') {
          logger.warn(`${e.fault === 'rejected' ? 'sensor message refused' : 'clock jump'}: ${e.reason}`, { modality: e.modality });
        }
      },
      error: (err: unknown) => logger.error(`control loop failed: ${(err as Error).message}`),
    }),
  );

  // Episode bookkeeping: frames to the learner (practice only), outcome to the driver.
  let current:
    | { resolve: (o: EpisodeOutcome) => void; reject: (error: Error) => void; feed: boolean; episodeId: number; success: boolean; capture?: EpisodeCapture }
    | undefined;
  let previous: Observation | undefined;
  let learnerEpisode = 0;
  let envSteps = 0;
  let practiceSteps = 0;
  // Measurement only: reads the true state the agent never sees.
  const meter = new InteractionMeter();
  const onWorldEvent = (e: SimWorldEvent): void => {
    lastSensed = e.type === 'reset' ? e.observation : e.result?.observation;
    if (!current) return;
    const sequence = current.capture?.sequence;
    if (e.type === 'reset') {
      previous = e.observation;
      meter.start(env.trueState());
      sequence?.tiles.push(sceneFrame(env));
      return;
    }
    const result = e.result!;
    const state = env.trueState();
    meter.step(state);
    envSteps++;
    const last = result.done || result.success;
    if (sequence !== undefined && (result.step % sequence.every === 0 || last)) sequence.tiles.push(sceneFrame(env));
    if (current.feed) practiceSteps++;
    if (current.feed && previous) learner.add(previous, result.action.values, current.episodeId);
    previous = result.observation;
    current.success ||= result.success;
    if (last) {
      if (current.feed) learner.add(result.observation, undefined, current.episodeId);
      // Rendered again from the simulator at the episode's end, not the model's small noisy images.
      const capture = current.capture;
      if (capture !== undefined) {
        frames.push({ name: capture.frame, image: goalBesideAchieved(env) });
        if (capture.sequence !== undefined) frames.push({ name: capture.sequence.name, image: sequenceSheet(capture.sequence.tiles) });
      }
      const outcome: EpisodeOutcome = { success: current.success, steps: result.step, finalDistance: goalDistance(state), interaction: meter.end() };
      const done = current.resolve;
      live?.episode({ practice: current.feed, task: state.task, split: state.split, success: outcome.success });
      current = undefined;
      done(outcome);
    }
  };
  subscriptions.push(
    world.events$.subscribe((e) => {
      try {
        onWorldEvent(e);
      } catch (error) {
        // E.g. a learner that failed for good: the episode, and so the run, fails with its error.
        const failed = current;
        current = undefined;
        failed?.reject(error as Error);
      }
    }),
  );

  const episodeRng = rng.fork('episodes');
  const finalEpisodes = options.finalEvalEpisodes ?? options.evalEpisodes;
  const interrupted = (): boolean => options.signal?.aborted === true;
  const runEpisode = (seed: number, task: TaskName, split: SplitName, practice: boolean, capture?: EpisodeCapture): Promise<EpisodeOutcome> =>
    new Promise((resolveEpisode, rejectEpisode) => {
      if (interrupted()) {
        rejectEpisode(new RunInterrupted());
        return;
      }
      // Abandoned at once on abort: the world's next events find no episode.
      const onAbort = (): void => {
        current = undefined;
        rejectEpisode(new RunInterrupted());
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const settle = (): void => options.signal?.removeEventListener('abort', onAbort);
      const resolve = (outcome: EpisodeOutcome): void => {
        settle();
        resolveEpisode(outcome);
      };
      const reject = (error: Error): void => {
        settle();
        rejectEpisode(error);
      };
      // Every episode starts with the freshest weights; an evaluation episode then keeps them to
      // its end, so it measures one model (weights changing mid-episode cost reach and push
      // success: the final checkpoint evaluated frozen did better than the run's final round).
      learner.holdWeights?.(false);
      if (!practice) learner.holdWeights?.(true);
      controller.explore = practice;
      // One draw per episode: babbling, object play, or planning toward the episode's goal.
      const draw = episodeRng.next();
      const { babbleEpisodeFraction, play } = config.agent.exploration;
      controller.babbleEpisode = practice && draw < babbleEpisodeFraction;
      controller.playEpisode = practice && draw >= babbleEpisodeFraction && draw < babbleEpisodeFraction + play.fraction;
      controller.resetEpisode();
      // Elites for the live view's plan markers from the episode's first plan on, while they are watched.
      if (live !== undefined) controller.keepElites = live.planElites;
      current = { resolve, reject, feed: practice, episodeId: practice ? learnerEpisode++ : -1, success: false, ...(capture === undefined ? {} : { capture }) };
      world.reset(seed, { task, split });
    });

  logger.info('measuring the random-action baseline on the evaluation seeds');
  const baseline = interrupted() ? [] : runBaselines(env, { ...config, seed: 0 }, {
    tasks: [...options.tasks],
    splits: [...options.evalSplits],
    episodes: Math.max(options.evalEpisodes, finalEpisodes),
    controllers: ['random'],
    seedOf: (episode) => EVAL_SEED_BASE + episode,
    logger,
  }).cells;

  const evaluations: EvaluationRound[] = [];
  const practiceSuccess: Array<{ elapsedS: number; task: TaskName; success: boolean }> = [];
  const practiceInteractions: Array<{ task: TaskName; interaction: EpisodeInteraction }> = [];
  let practiceAtLastRound = 0;
  const perTask = (episodes: typeof practiceInteractions): TaskInteraction[] =>
    options.tasks.map((task) => ({ task, ...interactionStats(episodes.filter((p) => p.task === task).map((p) => p.interaction)) }));
  let practiceEpisodes = 0;

  const evaluate = async (final: boolean): Promise<void> => {
    logger.info(final ? 'final evaluation' : 'evaluation round', { round: evaluations.length + 1 });
    const evalStart = elapsedS();
    const episodes = final ? finalEpisodes : options.evalEpisodes;
    const cells: EvaluationRound['cells'][number][] = [];
    // The sequence sheet follows the first episode of the train split (or of the first split evaluated).
    const sequenceSplit = options.evalSplits.includes('train') ? 'train' : options.evalSplits[0];
    // The first tick, every k-th and the last: at most SEQUENCE_TILES tiles.
    const every = Math.max(1, Math.ceil(config.sim.episodeSteps / (SEQUENCE_TILES - 2)));
    for (const task of options.tasks) {
      for (const split of options.evalSplits) {
        let successes = 0;
        let distanceSum = 0;
        const interactions: EpisodeInteraction[] = [];
        for (let k = 0; k < episodes; k++) {
          const capture: EpisodeCapture | undefined =
            final && k === 0
              ? { frame: `${task}_${split}`, ...(split === sequenceSplit ? { sequence: { name: `${task}_sequence`, every, tiles: [] } } : {}) }
              : undefined;
          const outcome = await runEpisode(EVAL_SEED_BASE + k, task, split, false, capture);
          if (outcome.success) successes++;
          distanceSum += outcome.finalDistance;
          interactions.push(outcome.interaction);
        }
        cells.push({ task, split, episodes, successRate: successes / episodes, meanFinalDistance: distanceSum / episodes, interaction: interactionStats(interactions) });
      }
    }
    const practiceInteraction = perTask(practiceInteractions.slice(practiceAtLastRound));
    practiceAtLastRound = practiceInteractions.length;
    const progress = learner.progress();
    const round: EvaluationRound = { elapsedS: elapsedS(), practiceEpisodes, envSteps, learnerSteps: progress.steps, replayMovingShare: progress.movingShare, cells, practiceInteraction };
    evaluations.push(round);
    evalSPerEpisode = (elapsedS() - evalStart) / episodes;
    logger.info('evaluation', { ...round, stanceMoments: controller.stanceMoments, cells: cells.map((c) => `${c.task}/${c.split}: ${(100 * c.successRate).toFixed(0)}%`) });
  };

  // Until the first evaluation, an estimate of one evaluation episode per cell: full length, 0.1 s a tick.
  let evalSPerEpisode = options.tasks.length * options.evalSplits.length * config.sim.episodeSteps * 0.1;
  // The scripted-subgoals baseline after the final round plans like the agent on its tasks, to
  // the step limit (the agent's episodes end at success): counted as half as long again.
  const baselineShare =
    options.finalBaselines === false ? 0 : (1.5 * options.tasks.filter((t) => baselineApplies('scripted-subgoals', t)).length) / options.tasks.length;
  /** Time the final evaluation (and the baselines after it) will take, from the last round's pace. */
  const finalEvalS = (): number => evalSPerEpisode * finalEpisodes * (1 + baselineShare);
  const budgetDone = (): boolean =>
    options.budgetSteps !== undefined ? practiceSteps >= options.budgetSteps : elapsedS() + finalEvalS() >= options.budgetMinutes * 60;
  const fraction = (): number =>
    Math.min(1, options.budgetSteps !== undefined ? practiceSteps / options.budgetSteps : (elapsedS() + finalEvalS()) / (options.budgetMinutes * 60));

  let interruptedBy: string | undefined;
  try {
    while (!budgetDone()) {
      const task = options.tasks[practiceEpisodes % options.tasks.length];
      const seed = (config.seed * 1_000_003 + practiceEpisodes) >>> 0;
      const outcome = await runEpisode(seed, task, options.practiceSplit ?? 'train', true);
      practiceEpisodes++;
      learner.afterEpisode?.();
      practiceSuccess.push({ elapsedS: elapsedS(), task, success: outcome.success });
      practiceInteractions.push({ task, interaction: outcome.interaction });
      const progress = learner.progress();
      live?.learner(progress);
      if (progress.loss) losses.push({ elapsedS: elapsedS(), step: progress.steps, terms: progress.loss });
      if (errorCount > 0) {
        predictionError.push({ elapsedS: elapsedS(), value: errorSum / errorCount });
        errorSum = 0;
        errorCount = 0;
      }
      const last = evaluations.at(-1);
      const evalText = last ? ` | ${last.cells.map((c) => `${c.task}/${c.split} ${(100 * c.successRate).toFixed(0)}%`).join(' ')}` : '';
      options.onProgress?.(
        fraction(),
        `episodes ${practiceEpisodes} steps ${envSteps} learner ${progress.steps}${evalText}${controller.babbling ? ' | babbling' : ''}`,
      );
      // A periodic evaluation right before the final one would only spend the budget twice.
      const finalIsNear =
        options.budgetSteps === undefined ? elapsedS() + finalEvalS() + evalSPerEpisode * options.evalEpisodes >= options.budgetMinutes * 60 : budgetDone();
      if (practiceEpisodes % options.evalEvery === 0 && !finalIsNear) await evaluate(false);
    }
    await evaluate(true);
  } catch (error) {
    if (!(error instanceof RunInterrupted)) throw error;
    interruptedBy = String(options.signal?.reason ?? 'interrupted');
    logger.warn(`run interrupted (${interruptedBy}) after ${practiceEpisodes} practice episodes: no final evaluation, no final baselines`);
  } finally {
    subscriptions.forEach((s) => s.unsubscribe());
    world.close();
  }
  // The world stands still now; the weights of the final round's last episode are still held.
  if (options.finalBaselines !== false && interruptedBy === undefined) logger.info('final baselines on the final round\'s seeds');
  const finalBaselines =
    options.finalBaselines === false || interruptedBy !== undefined
      ? []
      : runBaselines(env, { ...config, seed: 0 }, {
          tasks: [...options.tasks],
          splits: [...options.evalSplits],
          episodes: finalEpisodes,
          controllers: ['scripted-subgoals', 'scripted'],
          model,
          modelLabel: 'the run\'s final model',
          seedOf: (episode) => EVAL_SEED_BASE + episode,
          frames: false,
          logger,
        }).cells;
  const fusion = model.fusionWeights();
  return {
    seed: config.seed,
    durationS: elapsedS(),
    practiceEpisodes,
    envSteps,
    baseline,
    finalBaselines,
    evaluations,
    losses,
    predictionError,
    practiceSuccess,
    practiceInteraction: perTask(practiceInteractions),
    loop: loop.metrics.summary(),
    learnerRestarts: learner.progress().restarts,
    ...(interruptedBy === undefined ? {} : { interrupted: interruptedBy }),
    fusionWeights: { ...fusion },
    frames,
  };
}
