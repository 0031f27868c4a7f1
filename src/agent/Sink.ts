import type { Action } from '../core/Action.js';

/** Where actions go: the simulated arm, a ROS 2 controller, or nowhere (bag replay). */
export interface ActionSink {
  /** Sends an action; returns the action as applied, after the sink's own safety clamps. */
  send(action: Action): Action;
  /** Commands a safe stop (hold position) for `reason`; the next `send` resumes. */
  safeStop(reason: string): void;
}
