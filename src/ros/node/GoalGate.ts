import type { Observable } from 'rxjs';
import type { Controller, Decision } from '../../agent/Controller.js';
import type { ActionSpace, Observation } from '../../core/index.js';

/**
 * A controller that acts only while it has a goal: without one (before the first goal image,
 * after a clear) it holds position, or, with `withoutGoal: 'explore'`, lets the wrapped
 * controller act (a planning controller then babbles, which is how it learns).
 */
export class GoalGate implements Controller {
  readonly #inner: Controller;
  readonly #space: ActionSpace;
  readonly #withoutGoal: 'hold' | 'explore';
  #hasGoal = false;
  #gripper = 1;

  constructor(inner: Controller, space: ActionSpace, withoutGoal: 'hold' | 'explore') {
    this.#inner = inner;
    this.#space = space;
    this.#withoutGoal = withoutGoal;
  }

  get hasGoal(): boolean {
    return this.#hasGoal;
  }

  /** Whether the gate is holding the arm for want of a goal. */
  get holding(): boolean {
    return !this.#hasGoal && this.#withoutGoal === 'hold';
  }

  setGoal(goal: Observation): void {
    this.#hasGoal = true;
    this.#inner.setGoal(goal);
  }

  clearGoal(): void {
    this.#hasGoal = false;
  }

  decide(observation: Observation): Decision | Promise<Decision> | Observable<Decision> {
    if (!this.holding) return this.#inner.decide(observation);
    const values = new Float32Array(this.#space.names.length);
    values[values.length - 1] = this.#gripper;
    return { values, planningMs: 0, mode: 'hold', info: { holding: 1 } };
  }

  /** The gripper command held while holding (the last one sent). */
  set gripper(command: number) {
    this.#gripper = command;
  }
}
