import { loadavg } from 'node:os';
import { controlLoop } from '../src/agent/controlLoop.js';
import { PlanningController } from '../src/agent/controllers/PlanningController.js';
import { SimWorld } from '../src/agent/sources/SimWorld.js';
import type { Config } from '../src/core/config/Config.js';
import { Rng } from '../src/core/Rng.js';
import type { Logger } from '../src/core/Logger.js';
import type { Observation } from '../src/core/Observation.js';
import { workerLearner } from '../src/eval/onlineLearners.js';
import { LearnerHost } from '../src/learn/LearnerHost.js';
import { initBackend } from '../src/model/engine/initBackend.js';
import { WorldModel } from '../src/model/worldModel.js';
import { getPlanner } from '../src/plan/getPlanner.js';
import { plannerConfig } from '../src/plan/plannerConfig.js';
import { SimEnv } from '../src/sim/SimEnv.js';

export interface LoopBenchResult {
  control_hz: number;
  latency_ms_p50: number;
  latency_ms_p99: number;
  plan_ms_p50: number;
  learner_updates_per_s: number;
  learner_backend: string;
  backend: string;
  planner: string;
  seconds: number;
  load_average_1m: number;
}

/**
 * The perception-action loop at full speed with the learner training in its worker: the
 * simulation in lockstep, the default model and planner planning every tick (after a short
 * babbling phase that fills the learner's buffer), frames streaming to the learner.
 */
export async function benchLoop(config: Readonly<Config>, seconds: number, logger: Logger): Promise<LoopBenchResult> {
  const engine = await initBackend({ backend: config.engine.backend, planning: config.engine.planning, logger });
  const env = await SimEnv.create(config.sim, { logger });
  const model = new WorldModel(config.model, { seed: config.seed });
  const host = await LearnerHost.start(config, { logger });
  const learner = workerLearner(host, model);
  const world = new SimWorld(env, { clock: 'lockstep' });
  const babbleSteps = Math.max(config.learn.minFrames + 10, 40);
  const controller = new PlanningController(
    model,
    getPlanner(config.plan.planner),
    plannerConfig(config.plan, env.actionSpace),
    env.actionSpace,
    { ...config.agent.exploration, babbleSteps },
    new Rng(config.seed),
    config.agent.planning,
  );
  const loop = controlLoop(world, world, controller, config.agent);
  let previous: Observation | undefined;
  let episode = 0;
  const worldEvents = world.events$.subscribe((e) => {
    if (e.type === 'reset') previous = e.observation;
    else if (e.result) {
      if (previous) learner.add(previous, e.result.action.values, episode);
      previous = e.result.observation;
      if (e.result.done) world.reset(++episode);
    }
  });
  const loopEvents = loop.events$.subscribe();
  world.reset(0);
  // Warm-up: babbling, the buffer fills, the learner starts.
  while (controller.decisions < babbleSteps) await new Promise((r) => setTimeout(r, 50));
  const metricsBefore = loop.metrics.summary().ticks;
  const stepsBefore = host.stats.steps;
  const start = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = (performance.now() - start) / 1000;
  const summary = loop.metrics.summary();
  const learnerSteps = host.stats.steps - stepsBefore;
  loopEvents.unsubscribe();
  worldEvents.unsubscribe();
  learner.close();
  await host.close({ checkpoint: false });
  world.close();
  model.dispose();
  env.close();
  return {
    control_hz: Math.round(((summary.ticks - metricsBefore) / elapsed) * 10) / 10,
    latency_ms_p50: round1(summary.latencyMsP50),
    latency_ms_p99: round1(summary.latencyMsP99),
    plan_ms_p50: round1(summary.planMsP50),
    learner_updates_per_s: Math.round((learnerSteps / elapsed) * 100) / 100,
    learner_backend: host.backend,
    backend: engine.backend,
    planner: `${config.plan.planner} ${config.plan.samples}x${config.plan.horizon}x${config.plan.iterations}`,
    seconds: Math.round(elapsed),
    load_average_1m: Math.round(loadavg()[0] * 100) / 100,
  };
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
