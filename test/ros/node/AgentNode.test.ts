import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Controller, Decision } from '../../../src/agent/Controller.js';
import { defaultConfig } from '../../../src/core/config/Config.js';
import type { RosMessageMap, RosMessageType } from '../../../src/ros/index.js';
import type { LoopEvent } from '../../../src/agent/controlLoop.js';
import { BagRecorder, readBagEpisodes } from '../../../src/bag/index.js';
import { DEFAULT_QOS, getMessageCodec, InProcessBus, InProcessTransport, LATCHED_QOS, SENSOR_DATA_QOS } from '../../../src/ros/index.js';
import { actionSpaceFor, AgentNode, agentLoopConfig, nodeBagMetadata } from '../../../src/ros/node/index.js';
import { tempDir } from '../../bag/fixtures.js';
import { nodeParams, recordingLogger, waitFor } from './fixtures.js';

class CountingController implements Controller {
  goals = 0;
  decisions = 0;
  setGoal(): void {
    this.goals++;
  }
  decide(): Decision {
    this.decisions++;
    return { values: Float32Array.of(0.01, 0, 0, 1), planningMs: 1, predictedCost: 2.5, info: { predictionError: 0.5 } };
  }
}

function setup(overrides: string[] = [], hasType?: (t: string) => boolean) {
  const bus = new InProcessBus();
  const transport = new InProcessTransport(bus, 'jepa_agent', hasType === undefined ? {} : { hasType });
  const robot = new InProcessTransport(bus, 'robot');
  const params = nodeParams(['action_interface=twist', 'topics.command=/servo/twist', 'control_rate_hz=100', 'status_rate_hz=50', 'required_modalities=[rgb]', ...overrides]);
  const controller = new CountingController();
  const logger = recordingLogger();
  const node = new AgentNode(transport, { params, controller, agentConfig: agentLoopConfig(params, defaultConfig().agent), pointCount: 16, logger, lastPlan: () => ({ actions: Float32Array.of(0.01, 0, 0, 1, 0, 0, 0, 1), horizon: 2 }) });
  const publishers = new Map<string, ReturnType<typeof robot.createPublisher>>();
  const send = <K extends RosMessageType>(topic: string, type: K, msg: RosMessageMap[K], latched = false): void => {
    let p = publishers.get(topic);
    if (p === undefined) publishers.set(topic, (p = robot.createPublisher(topic, type, latched ? LATCHED_QOS : DEFAULT_QOS)));
    p.publish(getMessageCodec(type).encode(msg));
  };
  const listen = <K extends RosMessageType>(topic: string, type: K): Array<RosMessageMap[K]> => {
    const out: Array<RosMessageMap[K]> = [];
    robot.subscribe(topic, type, LATCHED_QOS).subscribe((b) => out.push(getMessageCodec(type).decode(b)));
    return out;
  };
  let t = 0;
  const image = (): RosMessageMap['sensor_msgs/msg/Image'] => ({ header: { stamp: { sec: 100, nanosec: (t += 1_000_000) }, frame_id: 'cam' }, height: 1, width: 1, encoding: 'rgb8', is_bigendian: 0, step: 3, data: Uint8Array.of(1, 2, 3) });
  return { node, controller, send, listen, image, transport, logger, bus };
}

