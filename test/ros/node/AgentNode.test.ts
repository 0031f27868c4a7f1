import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Controller, Decision } from '../../../src/agent/Controller.js';
import { defaultConfig } from '../../../src/core/config/Config.js';
import type { RosMessageMap, RosMessageType } from '../../../src/ros/index.js';
import { DEFAULT_QOS, getMessageCodec, InProcessBus, InProcessTransport, LATCHED_QOS } from '../../../src/ros/index.js';
import { AgentNode, agentLoopConfig } from '../../../src/ros/node/index.js';
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
