import * as tf from '@tensorflow/tfjs';
import type { ActionSpace } from '../../core/Action.js';
import { agentConfigSchema } from '../../core/config/agentConfig.js';
import type { AgentConfig } from '../../core/config/agentConfig.js';
import type { Config } from '../../core/config/Config.js';
import type { Observation } from '../../core/Observation.js';
import { compactFromFrames } from '../../learn/CompactFrame.js';
import { framesFromObservations, needsObjectMotion, objectMotionBetween } from '../../model/frames.js';
import type { ModelFrames } from '../../model/frames.js';
import type { Rng } from '../../core/Rng.js';
import { endEffectorIndices } from '../../model/proprioVector.js';
import { NoModalityError } from '../../model/worldModel.js';
import type { WorldModel } from '../../model/worldModel.js';
import { restingClusters } from '../../perception/index.js';
import type { PerceivedCluster } from '../../perception/index.js';
import { getPlanner } from '../../plan/getPlanner.js';
import type { Planner, PlannerConfig, PlanResult } from '../../plan/Planner.js';
import { plannerConfig } from '../../plan/plannerConfig.js';
import type { Controller, Decision, DecisionMode } from '../Controller.js';
import { Babbler } from './Babbler.js';
import { handTargetConfig } from './handTarget.js';
import { ObjectPlay } from './ObjectPlay.js';
import { stanceClearance } from './stanceClearance.js';
import { handPushAction, StanceMemory } from './StanceMemory.js';


export interface PlanningControllerOptions {
  /** The practice moments of the stance (objectFirst.stance) to share with other controllers: e.g. one per evaluation episode, all fed by one practice. */
  readonly stanceMemory?: StanceMemory;
}

/**
 * Mode-2 control, for every task: encode the observation, plan an action sequence in latent
 * space toward the goal's encoding, execute the first action, warm-start the next plan from the rest.
 * While the model is young it babbles instead; afterwards it adds a little exploration
 * noise. It also measures how well the model predicted what just happened (the one-step
 * latent prediction error of the previous action), which reports and curiosity use.
 *
 * A goal given as images only is compared with the current observation encoded from the same
 * modalities (`planning.matchGoalModalities`), and the planner also gets the end-effector slots
 * of the decoded proprioception (`planning.endEffectorGoal`), so that `plan.cost.proprioGoalWeight`
 * can pull the predicted hand toward where the model reads the hand in the goal image.
 */
export class PlanningController implements Controller {
  readonly #model: WorldModel;
  readonly #planner: Planner;
  readonly #plannerConfig: PlannerConfig;
  readonly #space: ActionSpace;
  readonly #exploration: AgentConfig['exploration'];
  readonly #rng: Rng;
  readonly #babbler: Babbler;
  readonly #play: ObjectPlay;
  readonly #planning: AgentConfig['planning'];
  #goal: Float32Array | undefined;
  /** The goal as observed, and the model weights its latent was encoded with: new weights (the learner's) re-encode it. */
  #goalObservation: Observation | undefined;
  #goalWeightsVersion = 0;
  /** Whether the goal observation had proprioception: if not, neither does the encoded current one. */
  #goalHasProprio = true;
  /** Where the goal observation's cloud shows objects (agent.planning.objectFirst). */
  #goalObjects: [number, number, number][] = [];
  /**
   * Whether the goal asks for an object to move: decided at the first plan after the goal is
   * set (an object out of its goal place then), undefined before. A goal that only moves the
   * arm never turns to objects, even when the hand nudges one on the way.
   */
  #goalMovesObjects: boolean | undefined;
  /** Goal-distance weights of the object-first cost: 1 on the part that sees objects (objectPartWeights); undefined when the model has none. */
  readonly #objectPartWeights: Float32Array | undefined;
  /** Practice moments near objects, for the stance (objectFirst.stance); undefined where it is off or cannot work (no object or hand head, not an end-effector space). */
  readonly #stanceMemory: StanceMemory | undefined;
  /** This episode's stance: undefined until its first object-first plan, null when there is none. */
  #stance: { offset: Vec3; target: Vec3; reached: boolean } | null | undefined;
  #warmStart: Float32Array | undefined;
  /** Where perception saw the object at the last decision of this episode (NaN where it saw none): the object's motion is measured from it (objectView.motion). */
  #previousPlace: Float32Array | undefined;
  /** The planned action being held (plan.actionRepeat) and the ticks it still has. */
  #held: Float32Array | undefined;
  #heldLeft = 0;
  #predictedNext: Float32Array | undefined;
  /** The action last sent: holding still keeps its gripper command (see #reference). */
  #lastAction: Float32Array | undefined;
  /** The action executed last in this episode (the smoothness cost's reference); none at an episode's start. */
  #episodeLastAction: Float32Array | undefined;
  #decisions = 0;
  /** Curiosity: running one-step prediction error per direction bin of the action (signs of its first three components). */
  readonly #binError = new Float64Array(8).fill(Number.POSITIVE_INFINITY);
  #lastBin = -1;
  /** When false, no babbling and no noise: evaluation episodes. */
  explore = true;
  lastPlan: PlanResult | undefined;
  /** The latent the last plan started from: with lastPlan, what a live view needs to draw the plan's predicted hand path. */
  lastPlanStart: Float32Array | undefined;
  /** The latent of the last decision's observation, planned or not (a live view reads the hand and object in it). */
  lastLatent: Float32Array | undefined;
  /** Elites each plan returns besides the best sequence (PlanResult.elites), for a live view; 0: none (the default, nothing read back). */
  keepElites = 0;

