import { resolve } from 'node:path';
import type { LoopEvent } from '../../agent/controlLoop.js';
import { PlanningController } from '../../agent/controllers/PlanningController.js';
import { applyOverrides, parseConfig } from '../../core/config/Config.js';
import type { Config } from '../../core/config/Config.js';
import { Rng } from '../../core/Rng.js';
import { workerLearner } from '../../eval/onlineLearners.js';
import { LearnerSupervisor } from '../../learn/LearnerSupervisor.js';
import { saveCheckpoint, loadCheckpoint } from '../../model/checkpoint.js';
import { initBackend } from '../../model/engine/initBackend.js';
import { WorldModel } from '../../model/worldModel.js';
import { BagRecorder } from '../../bag/index.js';
import type { ActionSpace, Logger } from '../../core/index.js';
import { actionSpaceFor, AgentNode, agentLoopConfig, agentNodeParamsSchema, loadRosParams, nodeBagMetadata } from '../../ros/node/index.js';
import type { AgentNodeParams } from '../../ros/node/index.js';
import { loadRclnodejs, RclnodejsTransport } from '../../ros/transport/index.js';
import { LiveView, parseVizAddress } from '../../live/index.js';
import type { Runtime } from '../runtime.js';
import { stopOnSignal } from './stopOnSignal.js';
import type { SignalStop } from './stopOnSignal.js';

export interface RosRunOptions {
  readonly params?: string;
  readonly param: readonly string[];
  readonly nodeName: string;
  /** Record into this bag folder (overrides the record.dir parameter). */
  readonly record?: string;
  /** Live view on [host:]port (overrides the viz parameter). */
  readonly viz?: string;
}

/**
 * `jepa-agent run`: the agent as the ROS 2 node `jepa_agent`. Checks ROS 2 before loading
 * anything heavy; builds the world model (new or from `checkpoint`), the planning controller,
 * the online learner, and the node; runs until SIGINT/SIGTERM, then sends a safe stop, closes
 * the bag, saves a checkpoint, destroys the node and returns (exit code 0). A signal during
 * start-up skips what is not started yet and stops the same way; a second signal quits at once.
 */
export async function rosRun(runtime: Runtime, options: RosRunOptions): Promise<void> {
  const { logger } = runtime;
  const params = loadRosParams(agentNodeParamsSchema, options.nodeName, options.params, [
    ...options.param,
    ...(options.record === undefined ? [] : [`record.dir=${options.record}`]),
    ...(options.viz === undefined ? [] : [`viz=${JSON.stringify(options.viz)}`]),
  ]);
  // Before rclnodejs loads: its own SIGINT handler (removed below) would shut ROS down before the safe stop.
  const stop = stopOnSignal(logger, 'the node');
  logger.info('starting: ROS 2, tensor backend, model, learner, node');
  const parts: NodeParts = {};
  try {
    await startNode(runtime, options, params, stop, parts);
    const signal = await stop.stopped;
    logger.info(`${signal}: safe stop, checkpoint, shutdown`);
    parts.node?.shutdown();
    // A bag that fails to close must not cost the checkpoint: it is reported after the save.
    let bagError: unknown;
    const recorder = parts.recorder;
    if (recorder !== undefined) {
      try {
        const { stats } = await recorder.close();
        logger.info(`bag ${recorder.dir}: ${stats.written} messages written, ${stats.dropped} dropped`);
      } catch (error) {
        bagError = error;
        logger.error(`bag ${recorder.dir}: closing failed: ${error instanceof Error ? error.message : String(error)} (jepa-agent bag repair ${recorder.dir} recovers the complete chunks)`);
      }
    }
    if (parts.live !== undefined) logger.info('live view', { ...parts.live.summary() });
    if (parts.learner !== undefined) await parts.learner.saveCheckpoint(parts.out!);
    else if (parts.model !== undefined) await saveCheckpoint(parts.model, parts.out!, { savedBy: 'jepa-agent run' });
    if (parts.model !== undefined) logger.info(`checkpoint saved to ${parts.out}`);
    if (bagError !== undefined) throw bagError;
  } finally {
    stop.dispose();
    parts.transport?.close();
    parts.learner?.close();
    await parts.host?.close({ checkpoint: false }).catch(() => undefined);
    // A start-up that failed after the recorder started: its bag is closed all the same.
    await parts.recorder?.close().catch(() => undefined);
    await parts.live?.close();
    parts.model?.dispose();
  }
}

/** What `run` has started so far; the shutdown stops what is there. */
interface NodeParts {
  out?: string;
  model?: WorldModel;
  host?: LearnerSupervisor;
  learner?: ReturnType<typeof workerLearner>;
  transport?: RclnodejsTransport;
  recorder?: BagRecorder;
  node?: AgentNode;
  live?: LiveView;
}

