import type { Controller, Decision } from '../../agent/Controller.js';
import { handTargetConfig } from '../../agent/controllers/handTarget.js';
import { encodeAsImageGoal } from '../../agent/controllers/PlanningController.js';
import type { ActionSpace } from '../../core/Action.js';
import type { BaselinesConfig } from '../../core/config/baselinesConfig.js';
import type { Observation } from '../../core/Observation.js';
import type { Rng } from '../../core/Rng.js';
import { endEffectorIndices } from '../../model/proprioVector.js';
import type { WorldModel } from '../../model/worldModel.js';
import type { Planner, PlannerConfig, PlanResult } from '../../plan/Planner.js';
import { PushSubgoals } from './PushSubgoals.js';
import type { PushSubgoal } from './PushSubgoals.js';

/**
 * The `scripted-subgoals` baseline (push): PushSubgoals says where the hand should go, the
 * learned world model plans how to get there. A labelled baseline, not the agent: the
 * subgoals come from a hand-written state machine over a point-cloud object locator.
 *
 * Each tick plans like the agent (latent goal cost, warm start from the last plan), with the
 * end-effector term aimed at the subgoal (handTargetConfig). The latent term is turned down
 * (`latentWeight`): the goal image shows the arm at home, which pulls against the subgoal.
 * Without a subgoal (no tool measured, or the goal's cloud does not show the object) it plans
 * toward the goal latent alone.
 */
export class ScriptedSubgoalsController implements Controller {
  readonly #model: WorldModel;
  readonly #planner: Planner;
  readonly #plannerConfig: PlannerConfig & { readonly proprioGoal: { readonly indices: readonly number[] } };
  readonly #config: BaselinesConfig['scriptedSubgoals'];
  readonly #rng: Rng;
  readonly #gripper: number;
  readonly #subgoals: PushSubgoals;
  #goal: Float32Array | undefined;
  #goalHasProprio = true;
  #warmStart: Float32Array | undefined;
  /** The subgoal of the last decision, for logs and tests. */
  lastSubgoal: PushSubgoal | undefined;
  lastPlan: PlanResult | undefined;

  constructor(model: WorldModel, planner: Planner, plannerConfig: PlannerConfig, space: ActionSpace, config: BaselinesConfig['scriptedSubgoals'], rng: Rng) {
    if (model.actionDim !== space.names.length) {
      throw new RangeError(`scripted-subgoals: the model takes ${model.actionDim} action values, the action space ${space.kind} has ${space.names.length}`);
    }
    if (model.decodeProprio === undefined) {
      throw new RangeError('scripted-subgoals: the world model has no proprio head (model.heads): it cannot read the hand, so it cannot plan the hand to a subgoal');
    }
    this.#model = model;
    this.#planner = planner;
    this.#plannerConfig = { ...plannerConfig, proprioGoal: { indices: endEffectorIndices(model.config.proprio.dim) } };
    this.#config = config;
    this.#rng = rng;
    this.#gripper = space.names.indexOf('gripper');
    this.#subgoals = new PushSubgoals(config);
  }

  setGoal(goal: Observation): void {
    this.#goal = this.#model.encodeObservation(goal);
    this.#goalHasProprio = goal.proprio !== undefined;
    this.#subgoals.setGoal(goal);
    this.#warmStart = undefined;
  }

  decide(observation: Observation): Decision {
    const start = performance.now();
    if (this.#goal === undefined) throw new Error('scripted-subgoals: decide() before setGoal()');
    // Compare latents from the same encoders: an image-only goal against an image-only observation.
    const latent = this.#goalHasProprio ? this.#model.encodeObservation(observation) : encodeAsImageGoal(this.#model, observation);
    const plan = this.#planner(this.#model, latent, this.#goal, this.#configFor(observation, latent), this.#rng, this.#warmStart);
    this.lastPlan = plan;
    this.#warmStart = plan.actions;
    const values = Float32Array.from(plan.firstAction);
    // The goal says nothing about the gripper while pushing: a swinging gripper throws the object.
    if (this.lastSubgoal !== undefined && this.#gripper >= 0) values[this.#gripper] = this.#config.gripper;
    return { values, planningMs: performance.now() - start, predictedCost: plan.cost };
  }

  #configFor(observation: Observation, latent: Float32Array): PlannerConfig {
    this.lastSubgoal = undefined;
    const subgoal = this.#subgoals.next(observation);
    const measured = observation.proprio?.endEffector.position;
    if (subgoal === undefined || measured === undefined) return this.#plannerConfig;
    this.lastSubgoal = subgoal;
    return handTargetConfig(this.#plannerConfig, this.#model, latent, measured, subgoal.target, this.#plannerConfig.proprioGoal.indices, this.#config.latentWeight);
  }
}