  constructor(
    model: WorldModel,
    planner: Planner,
    plannerConfig: PlannerConfig,
    space: ActionSpace,
    exploration: AgentConfig['exploration'],
    rng: Rng,
    planning: AgentConfig['planning'] = agentConfigSchema.parse({}).planning,
    options: PlanningControllerOptions = {},
  ) {
    if (model.actionDim !== space.names.length) {
      throw new RangeError(`planning controller: the model takes ${model.actionDim} action values, the action space ${space.kind} has ${space.names.length}`);
    }
    this.#model = model;
    this.#planner = planner;
    this.#planning = planning;
    this.#plannerConfig =
      planning.endEffectorGoal && model.decodeProprio !== undefined && plannerConfig.proprioGoal === undefined
        ? Object.freeze({ ...plannerConfig, proprioGoal: { indices: endEffectorIndices(model.config.proprio.dim) } })
        : plannerConfig;
    this.#space = space;
    this.#exploration = exploration;
    this.#rng = rng;
    this.#babbler = new Babbler(space, exploration.babbleHoldSteps, rng.fork('babble'));
    this.#play = new ObjectPlay(model.config.perception, exploration.play, rng.fork('play'));
    this.#objectPartWeights = objectPartWeights(model);
    const stance = planning.objectFirst.stance;
    const stanceWorks = planning.objectFirst.enabled && space.kind === 'ee_delta' && model.decodeObject !== undefined && model.decodeProprio !== undefined;
    this.#stanceMemory = stance.enabled && stanceWorks ? (options.stanceMemory ?? new StanceMemory(stance.memory, stance.refresh, stance.steps)) : undefined;
  }

  /**
   * The controller a run's config describes: its planner and planner settings for `space`,
   * its exploration and planning options, randomness from `rng`.
   */
  static fromConfig(model: WorldModel, config: Pick<Config, 'plan' | 'agent'>, space: ActionSpace, rng: Rng, options: PlanningControllerOptions = {}): PlanningController {
    return new PlanningController(model, getPlanner(config.plan.planner), plannerConfig(config.plan, space), space, config.agent.exploration, rng, config.agent.planning, options);
  }

  /** Ticks decided so far (babbling included): the babbling schedule counts these. */
  get decisions(): number {
    return this.#decisions;
  }

  /** Set by an experiment for a whole practice episode of babbling after the babbling phase. */
  babbleEpisode = false;

  /** Set by an experiment for a whole practice episode of object play (see ObjectPlay); ignored while not exploring. */
  playEpisode = false;

  /** The hand target of the last decision while playing, for logs and tests. */
  lastPlayTarget: [number, number, number] | undefined;

  /** The perceived object the last decision went for first (agent.planning.objectFirst), for logs and tests. */
  lastObjectTarget: [number, number, number] | undefined;

  /** Where the last decision sent the hand to stand before pushing (objectFirst.stance), for logs and tests: above the stance while approachLift lifts the way. */
  lastStanceTarget: [number, number, number] | undefined;

