import type { Planner } from './Planner.js';
import { samplingPlanner } from './samplingPlanner.js';

/**
 * Model-predictive path integral control as TD-MPC2 runs it: like CEM, but the elites are
 * weighted by exp(-cost / temperature), so the mean leans toward the cheapest sequences.
 * Set `elites` equal to `samples` for the classic all-sample MPPI.
 */
export const mppi: Planner = (model, start, goal, config, rng, warmStart) =>
  samplingPlanner('mppi', model, start, goal, config, rng, warmStart);
