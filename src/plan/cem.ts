import type { Planner } from './Planner.js';
import { samplingPlanner } from './samplingPlanner.js';

/**
 * Cross-entropy method: refit a diagonal Gaussian over action sequences to the uniformly
 * weighted elites each iteration. Budget: samples x horizon x iterations predictions.
 */
export const cem: Planner = (model, start, goal, config, rng, warmStart) =>
  samplingPlanner('cem', model, start, goal, config, rng, warmStart);