  /** The stance itself that the last decision sent the hand toward (see lastStanceTarget), for logs and diagnostics. */
  lastStance: [number, number, number] | undefined;

  /** Practice moments the stance memory holds (0 where the stance is off). */
  get stanceMoments(): number {
    return this.#stanceMemory?.size ?? 0;
  }

  get babbling(): boolean {
    return this.explore && (this.babbleEpisode || this.#decisions < this.#exploration.babbleSteps);
  }

  setGoal(goal: Observation): void {
    this.#goal = this.#encodeGoal(goal);
    this.#goalObservation = goal;
    this.#goalWeightsVersion = this.#model.weightsVersion;
    this.#goalHasProprio = goal.proprio !== undefined;
    this.#goalObjects = this.#restingClusters(goal).map((c) => c.middle);
    this.#goalMovesObjects = undefined;
    this.#stance = undefined;
    this.#warmStart = undefined;
    this.#predictedNext = undefined;
    this.#heldLeft = 0;
  }

  /**
   * The goal's latent, or undefined when nothing of it survives perception (a dropped camera
   * frame and an empty cloud): then there is no goal to plan toward, and the agent babbles.
   */
  #encodeGoal(goal: Observation): Float32Array | undefined {
    try {
      return this.#model.encodeObservation(goal);
    } catch (err) {
      if (err instanceof NoModalityError) return undefined;
      throw err;
    }
  }

  /** Forget the previous plan and prediction (a new episode starts from an unrelated state). */
  resetEpisode(): void {
    this.#stanceMemory?.endEpisode();
    this.#warmStart = undefined;
    this.#previousPlace = undefined;
    this.#episodeLastAction = undefined;
    this.#heldLeft = 0;
    this.#goalMovesObjects = undefined;
    this.#stance = undefined;
    this.#predictedNext = undefined;
    this.#play.reset();
  }

