import { PlanningController } from '../../agent/controllers/PlanningController.js';
import { StanceMemory } from '../../agent/controllers/StanceMemory.js';
import type { Config } from '../../core/config/Config.js';
import type { SplitName } from '../../core/config/simConfig.js';
import { Rng } from '../../core/Rng.js';
import type { Observation } from '../../core/Observation.js';
import type { WorldModel } from '../../model/worldModel.js';
import { scriptedPolicy } from '../../sim/scriptedPolicy.js';
import type { SimEnv } from '../../sim/SimEnv.js';

/**
 * Where the learned planner takes over: `home`, the episode's start (as the main job
 * evaluates), or `pre-push`, where the true-state scripted pusher (the report's ceiling) has
 * brought the hand behind the object on the line to the goal. The two separate the two halves
 * of a push: getting the hand in place, and pushing from there.
 */
export type PushStart = 'home' | 'pre-push';
export const PUSH_STARTS: readonly PushStart[] = ['home', 'pre-push'];

export interface PushDiagnosisOptions {
  readonly episodes: number;
  readonly splits: readonly SplitName[];
  readonly starts: readonly PushStart[];
  readonly seed: number;
  /** The pre-push pose: this far behind the object's middle on the line from the goal, metres. */
  readonly behind: number;
  /** ...with the tool below this height in the simulation's base frame (the table's top is 0), metres. */
  readonly maxHeight: number;
  /**
   * Object-play episodes (train split, exploration on, the checkpoint unchanged) played first
   * so that the stance (agent.planning.objectFirst.stance) has practice moments, as the main
   * job's final evaluation has from its practice; 0, or the stance off: none.
   */
  readonly practiceEpisodes: number;
  readonly onProgress?: (done: number, total: number, line: string) => void;
}

export const DEFAULT_PUSH_DIAGNOSIS = { behind: 0.07, maxHeight: 0.03, practiceEpisodes: 40 } as const;

/** One cell: a split and a start, averaged over its episodes. */
export interface PushDiagnosisCell {
  readonly split: SplitName;
  readonly start: PushStart;
  /** Episodes the planner played from this start (pre-push: those where the scripted pusher got there). */
  readonly episodes: number;
  /** Pre-push episodes where the scripted pusher never reached the pose within the episode's first half. */
  readonly notReached: number;
  readonly successes: number;
  readonly successRate: number;
  /** Object to goal, planar, when the planner took over and at the end, metres. */
  readonly meanStartDistance: number;
  readonly meanFinalDistance: number;
  /** How far the object went from where the planner took over, planar, metres. */
  readonly meanObjectMoved: number;
  /** Closest the hand came to the object's middle under the planner, metres. */
  readonly meanClosestHand: number;
  /** Ticks in which the object moved more than 2 mm. */
  readonly meanMovingTicks: number;
  /** Progress toward the goal made in those ticks (negative: away), metres. */
  readonly meanProgress: number;
  /** Cosine between the planner's first horizontal action and the object-to-goal direction. */
  readonly meanFirstActionCosine: number;
  /** The way to the stance (agent.planning.objectFirst.stance), over the episodes that had one. */
  readonly stance: StanceSummary;
  /** Where the hand was when pushing began, over the episodes where it did. */
  readonly pushStart: PushStartSummary;
  /** The planner's actions from then on, over the same episodes. */
  readonly pushActions: PushActionSummary;
  /** Episodes and successes by the pushed object's shape (sim/objects.json), in the order the cell's episodes first met each. */
  readonly byShape: readonly ShapeCount[];
}

/** A cell's episodes whose object had one shape, and how many of them succeeded. */
export interface ShapeCount {
  readonly shape: string;
  readonly episodes: number;
  readonly successes: number;
}

/**
 * The hand when pushing began: at the tick the stance was reached, or at the planner's first
 * tick when it chose none (e.g. the pre-push start, already there). Relative to the object's
 * true middle at that tick, in the frame of its line to the goal (see StanceSummary), metres.
 */
