import { asyncScheduler, Subscription } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import type { Controller } from '../../agent/Controller.js';
import type { LoopEvent } from '../../agent/controlLoop.js';
import type { LoopMetrics } from '../../agent/LoopMetrics.js';
import { controlLoop } from '../../agent/controlLoop.js';
import type { AgentConfig } from '../../core/config/agentConfig.js';
import type { BagRecorder } from '../../bag/BagRecorder.js';
import type { Logger, Modality } from '../../core/index.js';
import { Rng } from '../../core/index.js';
import type { AgentStatusMsg, HeaderMsg } from '../messages/index.js';
import { timestampToRos } from '../messages/index.js';
import type { RosTransport } from '../transport/index.js';
import type { AgentNodeParams } from './agentNodeParams.js';
import { agentNodeParamsSchema } from './agentNodeParams.js';
import { actionSpaceFor } from './actionSpaceFor.js';
import { BadMessageLog } from './BadMessageLog.js';
import { GoalGate } from './GoalGate.js';
import { Lifecycle } from './Lifecycle.js';
import { parameterDeclarations } from './loadRosParams.js';
import { NodeRecording } from './NodeRecording.js';
import { RecordingTransport } from './RecordingTransport.js';
import { RosSink } from './RosSink.js';
import { RosSource } from './RosSource.js';
import { StatusPublisher } from './StatusPublisher.js';

/** What the node reports of the learner (the online experiment's learner has this shape). */
export interface LearnerStatus {
  progress(): { steps: number; frames: number; weightUpdates: number; loss?: Readonly<Record<string, number | number[]>> };
}

/** The plan a planning controller made last (PlanResult's fields the status needs). */
export interface LastPlan {
  readonly actions: Float32Array;
  readonly horizon: number;
}

export interface AgentNodeOptions {
  readonly params: AgentNodeParams;
  readonly controller: Controller;
  /** The loop's settings; `agentLoopConfig` applies the node's parameters to config.agent. */
  readonly agentConfig: Readonly<AgentConfig>;
  /** Points per cloud the model takes. */
  readonly pointCount: number;
  readonly logger: Logger;
  readonly scheduler?: SchedulerLike;
  readonly lastPlan?: () => LastPlan | undefined;
  readonly learner?: LearnerStatus;
  /** Every loop event (the run command feeds the learner from ticks). */
  readonly onEvent?: (event: LoopEvent) => void;
  /**
   * Record what the node lives into this bag: every topic it receives or publishes as raw CDR,
   * and the agent's records (transitions, episodes, goals, arm states). The caller closes it
   * after `shutdown()`.
   */
  readonly recording?: { readonly recorder: BagRecorder; readonly exclude?: readonly string[] };
}

/** config.agent with the node's sync and watchdog parameters. */
export function agentLoopConfig(params: AgentNodeParams, agent: Readonly<AgentConfig>): AgentConfig {
  return {
    ...agent,
    syncSlopMs: params.sync_slop_ms,
    syncWaitMs: params.sync_wait_ms,
    controlHz: params.control_rate_hz,
    requiredModalities: [...params.required_modalities],
    watchdog: { observationTimeoutMs: params.watchdog.observation_timeout_ms, planTimeoutMs: params.watchdog.plan_timeout_ms },
  };
}

interface Configured {
  readonly source: RosSource;
  readonly sink: RosSink;
}

/**
 * The `jepa_agent` node above the transport: the robot's topics as a RosSource, its
 * controller as a RosSink, the control loop between them with a goal gate, goal and
 * clear-goal topics, and the status outputs. Managed as a lifecycle node: configure creates
 * subscriptions and the command publisher, activate starts the loop, deactivate stops it
 * with a safe stop, cleanup frees everything, shutdown does what is needed of those. The
 * status outputs live as long as the node: AgentStatus goes out at status_rate_hz in every
 * state and once after every transition (in the state it ended in), the last time after
 * shutdown. Without ROS 2 the same node runs over an InProcessTransport.
 */
export class AgentNode {
  readonly lifecycle: Lifecycle;
  readonly bad: BadMessageLog;
  readonly #transport: RosTransport;
  readonly #options: AgentNodeOptions;
  readonly #scheduler: SchedulerLike;
  readonly #logger: Logger;
  readonly #status: StatusPublisher;
  readonly #statusTimer: Subscription;
  #configured: Configured | undefined;
  /** The figures of the loop of the last activation (kept after deactivate, cleanup and shutdown). */
  #metrics: LoopMetrics | undefined;
  #gate: GoalGate | undefined;
  #active = new Subscription();
  #lastSafeStop = '';
  /** Safe stops of sinks already cleaned up. */
  #earlierSafeStops = 0;
  #predictionErrorSum = 0;
  #predictionErrors = 0;
  readonly #recording: NodeRecording | undefined;

