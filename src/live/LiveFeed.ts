import type { Decision } from '../agent/Controller.js';
import type { Observation } from '../core/Observation.js';
import type { PlanResult } from '../plan/Planner.js';
import type { LiveFrame } from './sceneMessages.js';

/** One control tick as the live view shows it. */
export interface LiveTick {
  readonly tick: number;
  /** The observation the loop decided on (synchronised: cameras, cloud, joint state). */
  readonly observation: Observation;
  /**
   * The same instant as sensed, with what synchronisation leaves out (further cameras such as
   * the wrist's, the robot's link shapes); the sensor channels show it when given.
   */
  readonly sensed?: Observation;
  readonly decision: Decision;
  /** From the synchronised observation to the action sent, ms. */
  readonly latencyMs: number;
  readonly sent: boolean;
  /** The latent the controller encoded this tick's observation to: the read-outs use it (else the view encodes the observation itself). */
  readonly latent?: Float32Array;
  /** The plan made on this tick and the latent it started from (planned ticks only). */
  readonly plan?: { readonly result: PlanResult; readonly start: Float32Array };
  /**
   * The robot's link frames now (the simulation's bodies; forward kinematics on a robot):
   * called during the tick, and only while someone watches /tf. Display only.
   */
  readonly linkFrames?: () => readonly LiveFrame[];
}

export interface LiveEpisode {
  readonly practice: boolean;
  readonly task: string;
  readonly split: string;
  readonly success: boolean;
}

export interface LiveLearnerProgress {
  readonly steps: number;
  readonly frames: number;
  readonly weightUpdates: number;
  readonly loss?: Readonly<Record<string, number | number[]>>;
}

/**
 * What a run tells its live view. Every call returns at once: messages are built later, only
 * for topics someone subscribes to, through a bounded queue (see LiveView).
 */
export interface LiveFeed {
  tick(tick: LiveTick): void;
  /** Sensor data outside a loop tick (a bag being replayed): whatever parts `observation` has. */
  observation(observation: Observation): void;
  goal(goal: Observation): void;
  episode(episode: LiveEpisode): void;
  learner(progress: LiveLearnerProgress): void;
  /** How many elites each plan should return for the plan markers: 0 while nobody watches them. */
  readonly planElites: number;
}
