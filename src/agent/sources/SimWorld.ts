import { asyncScheduler, Subject, Subscription } from 'rxjs';
import type { Observable, SchedulerAction, SchedulerLike } from 'rxjs';
import type { Action, ActionSpace } from '../../core/Action.js';
import type { SplitName, TaskName } from '../../core/config/simConfig.js';
import type { DepthImage, Observation, PointCloud, Proprioception, RgbImage, RobotShapes } from '../../core/Observation.js';
import type { SimEnv, StepResult } from '../../sim/SimEnv.js';
import type { ActionSink } from '../Sink.js';
import type { SensorSource } from '../Source.js';

export type SimClock =
  /** The world steps once per action, as soon as it arrives: reproducible, as fast as compute allows. */
  | 'lockstep'
  /** The world steps every control period of scheduler time, holding the last action, as a real arm would. */
  | 'realtime';

export interface SimWorldEvent {
  readonly type: 'reset' | 'step';
  readonly episode: number;
  readonly seed: number;
  readonly step: number;
  /** The step's result (type 'step'). */
  readonly result?: StepResult;
  /** The episode's first observation (type 'reset'). */
  readonly observation?: Observation;
}

/**
 * The embedded simulation as a source and a sink for the control loop. Sensor messages are
 * published on separate streams like a robot's topics; stepping happens on the scheduler,
 * never inside `send`, so the loop is never re-entered from its own action.
 */
export class SimWorld implements SensorSource, ActionSink {
  readonly name = 'sim';
  readonly actionSpace: ActionSpace;
  readonly rgb$: Observable<RgbImage>;
  readonly depth$: Observable<DepthImage>;
  readonly points$: Observable<PointCloud>;
  readonly proprio$: Observable<Proprioception>;
  readonly robotShapes$: Observable<RobotShapes>;
  readonly goal$: Observable<Observation>;
  readonly events$: Observable<SimWorldEvent>;
  readonly #env: SimEnv;
  readonly #clock: SimClock;
  readonly #scheduler: SchedulerLike;
  readonly #rgb = new Subject<RgbImage>();
  readonly #depth = new Subject<DepthImage>();
  readonly #points = new Subject<PointCloud>();
  readonly #proprio = new Subject<Proprioception>();
  readonly #robotShapes = new Subject<RobotShapes>();
  readonly #goal = new Subject<Observation>();
  readonly #events = new Subject<SimWorldEvent>();
  readonly #subscriptions = new Subscription();
  #held: Float32Array;
  #pending = false;
  #episode = -1;
  #seed = 0;
  #stepsInEpisode = 0;
  #episodeDone = false;
  #stopped: string | undefined;
  #running = false;

  readonly #endOnSuccess: boolean;

  constructor(env: SimEnv, options: { clock?: SimClock; scheduler?: SchedulerLike; endOnSuccess?: boolean } = {}) {
    this.#env = env;
    this.#endOnSuccess = options.endOnSuccess ?? false;
    this.#clock = options.clock ?? 'lockstep';
    this.#scheduler = options.scheduler ?? asyncScheduler;
    this.actionSpace = env.actionSpace;
    this.rgb$ = this.#rgb.asObservable();
    this.depth$ = this.#depth.asObservable();
    this.points$ = this.#points.asObservable();
    this.proprio$ = this.#proprio.asObservable();
    this.robotShapes$ = this.#robotShapes.asObservable();
    this.goal$ = this.#goal.asObservable();
    this.events$ = this.#events.asObservable();
    this.#held = this.#holdAction();
  }

  get env(): SimEnv {
    return this.#env;
  }