export interface PushStartSummary {
  readonly episodes: number;
  readonly meanTick: number;
  readonly meanBehind: number;
  readonly meanAcross: number;
  readonly meanAbove: number;
}

/**
 * The planner's actions once pushing began (see PushStartSummary), per tick, averaged over
 * an episode's push ticks and then over episodes: how steady the push is.
 */
export interface PushActionSummary {
  readonly episodes: number;
  /** Cosine between the commanded planar hand motion and the object's current direction to the goal (1: straight along it). */
  readonly meanCosine: number;
  /** Planar change of the commanded hand motion from the tick before, metres. */
  readonly meanChange: number;
  /** Share of ticks whose gripper command (the last action component) changed sign from the tick before. */
  readonly gripperFlips: number;
}

/**
 * How the hand got to its stance in a cell's episodes that chose one: the half of a push
 * before any pushing is meant to happen. Geometry in the frame of the line from the object's
 * true starting place to the goal; distances in metres, NaN where no episode counts.
 */
export interface StanceSummary {
  /** Episodes whose controller chose a stance. */
  readonly episodes: number;
  /** ...and whose hand then reached it (within objectFirst.stance.arrive). */
  readonly reached: number;
  /** The tick the stance was reached, over those that reached it. */
  readonly meanReachTick: number;
  /** Episodes in which the arm touched the object on its way to the stance (before reaching it, or all along when it never did). */
  readonly touchedOnTheWay: number;
  /** How far the object had moved (planar) when the stance was reached, or by the end when it never was. */
  readonly meanMovedOnTheWay: number;
  /** The stance behind the object's middle along the line (positive: on the side away from the goal). */
  readonly meanBehind: number;
  /** Its distance off the line, either side. */
  readonly meanAcross: number;
  /** Its height above the object's middle. */
  readonly meanAbove: number;
}

export interface PushDiagnosisReport {
  readonly options: Omit<PushDiagnosisOptions, 'onProgress'>;
  /** Practice moments the stance memory held after the practice episodes (0: no stance). */
  readonly stanceMoments: number;
  readonly cells: PushDiagnosisCell[];
}

interface EpisodeRow {
  readonly shape: string;
  readonly success: boolean;
  readonly startDistance: number;
  readonly finalDistance: number;
  readonly moved: number;
  readonly closestHand: number;
  readonly movingTicks: number;
  readonly progress: number;
  readonly firstCosine: number;
  readonly stance: StanceRow | undefined;
  /** Undefined when a stance was chosen and never reached. */
  readonly pushStart: ({ readonly tick: number } & LineOffset) | undefined;
  /** Undefined where pushStart is, or where the push had no tick after its first. */
  readonly pushActions: PushActionRow | undefined;
}

/** One episode's push ticks (see PushActionSummary). */
interface PushActionRow {
  readonly cosine: number;
  readonly change: number;
  readonly gripperFlips: number;
}

/** A point relative to the object's middle in the frame of its line to the goal: behind it (away from the goal), off the line, above. */
interface LineOffset {
  readonly behind: number;
  readonly across: number;
  readonly above: number;
}

/** One episode's way to its stance (see StanceSummary). */
interface StanceRow {
  readonly reachTick: number | undefined;
  readonly touchedOnTheWay: boolean;
  readonly movedOnTheWay: number;
  readonly behind: number;
  readonly across: number;
  readonly above: number;
}

/** Moves under this per tick, metres, are contact noise rather than a push. */
const MOVING = 0.002;
const SEED_BASE = 7_000_000;
const PRACTICE_SEED_BASE = 5_000_000;

/**
 * The learned agent on `push`, planning exactly as the main job's evaluation does
 * (PlanningController from the config, no exploration), from each start, with what the true
 * state says about it: success, distances, the closest approach, and the ticks that moved
 * the object. The true state is used for these labels and by the scripted pusher that makes
 * the pre-push start only; the planner sees observations, as in every run.
 */