describe('AgentNode', () => {
  test('declares its parameters and follows the lifecycle', () => {
    const { node, transport } = setup();
    assert.equal(transport.parameters.get('action_interface'), 'twist');
    assert.equal(transport.parameters.get('topics.rgb'), '/camera/image_raw');
    assert.equal(node.lifecycle.state, 'unconfigured');
    assert.equal(node.parts, undefined);
    node.lifecycle.trigger('configure');
    assert.ok(node.parts !== undefined);
    assert.equal(node.status().activity, 'inactive');
    node.lifecycle.trigger('activate');
    assert.equal(node.status().state, 'active');
    node.lifecycle.trigger('deactivate');
    node.lifecycle.trigger('cleanup');
    assert.equal(node.parts, undefined);
    node.shutdown();
    assert.equal(node.lifecycle.state, 'finalized');
  });

  test('holds without a goal, acts once a goal image arrives, holds again after clear_goal; publishes status, plan and error', async () => {
    const { node, controller, send, listen, image, bus } = setup();
    const twists = listen('/servo/twist', 'geometry_msgs/msg/TwistStamped');
    const plans = listen('/jepa_agent/plan', 'jepa_agent_msgs/msg/PlanStatus');
    const errors = listen('/jepa_agent/prediction_error', 'jepa_agent_msgs/msg/PredictionError');
    const statuses = listen('/jepa_agent/status', 'jepa_agent_msgs/msg/AgentStatus');
    node.start();
    send('/camera/image_raw', 'sensor_msgs/msg/Image', image());
    await waitFor(() => twists.length >= 1, 'a hold twist');
    assert.equal(controller.decisions, 0, 'no goal: the controller is not asked');
    assert.deepEqual(twists[0].twist.linear, { x: 0, y: 0, z: 0 });
    assert.equal(node.status().activity, 'holding');

    send('/jepa_agent/goal_image', 'sensor_msgs/msg/Image', image(), true);
    await waitFor(() => node.hasGoal, 'the goal');
    send('/camera/image_raw', 'sensor_msgs/msg/Image', image());
    await waitFor(() => controller.decisions >= 1 && plans.some((p) => p.mode === 'plan') && errors.length >= 1, 'a planned tick');
    assert.equal(controller.goals, 1);
    const held = plans[0];
    assert.equal(held.mode, 'hold', 'the hold before the goal has its plan message too');
    assert.ok(Number.isNaN(held.predicted_cost));
    assert.equal(held.horizon, 1);
    const planned = plans.find((p) => p.mode === 'plan')!;
    assert.equal(planned.predicted_cost, 2.5);
    assert.equal(planned.horizon, 2);
    assert.equal(planned.babbling, false);
    assert.equal(planned.sent, true);
    assert.deepEqual(planned.action_names, ['dx', 'dy', 'dz', 'gripper']);
    assert.equal(errors[0].mean_error, 0.5);
    await waitFor(() => twists.some((t) => t.twist.linear.x > 0), 'a moving twist');

    send('/jepa_agent/clear_goal', 'std_msgs/msg/Bool', { data: true });
    await waitFor(() => !node.hasGoal, 'the clear');
    await waitFor(() => statuses.some((s) => s.activity === 'holding' && s.ticks >= 2), 'a status while holding');
    const last = statuses.at(-1)!;
    assert.equal(last.state, 'active');
    assert.equal(last.has_goal, false);
    assert.equal(last.bad_messages, 0);
    node.shutdown();
    assert.ok(bus.published('/servo/twist') >= 3);
  });

  test('e-stop shows in the status; a broken message is counted in it', async () => {
    const { node, send, listen, image } = setup(['topics.estop=/estop']);
    const statuses = listen('/jepa_agent/status', 'jepa_agent_msgs/msg/AgentStatus');
    node.start();
    send('/estop', 'std_msgs/msg/Bool', { data: true });
    send('/camera/image_raw', 'sensor_msgs/msg/Image', { ...image(), encoding: 'weird' });
    await waitFor(() => statuses.some((s) => s.estop && s.activity === 'estopped' && s.bad_messages === 1), 'an e-stopped status with the bad image');
    node.shutdown();
  });

  test('a joint state with a NaN position is refused by the loop, counted with the topic\'s bad messages and logged by name', async () => {
    const { node, send, listen, logger } = setup(['joint_names=[a, b]']);
    const statuses = listen('/jepa_agent/status', 'jepa_agent_msgs/msg/AgentStatus');
    node.start();
    send('/joint_states', 'sensor_msgs/msg/JointState', { header: { stamp: { sec: 100, nanosec: 0 }, frame_id: '' }, name: ['a', 'b'], position: Float64Array.of(0, NaN), velocity: new Float64Array(0), effort: new Float64Array(0) });
    await waitFor(() => statuses.some((s) => s.bad_messages === 1), 'a status counting the refused joint state');
    assert.equal(node.bad.count('/joint_states'), 1);
    assert.ok(logger.lines.some((l) => l.message === "bad message on /joint_states, skipped: joint state: position of joint 'b' is NaN"), logger.lines.map((l) => l.message).join('\n'));
    node.shutdown();
  });

  test('status as JSON strings when the msgs package is missing', async () => {
    const { node, listen, logger } = setup([], (t) => !t.startsWith('jepa_agent_msgs/'));
    const statuses = listen('/jepa_agent/status', 'std_msgs/msg/String');
    node.start();
    await waitFor(() => statuses.length >= 2, 'JSON statuses');
    const json = JSON.parse(statuses.at(-1)!.data) as { type: string; state: string };
    assert.equal(json.type, 'jepa_agent_msgs/msg/AgentStatus');
    assert.equal(json.state, 'active');
    assert.ok(logger.lines.some((l) => /std_msgs\/String JSON instead/.test(l.message)));
    node.shutdown();
  });
});

