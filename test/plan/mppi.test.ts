import { describePlannerContract } from './plannerContract.js';
import { mppi } from '../../src/plan/index.js';

describePlannerContract('mppi', mppi, {
  converge: { samples: 256, elites: 32, iterations: 12, minStd: 0.002, momentum: 0, temperature: 0.5 },
  frozen: { samples: 8, elites: 2, iterations: 1, initStd: 1e-5, minStd: 0 },
  seedSensitive: { iterations: 1 },
  tolerance: 0.02,
});