  constructor(transport: RosTransport, options: AgentNodeOptions) {
    const recording = options.recording;
    this.#transport = recording === undefined ? transport : new RecordingTransport(transport, recording.recorder, { ...(recording.exclude === undefined ? {} : { exclude: recording.exclude }) });
    this.#options = options;
    // One recording over configure/cleanup cycles, so episode numbers never repeat in a bag.
    this.#recording = recording === undefined ? undefined : new NodeRecording(recording.recorder, options.params, this.#transport.nodeName, actionSpaceFor(options.params));
    this.#scheduler = options.scheduler ?? asyncScheduler;
    this.#logger = options.logger;
    this.bad = new BadMessageLog(options.logger, { now: () => this.#scheduler.now() });
    transport.declareParameters(parameterDeclarations(agentNodeParamsSchema, options.params));
    this.lifecycle = new Lifecycle(
      {
        onConfigure: () => this.#configure(),
        onActivate: () => this.#activate(),
        onDeactivate: () => this.#deactivate('deactivated'),
        onCleanup: () => this.#cleanup(),
        onShutdown: () => this.#shutdown(),
      },
      options.logger,
      (state) => {
        this.publishStatus();
        if (state === 'finalized') this.#statusTimer.unsubscribe();
      },
    );
    this.#status = new StatusPublisher(this.#transport, options.params.topics, options.logger);
    const period = 1000 / options.params.status_rate_hz;
    this.#statusTimer = this.#scheduler.schedule(function (this: { schedule(state?: AgentNode, delay?: number): unknown }, node) {
      node?.publishStatus();
      this.schedule(node, period);
    }, period, this);
  }

  /** The node's source and sink while configured. */
  get parts(): Configured | undefined {
    return this.#configured;
  }

  get hasGoal(): boolean {
    return this.#gate?.hasGoal ?? false;
  }

  /** Configure and activate (a node that is not managed by a launch system). */
  start(): void {
    if (!this.lifecycle.trigger('configure')) throw new Error(`${this.#transport.nodeName}: configure failed`);
    if (!this.lifecycle.trigger('activate')) throw new Error(`${this.#transport.nodeName}: activate failed`);
  }

  /** Safe stop and release everything, from whatever state the node is in. */
  shutdown(): void {
    if (this.lifecycle.state !== 'finalized') this.lifecycle.trigger('shutdown');
  }