/**
 * A robot on the in-process bus that publishes a 1x1 camera every `cameraMs` and, `jointLagMs`
 * later, the joint state of the same instant (the image leads, as sim-robot and many drivers do).
 */
function fakeRobot(bus: InProcessBus, cameraMs: number, jointLagMs: number, joints: readonly string[]): { stop: () => void; frames: () => number } {
  const robot = new InProcessTransport(bus, 'fake_robot');
  const image = robot.createPublisher('/camera/image_raw', 'sensor_msgs/msg/Image', DEFAULT_QOS);
  const state = robot.createPublisher('/joint_states', 'sensor_msgs/msg/JointState', DEFAULT_QOS);
  let frames = 0;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const interval = setInterval(() => {
    const stamp = bus.clock();
    const k = frames++;
    image.publish(getMessageCodec('sensor_msgs/msg/Image').encode({ header: { stamp, frame_id: 'cam' }, height: 1, width: 1, encoding: 'rgb8', is_bigendian: 0, step: 3, data: Uint8Array.of(k & 255, 0, 0) }));
    const lag = setTimeout(() => {
      timers.delete(lag);
      state.publish(
        getMessageCodec('sensor_msgs/msg/JointState').encode({
          header: { stamp, frame_id: '' },
          name: [...joints],
          position: Float64Array.from(joints, (_, j) => 0.1 * j + 0.001 * k),
          velocity: new Float64Array(0),
          effort: new Float64Array(0),
        }),
      );
    }, jointLagMs);
    timers.add(lag);
  }, cameraMs);
  return {
    stop: () => {
      clearInterval(interval);
      for (const t of timers) clearTimeout(t);
      robot.close();
    },
    frames: () => frames,
  };
}

function listenStatus(bus: InProcessBus): Array<RosMessageMap['jepa_agent_msgs/msg/AgentStatus']> {
  const out: Array<RosMessageMap['jepa_agent_msgs/msg/AgentStatus']> = [];
  new InProcessTransport(bus, 'status_watcher').subscribe('/jepa_agent/status', 'jepa_agent_msgs/msg/AgentStatus', LATCHED_QOS).subscribe((b) => out.push(getMessageCodec('jepa_agent_msgs/msg/AgentStatus').decode(b)));
  return out;
}

/** A controller that explores with a different action every decision (seeded, no randomness needed). */
class SweepController implements Controller {
  decisions = 0;
  constructor(readonly dim = 4) {}
  setGoal(): void {}
  decide(): Decision {
    const k = this.decisions++;
    const values = Float32Array.from({ length: this.dim }, (_, i) => 0.001 * (i + 1) * ((k % (5 + i)) - 2));
    values[this.dim - 1] = 1;
    return { values, planningMs: 0, mode: 'explore' };
  }
}

/**
 * A 30 Hz camera whose image leads its joint state by 3 ms, 20 Hz twist control, recording: the
 * bag's transitions against the commands that went out. `throttle: false` turns the loop's
 * control-rate throttle off, so the sink's rate limit holds decisions back.
 */
