import type { Action } from '../core/Action.js';

/**
 * Why a decision did not go out: held back by the sink's rate limit (the arm keeps doing
 * what it was last told), refused while the e-stop is on, or failed to be made or sent.
 */
export type Unsent = 'held_back' | 'estop' | 'failed';

/** An action as the sink applied it; `unsent` says the decision did not go out and why. */
export interface AppliedAction extends Action {
  readonly unsent?: Unsent;
}

/** Where actions go: the simulated arm, a ROS 2 controller, or nowhere (bag replay). */
export interface ActionSink {
  /**
   * Sends an action; returns the action as applied, after the sink's own safety clamps. When
   * the decision did not go out, it returns what the arm keeps doing instead, with `unsent`.
   */
  send(action: Action): AppliedAction;
  /** Commands a safe stop (hold position) for `reason`; the next `send` resumes. */
  safeStop(reason: string): void;
}
