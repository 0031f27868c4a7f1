import type { Action } from './Action.js';
import type { Observation } from './Observation.js';

/** One lived step: what was seen, what was done (after safety clipping), what was seen next. */
export interface Transition {
  readonly episode: number;
  readonly step: number;
  readonly observation: Observation;
  readonly action: Action;
  readonly nextObservation: Observation;
  /** The episode ended after this step (success, time limit or safety stop). */
  readonly done: boolean;
}