async function fastCameraRun(throttle: boolean, diagnostic: (line: string) => void): Promise<void> {
    const tmp = tempDir('agent-node-rate-');
    const bus = new InProcessBus();
    const params = nodeParams([
      'action_interface=twist',
      'topics.command=/servo/twist',
      'control_rate_hz=20',
      'status_rate_hz=5',
      'required_modalities=[rgb, proprio]',
      'without_goal=explore',
      'sync_slop_ms=50',
      'watchdog.observation_timeout_ms=3000',
      'watchdog.plan_timeout_ms=3000',
    ]);
    const recorder = await BagRecorder.start({ dir: `${tmp.dir}/bag`, thread: 'inline', metadata: nodeBagMetadata(params, '/jepa_agent', actionSpaceFor(params)) });
    const controller = new SweepController();
    const ticks: Array<Extract<LoopEvent, { type: 'tick' }>> = [];
    const node = new AgentNode(new InProcessTransport(bus, 'jepa_agent'), {
      params,
      controller,
      agentConfig: { ...agentLoopConfig(params, defaultConfig().agent), ...(throttle ? {} : { controlHz: 0 }) },
      pointCount: 16,
      logger: recordingLogger(),
      recording: { recorder },
      onEvent: (e) => {
        if (e.type === 'tick') ticks.push(e);
      },
    });
    const watcher = new InProcessTransport(bus, 'watcher');
    const twists: Array<RosMessageMap['geometry_msgs/msg/TwistStamped']> = [];
    watcher.subscribe('/servo/twist', 'geometry_msgs/msg/TwistStamped', DEFAULT_QOS).subscribe((b) => twists.push(getMessageCodec('geometry_msgs/msg/TwistStamped').decode(b)));
    node.start();
    const robot = fakeRobot(bus, 1000 / 30, 3, params.joint_names);
    let status: ReturnType<AgentNode['status']>;
    const statuses = listenStatus(bus);
    try {
      await waitFor(() => node.status().commands_sent >= 40, '40 commands', 30000);
    } finally {
      robot.stop();
      node.shutdown();
      status = node.status();
      watcher.close();
      await recorder.close();
    }
    // The final status, published after shutdown, says so and keeps the figures of the run.
    await waitFor(() => statuses.at(-1)?.state === 'finalized', 'the final status');
    assert.deepEqual(statuses.at(-1), { ...status, header: statuses.at(-1)!.header });
    assert.equal(status.safe_stops, 1);
    assert.equal(status.last_safe_stop_reason, 'shutdown');
    assert.ok(status.commands_sent >= 40);
    const commands = twists.slice(0, status.commands_sent);
    assert.equal(twists.length, status.commands_sent + 1, 'every command, then the stop');
    assert.deepEqual(twists.at(-1)!.twist.linear, { x: 0, y: 0, z: 0 }, 'the stop is a zero twist');
    assert.equal(status.ticks, ticks.length);
    assert.equal(status.ticks, controller.decisions);
    assert.equal(status.commands_sent + status.held_back, ticks.filter((k) => k.action.unsent !== 'estop' && k.action.unsent !== 'failed').length);
    if (throttle) assert.ok(status.ticks < robot.frames(), `${status.ticks} decisions on ${robot.frames()} frames: the loop decides at the control rate, not the camera's`);
    else assert.ok(status.held_back > 0, 'without the loop throttle the sink holds decisions back');

    // The bag's transitions, read back as a learner reads them: the applied actions are the commands, in order.
    const episodes = await readBagEpisodes(`${tmp.dir}/bag`, { convert: (o) => o });
    tmp.cleanup();
    const actions = episodes.flatMap((e) => e.actions);
    const period = 1 / params.control_rate_hz;
    let disagree = 0;
    for (let k = 0; k < actions.length; k++) {
      const c = commands[k].twist.linear;
      const sent = [c.x * period, c.y * period, c.z * period];
      if (sent.some((v, i) => Math.abs(v - actions[k][i]) > 1e-6)) disagree++;
    }
    assert.equal(episodes.length, 1, 'one unbroken episode');
    assert.equal(actions.length, commands.length - 1, 'one transition per command but the last (it has no outcome yet)');
    assert.equal(disagree, 0);
    assert.ok(status.stale_pair_share < 0.05, `stale pairs ${status.stale_pairs} of ${status.ticks}`);
    diagnostic(
      `frames ${robot.frames()}, decisions ${status.ticks} (${status.decision_hz.toFixed(1)}/s), commands ${status.commands_sent} (${status.control_hz.toFixed(1)}/s), held back ${status.held_back}, ` +
        `transitions ${actions.length}, disagreeing ${disagree}, stale pairs ${status.stale_pairs} (${(100 * status.stale_pair_share).toFixed(1)}%), dropped frames ${status.dropped_frames}`,
    );
}

describe('AgentNode on a camera faster than the control rate (30 Hz camera, 20 Hz control, image before joint state)', () => {
  test('recorded transitions are the commands that went out; decisions, commands and held back apart; stale pairs measured', async (t) => {
    await fastCameraRun(true, (line) => t.diagnostic(line));
  });

  test('without the loop throttle, held-back decisions are counted and still never recorded as transitions', async (t) => {
    await fastCameraRun(false, (line) => t.diagnostic(line));
  });
});