export function runPushDiagnosis(env: SimEnv, model: WorldModel, config: Readonly<Config>, options: PushDiagnosisOptions): PushDiagnosisReport {
  const { onProgress, ...kept } = options;
  const cells: PushDiagnosisCell[] = [];
  const total = options.splits.length * options.starts.length * options.episodes;
  let done = 0;
  const stanceMemory = practise(env, model, config, options, total);
  for (const split of options.splits) {
    for (const start of options.starts) {
      const rows: EpisodeRow[] = [];
      let notReached = 0;
      for (let k = 0; k < options.episodes; k++) {
        const row = pushEpisode(env, model, config, split, start, options.seed + SEED_BASE + k, options, stanceMemory);
        if (row === undefined) notReached++;
        else rows.push(row);
        onProgress?.(++done, total, `${split} ${start}`);
      }
      cells.push(summarise(split, start, rows, notReached));
    }
  }
  return { options: kept, stanceMoments: stanceMemory?.size ?? 0, cells };
}

/** The practice moments of the stance, from object play with the checkpoint as it is; undefined when the stance is off or there is no practice. */
function practise(env: SimEnv, model: WorldModel, config: Readonly<Config>, options: PushDiagnosisOptions, total: number): StanceMemory | undefined {
  const stance = config.agent.planning.objectFirst.stance;
  if (!stance.enabled || !config.agent.planning.objectFirst.enabled || options.practiceEpisodes === 0) return undefined;
  const stanceMemory = new StanceMemory(stance.memory, stance.refresh, stance.steps);
  // The checkpoint is trained: no babbling phase (its ticks count from this controller's first decision).
  const exploration = { ...config.agent.exploration, babbleSteps: 0 };
  const controller = PlanningController.fromConfig(model, { ...config, agent: { ...config.agent, exploration } }, env.actionSpace, new Rng(options.seed + PRACTICE_SEED_BASE), { stanceMemory });
  for (let e = 0; e < options.practiceEpisodes; e++) {
    let observation = env.reset(options.seed + PRACTICE_SEED_BASE + e, { task: 'push', split: 'train' });
    controller.explore = true;
    controller.playEpisode = true;
    controller.resetEpisode();
    controller.setGoal(env.goalObservation());
    for (let t = 0; t < config.sim.episodeSteps; t++) observation = env.step(controller.decide(observation).values).observation;
    options.onProgress?.(0, total, `object play ${e + 1}/${options.practiceEpisodes}`);
  }
  return stanceMemory;
}