  decide(observation: Observation): Decision {
    const start = performance.now();
    if (this.#goalObservation !== undefined && this.#goalWeightsVersion !== this.#model.weightsVersion) {
      // The learner changed the representation: a goal latent from the old weights is not comparable with this one.
      this.#goal = this.#encodeGoal(this.#goalObservation);
      this.#goalWeightsVersion = this.#model.weightsVersion;
      this.#predictedNext = undefined;
    }
    // Perceiving which object is out of place is costly: done before encoding only where the encoding depends on it, else at plan ticks alone.
    const objectsFirst = this.#planning.objectFirst.encodeProprio && this.#goal !== undefined && !this.babbling ? this.#objectsOutOfPlace(observation) : undefined;
    const { latent, frames } = this.#encodeCurrent(observation, objectsFirst?.misplaced !== undefined);
    this.#previousPlace = frames.objectPlace;
    this.lastLatent = latent;
    if (this.explore) this.#remember(observation, frames, latent);
    const predictionError = this.#predictedNext ? meanSquaredDistance(latent, this.#predictedNext) : undefined;
    if (predictionError !== undefined && this.#lastBin >= 0) {
      const e = this.#binError[this.#lastBin];
      this.#binError[this.#lastBin] = Number.isFinite(e) ? 0.9 * e + 0.1 * predictionError : predictionError;
    }
    let values: Float32Array;
    let predictedCost: number | undefined;
    let mode: DecisionMode = 'explore';
    if (this.explore && this.#exploration.curiosity > 0 && this.#rng.next() < this.#exploration.curiosity) {
      values = this.#curiousAction();
      this.#warmStart = undefined;
      this.#heldLeft = 0;
    } else if (this.babbling || !this.#goal) {
      values = this.#babbler.next();
      this.#warmStart = undefined;
      this.#heldLeft = 0;
    } else if (this.#held !== undefined && this.#heldLeft > 0) {
      // Temporal abstraction: the planned action spans plan.actionRepeat ticks.
      this.#heldLeft--;
      mode = 'continue';
      values = Float32Array.from(this.#held);
      if (this.explore && this.#exploration.actionNoise > 0) this.#addNoise(values);
    } else {
      const config = this.#withPreviousAction(this.#configFor(observation, latent, objectsFirst));
      const plan = this.#planner(this.#model, latent, this.#goal, this.keepElites > 0 ? { ...config, keepElites: this.keepElites } : config, this.#rng, this.#warmStart);
      this.lastPlan = plan;
      this.lastPlanStart = latent;
      this.#warmStart = plan.actions;
      predictedCost = plan.cost;
      this.#held = Float32Array.from(plan.firstAction);
      this.#heldLeft = this.#plannerConfig.actionRepeat - 1;
      mode = 'plan';
      values = Float32Array.from(plan.firstAction);
      if (this.explore && this.#exploration.actionNoise > 0) this.#addNoise(values);
    }
    this.#predictedNext = this.#predictNext(latent, values);
    this.#lastAction = Float32Array.from(values);
    this.#episodeLastAction = this.#lastAction;
    this.#lastBin = directionBin(values);
    this.#decisions++;
    return {
      values,
      planningMs: performance.now() - start,
      ...(predictedCost === undefined ? {} : { predictedCost }),
      mode,
      info: {
        ...(predictionError === undefined ? {} : { predictionError }),
        babbling: this.babbling ? 1 : 0,
        objectFirst: this.lastObjectTarget === undefined ? 0 : 1,
        stance: this.lastStanceTarget === undefined ? 0 : 1,
      },
    };
  }

  /**
   * The planner config of this tick: while playing, the end-effector term aims at the play
   * target; while an object is not where the goal shows it (objectFirst), at that object, with
   * the latent goal distance on the part that sees objects only; otherwise the goal as it is.
   */
  #configFor(observation: Observation, latent: Float32Array, found: ObjectsOutOfPlace | undefined): PlannerConfig {
    this.lastPlayTarget = undefined;
    this.lastObjectTarget = undefined;
    this.lastStanceTarget = undefined;
    this.lastStance = undefined;
    const indices = this.#plannerConfig.proprioGoal?.indices;
    const hand = observation.proprio?.endEffector.position;
    if (indices === undefined || hand === undefined) return this.#plannerConfig;
    if (this.explore && this.playEpisode) {
      const target = this.#play.target(observation);
      if (target !== undefined) {
        this.lastPlayTarget = target;
        return handTargetConfig(this.#plannerConfig, this.#model, this.#reference(latent), hand, target, indices, this.#exploration.play.latentWeight);
      }
    }
    const { misplaced, misplacedPoints, place } = found ?? this.#objectsOutOfPlace(observation);
    if (misplaced === undefined) return this.#plannerConfig;
    this.lastObjectTarget = misplaced;
    const way = place === undefined ? undefined : this.#stanceTarget(misplaced, misplacedPoints, place, hand, observation);
    if (way !== undefined) {
      // On the way to the stance the hand term alone counts: a pull toward the object or its goal would push it from wherever the hand is.
      this.lastStance = way.stance;
      this.lastStanceTarget = way.aim;
      return handTargetConfig(this.#plannerConfig, this.#model, this.#reference(latent), hand, way.aim, indices, 0);
    }
    const latentWeight = this.#plannerConfig.cost.latentWeight;
    const { reachRadius, planarReach } = this.#planning.objectFirst;
    // The end-effector indices are x, y, z: planar reach gives the radius to x and y only.
    const reference = this.#reference(latent);
    const config = { ...handTargetConfig(this.#plannerConfig, this.#model, reference, hand, misplaced, indices, latentWeight, reachRadius, planarReach ? 2 : undefined), goalWeights: this.#objectPartWeights };
    if (place === undefined || this.#model.decodeObject === undefined) return config;
    return { ...config, objectGoal: { target: objectTarget(this.#model, reference, misplaced, place) } };
  }

  /** The config with the action executed last, which plan.cost.smoothWeight compares the plan's first action with. */
  #withPreviousAction(config: PlannerConfig): PlannerConfig {
    return this.#episodeLastAction === undefined || config.cost.smoothWeight === 0 ? config : { ...config, previousAction: this.#episodeLastAction };
  }

  /**
   * The latent the hand and object targets are read against (agent.planning.reference): the
   * current one, or the state predicted from it one tick ahead under holding still.
   */
  #reference(latent: Float32Array): Float32Array {
    return this.#planning.reference === 'held' ? this.#predictNext(latent, holdAction(this.#space, this.#lastAction)) : latent;
  }

  /**
   * The stance the hand should still go to before pushing `object` toward `place`, and where
   * to aim the hand this tick (above it while approachLift lifts the way), or undefined (no
   * stance this episode, or reached). Scored once per episode, at its first object-first plan,
   * and kept in place unless stance.follow moves it with the object (see objectFirst.stance).
   */
  #stanceTarget(object: Vec3, objectPoints: Float32Array | undefined, place: Vec3, hand: ArrayLike<number>, observation: Observation): { stance: Vec3; aim: Vec3 } | undefined {
    const memory = this.#stanceMemory;
    if (memory === undefined) return undefined;
    const config = this.#planning.objectFirst.stance;
    if (this.#stance === undefined) {
      const length = Math.hypot(place[0] - object[0], place[1] - object[1]);
      const direction: [number, number] = [(place[0] - object[0]) / length, (place[1] - object[1]) / length];
      const ready = memory.size >= config.minMoments && length > 0;
      const scored = !ready
        ? undefined
        : config.score === 'experience'
          ? memory.experienceStance(direction, config.top, config.minHandMove, config.mirror)
          : memory.stance(this.#model, handPushAction(this.#space, direction), direction, config.steps, config.top);
      const offset = scored === undefined ? undefined : this.#clearOffset(scored.offset, object, objectPoints, direction, hand, observation);
      this.#stance = offset === undefined ? null : { offset, target: [object[0] + offset[0], object[1] + offset[1], object[2] + offset[2]], reached: false };
    }
    if (this.#stance === null || this.#stance.reached) return undefined;
    const { offset } = this.#stance;
    // Following the object: a nudge on the way moves the stance with it.
    if (config.follow) this.#stance.target = [object[0] + offset[0], object[1] + offset[1], object[2] + offset[2]];
    const target = this.#stance.target;
    const low = config.arriveAbove === null || hand[2] - target[2] <= config.arriveAbove;
    if (low && Math.hypot(hand[0] - target[0], hand[1] - target[1], hand[2] - target[2]) < config.arrive) {
      this.#stance.reached = true;
      // The approach's plan does not fit the push: the next plan starts afresh.
      this.#warmStart = undefined;
      return undefined;
    }
    // Far from the stance, the hand travels at approachLift above the object: a straight path from above would go through it.
    const away = Math.hypot(hand[0] - target[0], hand[1] - target[1]);
    const lifted = config.approachLift > 0 && away > config.arrive;
    return { stance: target, aim: lifted ? [target[0], target[1], Math.max(target[2], object[2] + config.approachLift)] : target };
  }

  /**
   * The stance's offset moved back along the push line, where needed, until the robot's own
   * shapes keep stance.clearance clear of the object's points (see stanceClearance); as it
   * is without a margin, robot shapes or the object's points.
   */
  #clearOffset(offset: Vec3, object: Vec3, objectPoints: Float32Array | undefined, direction: readonly [number, number], hand: ArrayLike<number>, observation: Observation): Vec3 {
    const { clearance: margin, handReach } = this.#planning.objectFirst.stance;
    const shapes = observation.robotShapes?.shapes;
    if (margin === null || shapes === undefined || objectPoints === undefined) return offset;
    const needed = stanceClearance(objectPoints, object, direction, shapes, [hand[0], hand[1], hand[2]], object[2] + offset[2], margin, handReach);
    const behind = -(offset[0] * direction[0] + offset[1] * direction[1]);
    if (needed === undefined || behind >= needed) return offset;
    return [offset[0] - (needed - behind) * direction[0], offset[1] - (needed - behind) * direction[1], offset[2]];
  }

  /** Keeps a practice moment with the hand near the object perception sees (objectFirst.stance); the frames are those the latent was encoded from. */
  #remember(observation: Observation, frames: ModelFrames, latent: Float32Array): void {
    const hand = observation.proprio?.endEffector.position;
    const place = frames.objectPlace;
    const object = place !== undefined && place.every(Number.isFinite) ? place : undefined;
    if (this.#stanceMemory === undefined || hand === undefined) return;
    this.#stanceMemory.follow(hand, object);
    if (object === undefined) return;
    const offset: Vec3 = [hand[0] - object[0], hand[1] - object[1], hand[2] - object[2]];
    if (Math.hypot(...offset) < this.#planning.objectFirst.stance.near) {
      // A stance asks what a push does to an object at rest: a moment whose object was moving is
      // kept at rest, and its latent (of the moving object) counts as stale, to be encoded again first.
      const motion = frames.objectMotion;
      const moving = motion !== undefined && motion.some((v) => v !== 0);
      const frame = compactFromFrames(moving ? { ...frames, objectMotion: new Float32Array(3) } : frames);
      this.#stanceMemory.add(frame, latent, moving ? -1 : this.#model.weightsVersion, offset);
    }
  }

  /**
   * The perceived object not where the goal shows it, if any (agent.planning.objectFirst), and
   * the goal place no object occupies now, where it should go. Whether the goal moves objects
   * at all is decided the first time this is asked for a goal: at its first plan, or, with
   * objectFirst.encodeProprio, at its first decision that is not babbling.
   */
  #objectsOutOfPlace(observation: Observation): ObjectsOutOfPlace {
    const clusters = this.#objectPartWeights === undefined || this.#goalMovesObjects === false ? [] : this.#restingClusters(observation);
    const objects = clusters.map((c) => c.middle);
    const misplaced = farthestBeyond(objects, this.#goalObjects, this.#planning.objectFirst.tolerance);
    this.#goalMovesObjects ??= misplaced !== undefined;
    if (misplaced === undefined) return {};
    // farthestBeyond returns one of the middles it was given: its cluster's own points come with it (the stance's clearance reads them).
    return { misplaced, misplacedPoints: clusters[objects.indexOf(misplaced)].points, place: farthestBeyond(this.#goalObjects, objects, 0) };
  }

  /** The perceived objects resting on the support plane, where objectFirst is on. */
  #restingClusters(observation: Observation): PerceivedCluster[] {
    return this.#planning.objectFirst.enabled ? restingClusters(observation, this.#model.config.perception) : [];
  }

  /**
   * An action in the direction whose outcomes the model has predicted worst lately (never
   * tried counts as worst): curiosity by prediction error, cheap enough for every tick.
   */
  #curiousAction(): Float32Array {
    let worst = 0;
    for (let b = 1; b < this.#binError.length; b++) {
      if (this.#binError[b] > this.#binError[worst] || (this.#binError[b] === this.#binError[worst] && this.#rng.next() < 0.5)) worst = b;
    }
    const { low, high } = this.#space;
    return Float32Array.from(low, (lo, i) => {
      if (i >= 3 || i >= low.length - 1) return this.#rng.uniform(lo, high[i]);
      const positive = ((worst >> i) & 1) === 1;
      return positive ? this.#rng.uniform(0, high[i]) : this.#rng.uniform(lo, 0);
    });
  }

  /**
   * The observation as the goal was seen (without proprioception when the goal had none), and
   * the frames it was packed into; with its proprioception while an object comes first where
   * objectFirst.encodeProprio says so (the goal is then compared on the object's part alone).
   */
  #encodeCurrent(observation: Observation, objectFirst: boolean): EncodedObservation {
    const keepsProprio = objectFirst && this.#planning.objectFirst.encodeProprio;
    const matched = this.#planning.matchGoalModalities && this.#goal !== undefined && !this.#goalHasProprio && !keepsProprio;
    return matched ? encodeFramesAsImageGoal(this.#model, observation, this.#previousPlace) : encodeFrames(this.#model, observation, this.#previousPlace);
  }

  #addNoise(values: Float32Array): void {
    const { low, high } = this.#space;
    for (let i = 0; i < values.length; i++) {
      const half = (high[i] - low[i]) / 2;
      values[i] = Math.min(high[i], Math.max(low[i], values[i] + this.#rng.normal(0, this.#exploration.actionNoise * half)));
    }
  }

  #predictNext(latent: Float32Array, action: Float32Array): Float32Array {
    const next = tf.tidy(() => this.#model.predict(tf.tensor2d(latent, [1, latent.length]), tf.tensor2d(action, [1, action.length])));
    const out = Float32Array.from(next.dataSync());
    next.dispose();
    return out;
  }
}

/** The point of `points` farthest from every point of `others`, when that distance exceeds `beyond`; none when `others` is empty. */
function farthestBeyond(points: readonly Vec3[], others: readonly Vec3[], beyond: number): Vec3 | undefined {
  if (others.length === 0) return undefined;
  let farthest: Vec3 | undefined;
  let farthestDistance = beyond;
  for (const p of points) {
    const distance = Math.min(...others.map((o) => Math.hypot(o[0] - p[0], o[1] - p[1], o[2] - p[2])));
    if (distance > farthestDistance) {
      farthest = p;
      farthestDistance = distance;
    }
  }
  return farthest;
}

/**
 * The object-goal target in the model's own reading of the object: the goal place moved by
 * (object read from `latent` - object perceived now), so that a bias of the object head
 * cancels and the model is trusted only for how far the object moves (as handTargetConfig
 * does for the hand; `latent` is the current one or the reference agent.planning.reference names).
 */
function objectTarget(model: WorldModel, latent: Float32Array, perceived: Vec3, place: Vec3): Vec3 {
  const read = tf.tidy(() => model.decodeObject!(tf.tensor2d(latent, [1, latent.length])).dataSync());
  return [place[0] - perceived[0] + read[0], place[1] - perceived[1] + read[1], place[2] - perceived[2] + read[2]];
}

type Vec3 = [number, number, number];

/** What #objectsOutOfPlace found: nothing, or the misplaced object (its middle and its own points) and the goal place free for it (none when every goal place is taken). */
interface ObjectsOutOfPlace {
  readonly misplaced?: Vec3;
  readonly misplacedPoints?: Float32Array;
  readonly place?: Vec3;
}

/**
 * 1 on the part of the latent that sees objects, 0 elsewhere: the object view's part when it
 * holds the object's place (objectView.place: what and where, nothing of the arm), else the
 * point-cloud part; undefined when the model has neither as a part of its own.
 */
function objectPartWeights(model: WorldModel): Float32Array | undefined {
  if (model.fusion.kind === 'precision') return undefined;
  const part = model.objectSlot ?? (model.modalities.includes('points') ? model.fusion.partOf('points') : undefined);
  if (part === undefined) return undefined;
  const [start, size] = part;
  const weights = new Float32Array(model.latentDim);
  weights.fill(1, start, start + size);
  return weights;
}

/**
 * Holding still: every component 0 (no motion in a delta space) but the last, the gripper
 * command, which stays as `last` sent it (the middle of its range before any action).
 */
export function holdAction(space: ActionSpace, last: Float32Array | undefined): Float32Array {
  const hold = new Float32Array(space.names.length);
  const g = hold.length - 1;
  hold[g] = last === undefined ? (space.low[g] + space.high[g]) / 2 : last[g];
  return hold;
}

/** Which of the 8 octants the first three action components point into. */
function directionBin(values: Float32Array): number {
  let bin = 0;
  for (let i = 0; i < Math.min(3, values.length - 1); i++) if (values[i] > 0) bin |= 1 << i;
  return bin;
}

function meanSquaredDistance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}

/**
 * The latent of an observation encoded as an image-only goal was: without proprioception.
 * When the cameras give nothing to encode (a dropped frame and a cloud that perception
 * emptied), proprioception is kept: an empty observation cannot be encoded.
 */
export function encodeAsImageGoal(model: WorldModel, observation: Observation): Float32Array {
  return encodeFramesAsImageGoal(model, observation).latent;
}

/** A latent and the frames the observation was packed into for it. */
interface EncodedObservation {
  readonly latent: Float32Array;
  readonly frames: ModelFrames;
}

/** encodeAsImageGoal, with the packed frames kept; `previousPlace` as encodeFrames takes it. */
function encodeFramesAsImageGoal(model: WorldModel, observation: Observation, previousPlace?: Float32Array): EncodedObservation {
  if (observation.proprio !== undefined) {
    try {
      return encodeFrames(model, { ...observation, proprio: undefined }, previousPlace);
    } catch (err) {
      if (!(err instanceof NoModalityError)) throw err;
    }
  }
  return encodeFrames(model, observation, previousPlace);
}

/**
 * model.encodeObservation, with the packed frames kept for whoever wants them without packing
 * again; where the model reads the object's motion, it is measured from `previousPlace`, where
 * perception saw the object one tick before (none: at rest).
 */
function encodeFrames(model: WorldModel, observation: Observation, previousPlace?: Float32Array): EncodedObservation {
  const packed = framesFromObservations([observation], model.config);
  const place = packed.objectPlace;
  const frames = needsObjectMotion(model.config) && place !== undefined ? { ...packed, objectMotion: objectMotionBetween(place, previousPlace) } : packed;
  const state = model.encodeFrames(frames);
  const latent = Float32Array.from(state.dataSync());
  state.dispose();
  return { latent, frames };
}