describe('AgentNode safe stop (joint_trajectory)', () => {
  test('holds at the freshest joint state received, not the one the loop last decided on', async () => {
    const bus = new InProcessBus();
    const transport = new InProcessTransport(bus, 'jepa_agent');
    const params = nodeParams(['joint_names=[a, b]', 'control_rate_hz=100', 'required_modalities=[rgb, proprio]', 'without_goal=explore', 'watchdog.observation_timeout_ms=5000']);
    const controller = new SweepController(3);
    const node = new AgentNode(transport, { params, controller, agentConfig: agentLoopConfig(params, defaultConfig().agent), pointCount: 16, logger: recordingLogger() });
    const tester = new InProcessTransport(bus, 'tester');
    const trajectories: Array<RosMessageMap['trajectory_msgs/msg/JointTrajectory']> = [];
    tester.subscribe('/arm_controller/joint_trajectory', 'trajectory_msgs/msg/JointTrajectory', DEFAULT_QOS).subscribe((b) => trajectories.push(getMessageCodec('trajectory_msgs/msg/JointTrajectory').decode(b)));
    node.start();
    const jointsSeen: number[][] = [];
    tester.subscribe('/joint_states', 'sensor_msgs/msg/JointState', SENSOR_DATA_QOS).subscribe((b) => jointsSeen.push([...getMessageCodec('sensor_msgs/msg/JointState').decode(b).position]));
    const image = tester.createPublisher('/camera/image_raw', 'sensor_msgs/msg/Image', DEFAULT_QOS);
    const state = tester.createPublisher('/joint_states', 'sensor_msgs/msg/JointState', DEFAULT_QOS);
    const joint = (nanosec: number, position: number[]): Uint8Array =>
      getMessageCodec('sensor_msgs/msg/JointState').encode({ header: { stamp: { sec: 10, nanosec }, frame_id: '' }, name: ['a', 'b'], position: Float64Array.from(position), velocity: new Float64Array(0), effort: new Float64Array(0) });
    state.publish(joint(0, [0.5, -0.25]));
    image.publish(getMessageCodec('sensor_msgs/msg/Image').encode({ header: { stamp: { sec: 10, nanosec: 0 }, frame_id: 'cam' }, height: 1, width: 1, encoding: 'rgb8', is_bigendian: 0, step: 3, data: Uint8Array.of(1, 2, 3) }));
    await waitFor(() => trajectories.length >= 1, 'a command decided on the joint state of 10 s');
    // The arm moved on: a newer joint state arrives just before the stop, with no frame to decide on.
    const newest = [0.5123456789012345, -0.2419876543210987];
    state.publish(joint(50_000_000, newest));
    await waitFor(() => jointsSeen.length >= 2, 'the newer joint state delivered');
    assert.equal(controller.decisions, 1, 'the loop never decided on the newer joint state');
    node.shutdown();
    await waitFor(() => trajectories.length >= 2, 'the hold');
    const hold = trajectories.at(-1)!;
    assert.deepEqual(hold.joint_names, ['a', 'b']);
    assert.deepEqual([...hold.points[0].positions], newest, 'the hold is exactly the newest joint state received');
    tester.close();
  });
});

describe('AgentNode status in every lifecycle state', () => {
  test('published while unconfigured and inactive, in the state each transition ended in, safe stops counted, a final one after shutdown', async () => {
    const { node, listen } = setup(['status_rate_hz=50']);
    const statuses = listen('/jepa_agent/status', 'jepa_agent_msgs/msg/AgentStatus');
    await waitFor(() => statuses.some((s) => s.state === 'unconfigured'), 'a status while unconfigured');
    node.lifecycle.trigger('configure');
    await waitFor(() => statuses.at(-1)?.state === 'inactive', 'the status after configure');
    node.lifecycle.trigger('activate');
    await waitFor(() => statuses.at(-1)?.state === 'active', 'the status after activate');
    node.lifecycle.trigger('deactivate');
    await waitFor(() => statuses.at(-1)?.state === 'inactive', 'the status after deactivate');
    const deactivated = statuses.at(-1)!;
    assert.equal(deactivated.activity, 'inactive');
    assert.equal(deactivated.safe_stops, 1, 'the deactivation stop is counted');
    assert.equal(deactivated.last_safe_stop_reason, 'deactivated');
    node.lifecycle.trigger('cleanup');
    await waitFor(() => statuses.at(-1)?.state === 'unconfigured', 'the status after cleanup');
    assert.equal(statuses.at(-1)!.safe_stops, 1, 'stops of a cleaned-up configuration still count');
    node.lifecycle.trigger('configure');
    node.lifecycle.trigger('activate');
    node.shutdown();
    await waitFor(() => statuses.at(-1)?.state === 'finalized', 'the final status');
    const last = statuses.at(-1)!;
    assert.equal(last.safe_stops, 2);
    assert.equal(last.last_safe_stop_reason, 'shutdown');
    assert.equal(last.activity, 'inactive');
  });
});