function pushEpisode(
  env: SimEnv,
  model: WorldModel,
  config: Readonly<Config>,
  split: SplitName,
  start: PushStart,
  seed: number,
  options: PushDiagnosisOptions,
  stanceMemory: StanceMemory | undefined,
): EpisodeRow | undefined {
  let observation: Observation = env.reset(seed, { task: 'push', split });
  const goalObservation = env.goalObservation();
  const steps = config.sim.episodeSteps;
  let tick = 0;
  if (start === 'pre-push') {
    const pusher = scriptedPolicy('push', env.actionSpace);
    for (; ; tick++) {
      if (tick >= steps / 2) return undefined;
      const state = env.trueState();
      if (atPrePush(state.toolPosition, state.objects[0].position, state.goal.position, options)) break;
      observation = env.step(pusher.act(state)).observation;
    }
  }
  const controller = PlanningController.fromConfig(model, config, env.actionSpace, new Rng(seed), stanceMemory === undefined ? {} : { stanceMemory });
  controller.explore = false;
  controller.resetEpisode();
  controller.setGoal(goalObservation);
  const first = env.trueState();
  const goal = first.goal.position;
  const object0 = first.objects[0].position;
  const toGoal = (p: readonly number[]): number => Math.hypot(p[0] - goal[0], p[1] - goal[1]);
  let success = first.success;
  let closestHand = Number.POSITIVE_INFINITY;
  let movingTicks = 0;
  let progress = 0;
  let firstCosine = Number.NaN;
  // The stance the controller chose (fixed for the episode), when it was reached, and what the way there did.
  let stance: [number, number, number] | undefined;
  let reachTick: number | undefined;
  let touchedOnTheWay = false;
  let movedOnTheWay = 0;
  let pushStart: ({ tick: number } & LineOffset) | undefined;
  const push = { ticks: 0, cosine: 0, change: 0, flips: 0 };
  let previous: Float32Array | undefined;
  // The true state as the planner decides: the episode's first, then each step's.
  let now = first;
  // trueState() returns fresh arrays: the last tick's object place is the next tick's "before".
  let end = object0;
  for (; tick < steps && !success; tick++) {
    const decision = controller.decide(observation);
    if (Number.isNaN(firstCosine)) firstCosine = planarCosine(decision.values, [goal[0] - object0[0], goal[1] - object0[1]]);
    stance ??= controller.lastStance;
    if (stance !== undefined && reachTick === undefined && controller.lastStanceTarget === undefined && controller.lastObjectTarget !== undefined) reachTick = tick;
    // The planner's first tick, or (overriding it) the tick the stance was reached.
    if ((stance === undefined && pushStart === undefined) || reachTick === tick) pushStart = { tick, ...lineFrame(now.toolPosition, now.objects[0].position, goal) };
    if (pushStart !== undefined && (stance === undefined || reachTick !== undefined)) {
      const a = decision.values;
      const place = now.objects[0].position;
      if (previous !== undefined) {
        const g = a.length - 1;
        push.ticks++;
        push.cosine += planarCosine(a, [goal[0] - place[0], goal[1] - place[1]]);
        push.change += Math.hypot(a[0] - previous[0], a[1] - previous[1]);
        if (Math.sign(a[g]) !== Math.sign(previous[g])) push.flips++;
      }
      previous = a;
    }
    const before = end;
    observation = env.step(decision.values).observation;
    const state = env.trueState();
    now = state;
    const object = state.objects[0].position;
    if (stance !== undefined && reachTick === undefined) {
      touchedOnTheWay ||= state.armTouchesObject;
      movedOnTheWay = Math.hypot(object[0] - object0[0], object[1] - object0[1]);
    }
    closestHand = Math.min(closestHand, Math.hypot(state.toolPosition[0] - object[0], state.toolPosition[1] - object[1], state.toolPosition[2] - object[2]));
    if (Math.hypot(object[0] - before[0], object[1] - before[1]) > MOVING) {
      movingTicks++;
      progress += toGoal(before) - toGoal(object);
    }
    success = state.success;
    end = object;
  }
  return {
    shape: first.objects[0].shape,
    success,
    startDistance: toGoal(object0),
    finalDistance: toGoal(end),
    moved: Math.hypot(end[0] - object0[0], end[1] - object0[1]),
    closestHand: Number.isFinite(closestHand) ? closestHand : Number.NaN,
    movingTicks,
    progress,
    firstCosine,
    stance: stance === undefined ? undefined : { reachTick, touchedOnTheWay, movedOnTheWay, ...lineFrame(stance, object0, goal) },
    // A stance chosen and never reached: no push began.
    pushStart: stance !== undefined && reachTick === undefined ? undefined : pushStart,
    pushActions: push.ticks === 0 ? undefined : { cosine: push.cosine / push.ticks, change: push.change / push.ticks, gripperFlips: push.flips / push.ticks },
  };
}

/** `point` relative to the object's middle in the frame of the object-to-goal line: behind it (away from the goal), off the line, above. */
function lineFrame(point: readonly number[], object: readonly number[], goal: readonly number[]): LineOffset {
  const n = Math.hypot(goal[0] - object[0], goal[1] - object[1]) || 1;
  const u = [(goal[0] - object[0]) / n, (goal[1] - object[1]) / n];
  const d = [point[0] - object[0], point[1] - object[1]];
  return { behind: -(d[0] * u[0] + d[1] * u[1]), across: Math.abs(-d[0] * u[1] + d[1] * u[0]), above: point[2] - object[2] };
}