/** Starts the node's parts one after another, into `parts`; returns early once a signal arrived. */
async function startNode(runtime: Runtime, options: RosRunOptions, params: AgentNodeParams, stop: SignalStop, parts: NodeParts): Promise<void> {
  const { logger } = runtime;
  const stopping = (): boolean => stop.signal.aborted;
  const rcl = await loadRclnodejs('`run`');
  rcl.removeSignalHandlers?.();
  const config = withNodeParams(runtime.config, params);
  const space = actionSpaceFor(params);
  if (config.model.actionDim !== space.names.length) {
    throw new RangeError(
      `model.actionDim is ${config.model.actionDim} but action_interface ${params.action_interface} with ${params.joint_names.length} joints takes ${space.names.length} values (${space.names.join(', ')}): set --set model.actionDim=${space.names.length}`,
    );
  }
  const engine = await initBackend({ backend: config.engine.backend, planning: config.engine.planning, logger });
  parts.out = resolve(params.checkpoint_out !== '' ? params.checkpoint_out : `runs/ros-${new Date().toISOString().replace(/[:.]/g, '-')}/checkpoint`);
  const model = params.checkpoint !== '' ? await loadCheckpoint(params.checkpoint, { logger }) : new WorldModel(config.model, { seed: config.seed, logger });
  parts.model = model;
  if (stopping()) return;
  if (params.learn) {
    parts.host = await LearnerSupervisor.start(config, { logger, checkpointDir: parts.out, ...(params.checkpoint !== '' ? { resumeFrom: params.checkpoint } : {}) });
    parts.learner = workerLearner(parts.host, model);
  }
  const learner = parts.learner;
  if (stopping()) return;
  const controller = PlanningController.fromConfig(model, config, space, new Rng(config.seed).fork('controller'));
  controller.explore = params.learn;
  const transport = await RclnodejsTransport.create(rcl, { nodeName: options.nodeName, lifecycle: params.lifecycle });
  parts.transport = transport;
  if (stopping()) return;
  const recorder = params.record.dir === '' ? undefined : await startNodeRecording(params, transport.nodeName, space, logger);
  parts.recorder = recorder;
  if (stopping()) return;
  const live = params.viz === '' ? undefined : await LiveView.start({ address: parseVizAddress(params.viz, 'viz'), model, actionRepeat: config.plan.actionRepeat, logger });
  parts.live = live;
  if (live !== undefined) logger.info(`live view: open ${live.url} in Foxglove or Lichtblick`);
  if (stopping()) return;
  // Frames go to the learner as one episode per unbroken run of ticks: a safe stop, a new goal
  // or a jump of the clock starts another. Only decisions that went out: a held-back one is not what the arm did.
  let episode = 0;
  // A learner that failed for good (after learn.maxRestarts restarts) stops learning, not the node.
  let learnerFailed = false;
  const feed = (event: Extract<LoopEvent, { type: 'tick' }>): void => {
    if (learner === undefined || learnerFailed) return;
    try {
      learner.add(event.observation, event.action.values, episode);
    } catch (error) {
      learnerFailed = true;
      logger.error(`learner stopped, the node acts on its last weights: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const node = new AgentNode(transport, {
    params,
    controller,
    agentConfig: agentLoopConfig(params, config.agent),
    pointCount: config.model.points.count,
    logger,
    lastPlan: () => controller.lastPlan,
    ...(learner === undefined ? {} : { learner }),
    ...(recorder === undefined ? {} : { recording: { recorder, exclude: params.record.exclude } }),
    onEvent: (event) => {
      if (live !== undefined) showLive(live, controller, event);
      if (event.type === 'tick') {
        if (event.sent) feed(event);
      } else if (event.type !== 'input_fault' || event.fault === 'clock_jump') episode++;
    },
  });
  parts.node = node;
  if (params.lifecycle && transport.bindLifecycle !== undefined) {
    transport.bindLifecycle(node.lifecycle.callbacks());
    logger.info(`${transport.nodeName} is a lifecycle node: configure and activate it (ros2 lifecycle set ${transport.nodeName} configure)`);
  } else {
    node.start();
  }
  logger.info('running', { node: transport.nodeName, backend: engine.backend, learn: params.learn, checkpointOut: parts.out, ...(recorder === undefined ? {} : { recording: recorder.dir }) });
}

/** A loop event to the live view; the planner keeps as many elites as it draws. */
function showLive(live: LiveView, controller: PlanningController, event: LoopEvent): void {
  if (event.type === 'tick') {
    const plan = event.decision.mode === 'plan' && controller.lastPlan !== undefined && controller.lastPlanStart !== undefined ? { result: controller.lastPlan, start: controller.lastPlanStart } : undefined;
    live.tick({ ...event, ...(plan === undefined ? {} : { plan }), ...(controller.lastLatent === undefined ? {} : { latent: controller.lastLatent }) });
    controller.keepElites = live.planElites;
  } else if (event.type === 'goal') {
    live.goal(event.goal);
  }
}

/** The run's config with the node's planner and seed. */
function withNodeParams(config: Readonly<Config>, params: AgentNodeParams): Readonly<Config> {
  return parseConfig(applyOverrides(structuredClone(config) as Record<string, unknown>, [`plan.planner=${params.planner}`]), 'config + node parameters');
}

/** The node's bag: raw topics and agent records, with the metadata that lets a replay find the node's topics. */
async function startNodeRecording(params: AgentNodeParams, nodeName: string, space: ActionSpace, logger: Logger): Promise<BagRecorder> {
  const r = params.record;
  return BagRecorder.start({
    dir: resolve(r.dir),
    compression: r.compression,
    ...(r.split_mb > 0 ? { splitBytes: r.split_mb * 2 ** 20 } : {}),
    ...(r.split_seconds > 0 ? { splitSeconds: r.split_seconds } : {}),
    maxQueueBytes: r.max_queue_mb * 2 ** 20,
    metadata: nodeBagMetadata(params, nodeName, space),
    logger,
  });
}