  status(): AgentStatusMsg {
    const summary = this.#metrics?.summary();
    const sink = this.#configured?.sink;
    const pairs = summary?.pairs ?? 0;
    const activity =
      this.lifecycle.state !== 'active'
        ? 'inactive'
        : sink?.state === 'estopped'
          ? 'estopped'
          : this.#gate?.holding === true
            ? 'holding'
            : sink?.state === 'safe_stop'
              ? 'safe_stop'
              : (summary?.ticks ?? 0) === 0
                ? 'waiting'
                : 'acting';
    return {
      header: this.#header(),
      state: this.lifecycle.state,
      activity,
      has_goal: this.hasGoal,
      estop: sink?.estopped ?? false,
      last_safe_stop_reason: ascii(sink?.lastStopReason || this.#lastSafeStop),
      ticks: summary?.ticks ?? 0,
      decision_hz: summary?.decisionHz ?? 0,
      commands_sent: summary?.commandsSent ?? 0,
      control_hz: summary?.controlHz ?? 0,
      held_back: summary?.heldBack ?? 0,
      latency_ms_p50: summary?.latencyMsP50 ?? 0,
      latency_ms_p99: summary?.latencyMsP99 ?? 0,
      plan_ms_p50: summary?.planMsP50 ?? 0,
      dropped_frames: summary?.droppedFrames ?? 0,
      stale_pairs: summary?.stalePairs ?? 0,
      stale_pair_share: pairs > 0 ? (summary?.stalePairs ?? 0) / pairs : 0,
      safe_stops: this.#earlierSafeStops + (sink?.stats.safeStops ?? 0),
      bad_messages: this.bad.count(),
    };
  }

  /** Publishes AgentStatus (and LearnerProgress when there is a learner) now. */
  publishStatus(): void {
    const status = this.#status;
    status.status(this.status());
    const learner = this.#options.learner?.progress();
    if (learner !== undefined) {
      const terms = Object.entries(learner.loss ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number');
      status.learner({
        header: this.#header(),
        steps: learner.steps,
        frames: learner.frames,
        weight_updates: learner.weightUpdates,
        loss_names: terms.map(([k]) => k),
        loss_values: Float64Array.from(terms, ([, v]) => v),
      });
    }
  }

  #configure(): boolean {
    const { params, logger } = this.#options;
    const source = new RosSource(this.#transport, {
      params,
      pointCount: this.#options.pointCount,
      rng: new Rng(params.seed).fork('points'),
      bad: this.bad,
      logger,
    });
    const sink = new RosSink(this.#transport, {
      params,
      actionSpace: source.actionSpace,
      ...(source.joints$ === undefined ? {} : { joints$: source.joints$ }),
      bad: this.bad,
      logger,
      scheduler: this.#scheduler,
    });
    this.#configured = { source, sink };
    logger.info(`${this.#transport.nodeName} configured: commands as ${params.action_interface} on ${sink.topic}`);
    return true;
  }

  #activate(): boolean {
    const parts = this.#configured;
    if (parts === undefined) return false;
    const { params } = this.#options;
    const gate = new GoalGate(this.#options.controller, parts.source.actionSpace, params.without_goal);
    this.#gate = gate;
    const loop = controlLoop(parts.source, parts.sink, gate, this.#options.agentConfig, this.#scheduler);
    this.#metrics = loop.metrics;
    this.#predictionErrorSum = 0;
    this.#predictionErrors = 0;
    this.#active = new Subscription();
    const recording = this.#recording;
    if (recording !== undefined && parts.source.proprio$ !== undefined) this.#active.add(parts.source.proprio$.subscribe((p) => recording.armState(p)));
    this.#active.add(
      parts.source.clearGoal$.subscribe(() => {
        gate.clearGoal();
        this.#logger.info('goal cleared');
      }),
    );
    this.#active.add(
      loop.events$.subscribe({
        next: (event) => this.#onEvent(event, gate),
        error: (error: unknown) => {
          this.#logger.error(`control loop failed: ${error instanceof Error ? error.message : String(error)}`);
          parts.sink.safeStop('control loop failed');
        },
      }),
    );
    this.#logger.info(`${this.#transport.nodeName} active`);
    return true;
  }

  #onEvent(event: LoopEvent, gate: GoalGate): void {
    const status = this.#status;
    if (event.type === 'tick') {
      gate.gripper = event.action.values[event.action.values.length - 1];
      const { decision } = event;
      // Every tick: what was decided and how, whether it went out.
      const mode = decision.mode ?? 'plan';
      const plan = decision.predictedCost !== undefined ? this.#options.lastPlan?.() : undefined;
      status.plan({
        header: this.#header(),
        mode,
        predicted_cost: decision.predictedCost ?? Number.NaN,
        planning_ms: decision.planningMs,
        babbling: mode === 'explore',
        action_names: [...(this.#configured?.source.actionSpace.names ?? [])],
        horizon: plan?.horizon ?? 1,
        actions: Float32Array.from(plan?.actions ?? decision.values),
        action_sent: Float32Array.from(event.action.values),
        sent: event.sent,
      });
      const error = decision.info?.predictionError;
      if (error !== undefined && Number.isFinite(error)) {
        this.#predictionErrorSum += error;
        this.#predictionErrors++;
        status.predictionError({ header: this.#header(), error, mean_error: this.#predictionErrorSum / this.#predictionErrors });
      }
    } else if (event.type === 'safe_stop') {
      this.#lastSafeStop = event.reason;
      this.#logger.warn(`safe stop: ${event.reason}`);
    } else if (event.type === 'input_fault') {
      // Counted with the topic's bad messages (AgentStatus.bad_messages), logged without flooding.
      if (event.fault === 'rejected') this.bad.record(this.#topicOf(event.modality), event.reason);
      else this.#logger.warn(`clock jump: ${event.reason}`);
    } else {
      this.#logger.info('new goal');
    }
    this.#recording?.onEvent(event);
    this.#options.onEvent?.(event);
  }

  /** The topic a modality's messages come from. */
  #topicOf(modality: Modality): string {
    const topics = this.#options.params.topics;
    switch (modality) {
      case 'rgb':
        return topics.rgb_compressed !== '' ? topics.rgb_compressed : topics.rgb;
      case 'depth':
        return topics.depth;
      case 'points':
        return topics.points;
      case 'proprio':
        return topics.joint_states;
    }
  }

  #deactivate(reason: string): boolean {
    this.#active.unsubscribe();
    this.#recording?.endEpisode();
    this.#lastSafeStop = reason;
    this.#configured?.sink.safeStop(reason);
    return true;
  }

  #cleanup(): boolean {
    const sink = this.#configured?.sink;
    if (sink !== undefined) {
      this.#earlierSafeStops += sink.stats.safeStops;
      if (sink.lastStopReason !== '') this.#lastSafeStop = sink.lastStopReason;
    }
    sink?.close();
    this.#configured = undefined;
    this.#gate = undefined;
    return true;
  }

  #shutdown(): boolean {
    if (this.lifecycle.state === 'active') this.#deactivate('shutdown');
    this.#cleanup();
    return true;
  }

  #header(): HeaderMsg {
    return { stamp: timestampToRos(this.#transport.now()), frame_id: this.#options.params.frames.base };
  }
}

function ascii(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}