  /** Starts an episode: publishes its goal, then its first observation (on the scheduler). */
  reset(seed: number, options: { task?: TaskName; split?: SplitName } = {}): void {
    this.#scheduleOnce(() => {
      const first = this.#env.reset(seed, options);
      this.#episode++;
      this.#seed = seed;
      this.#stepsInEpisode = 0;
      this.#episodeDone = false;
      this.#held = this.#holdAction();
      this.#events.next({ type: 'reset', episode: this.#episode, seed, step: 0, observation: first });
      this.#goal.next(this.#env.goalObservation());
      this.#publish(first);
      if (this.#clock === 'realtime' && !this.#running) this.#startClock();
    });
  }

  send(action: Action): Action {
    this.#stopped = undefined;
    this.#held = Float32Array.from(action.values);
    this.#stepSoon();
    // What the arm will do: the env clips again, identically, when it steps.
    return { space: action.space, values: Float32Array.from(action.values, (v, i) => Math.min(this.actionSpace.high[i], Math.max(this.actionSpace.low[i], v))) };
  }

  /**
   * Holds position: zero motion, gripper as last commanded. In lockstep the world then steps
   * once holding, as a real arm's clock would go on, so the loop gets a fresh observation.
   */
  safeStop(reason: string): void {
    this.#stopped = reason;
    this.#held = this.#holdAction();
    this.#stepSoon();
  }

  /** Lockstep: one step on the scheduler (never inside the caller), at most one pending. */
  #stepSoon(): void {
    if (this.#clock !== 'lockstep' || this.#pending) return;
    this.#pending = true;
    this.#scheduleOnce(() => {
      this.#pending = false;
      this.#stepOnce();
    });
  }

  /**
   * Runs `work` once on the scheduler; close() cancels it until then. A finished action leaves
   * #subscriptions: kept there, one per step added up (the hour-long soak's JS heap grew by
   * some 20 MB an hour, and its p99 latency with it).
   */
  #scheduleOnce(work: () => void): void {
    // A scheduler may run the work inside schedule() (queueScheduler): then there is nothing to keep.
    const scheduled: { action?: Subscription; ran?: boolean } = {};
    scheduled.action = this.#scheduler.schedule(() => {
      scheduled.ran = true;
      if (scheduled.action !== undefined) this.#subscriptions.remove(scheduled.action);
      work();
    });
    if (scheduled.ran !== true) this.#subscriptions.add(scheduled.action);
  }

  get stoppedReason(): string | undefined {
    return this.#stopped;
  }

  close(): void {
    this.#subscriptions.unsubscribe();
    for (const s of [this.#rgb, this.#depth, this.#points, this.#proprio, this.#robotShapes, this.#goal, this.#events]) s.complete();
  }

  #holdAction(): Float32Array {
    const hold = new Float32Array(this.actionSpace.names.length);
    const previousGripper = this.#held?.[hold.length - 1];
    hold[hold.length - 1] = previousGripper ?? 1;
    return hold;
  }

  #startClock(): void {
    this.#running = true;
    const period = 1000 / this.#env.config.controlHz;
    this.#subscriptions.add(
      this.#scheduler.schedule(function (this: SchedulerAction<SimWorld>, world) {
        world!.#stepOnce();
        this.schedule(world, period);
      }, period, this),
    );
  }

  #stepOnce(): void {
    // Between episodes (before the first reset, after the step limit) the world stands still.
    if (this.#episode < 0 || this.#episodeDone) return;
    const result = this.#env.step(this.#held);
    this.#stepsInEpisode++;
    this.#episodeDone = result.done || (this.#endOnSuccess && result.success);
    this.#events.next({ type: 'step', episode: this.#episode, seed: this.#seed, step: this.#stepsInEpisode, result });
    if (!this.#episodeDone) this.#publish(result.observation);
  }

  #publish(obs: Observation): void {
    // First: the loop attaches them to the observation the sensor messages complete.
    if (obs.robotShapes) this.#robotShapes.next(obs.robotShapes);
    if (obs.rgb) this.#rgb.next(obs.rgb);
    if (obs.depth) this.#depth.next(obs.depth);
    if (obs.points) this.#points.next(obs.points);
    if (obs.proprio) this.#proprio.next(obs.proprio);
  }
}