/** The hand within 2 cm (planar) of the point `behind` the object on the goal line, and low. */
function atPrePush(hand: readonly number[], object: readonly number[], goal: readonly number[], options: PushDiagnosisOptions): boolean {
  const { behind, across } = lineFrame(hand, object, goal);
  return hand[2] < options.maxHeight && Math.hypot(behind - options.behind, across) < 0.02;
}

function planarCosine(action: ArrayLike<number>, direction: readonly number[]): number {
  const a = Math.hypot(action[0], action[1]);
  const d = Math.hypot(direction[0], direction[1]);
  return a === 0 || d === 0 ? 0 : (action[0] * direction[0] + action[1] * direction[1]) / (a * d);
}

function summarise(split: SplitName, start: PushStart, rows: readonly EpisodeRow[], notReached: number): PushDiagnosisCell {
  const mean = (f: (r: EpisodeRow) => number): number => meanOf(rows.map(f));
  const successes = rows.filter((r) => r.success).length;
  return {
    split,
    start,
    episodes: rows.length,
    notReached,
    successes,
    successRate: rows.length === 0 ? Number.NaN : successes / rows.length,
    meanStartDistance: mean((r) => r.startDistance),
    meanFinalDistance: mean((r) => r.finalDistance),
    meanObjectMoved: mean((r) => r.moved),
    meanClosestHand: mean((r) => r.closestHand),
    meanMovingTicks: mean((r) => r.movingTicks),
    meanProgress: mean((r) => r.progress),
    meanFirstActionCosine: mean((r) => r.firstCosine),
    stance: summariseStances(rows.flatMap((r) => (r.stance === undefined ? [] : [r.stance]))),
    pushStart: summarisePushStarts(rows.flatMap((r) => (r.pushStart === undefined ? [] : [r.pushStart]))),
    pushActions: summarisePushActions(rows.flatMap((r) => (r.pushActions === undefined ? [] : [r.pushActions]))),
    byShape: countByShape(rows),
  };
}

function countByShape(rows: readonly EpisodeRow[]): ShapeCount[] {
  const counts = new Map<string, { episodes: number; successes: number }>();
  for (const r of rows) {
    const c = counts.get(r.shape) ?? { episodes: 0, successes: 0 };
    counts.set(r.shape, { episodes: c.episodes + 1, successes: c.successes + (r.success ? 1 : 0) });
  }
  return [...counts].map(([shape, c]) => ({ shape, ...c }));
}

function summarisePushStarts(starts: readonly ({ readonly tick: number } & LineOffset)[]): PushStartSummary {
  return {
    episodes: starts.length,
    meanTick: meanOf(starts.map((s) => s.tick)),
    meanBehind: meanOf(starts.map((s) => s.behind)),
    meanAcross: meanOf(starts.map((s) => s.across)),
    meanAbove: meanOf(starts.map((s) => s.above)),
  };
}

function summarisePushActions(rows: readonly PushActionRow[]): PushActionSummary {
  return {
    episodes: rows.length,
    meanCosine: meanOf(rows.map((r) => r.cosine)),
    meanChange: meanOf(rows.map((r) => r.change)),
    gripperFlips: meanOf(rows.map((r) => r.gripperFlips)),
  };
}

function summariseStances(rows: readonly StanceRow[]): StanceSummary {
  const reachTicks = rows.flatMap((r) => (r.reachTick === undefined ? [] : [r.reachTick]));
  return {
    episodes: rows.length,
    reached: reachTicks.length,
    meanReachTick: meanOf(reachTicks),
    touchedOnTheWay: rows.filter((r) => r.touchedOnTheWay).length,
    meanMovedOnTheWay: meanOf(rows.map((r) => r.movedOnTheWay)),
    meanBehind: meanOf(rows.map((r) => r.behind)),
    meanAcross: meanOf(rows.map((r) => r.across)),
    meanAbove: meanOf(rows.map((r) => r.above)),
  };
}

/** The mean; NaN for none. */
function meanOf(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}
