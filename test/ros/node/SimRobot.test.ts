import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Controller, Decision } from '../../../src/agent/Controller.js';
import { defaultConfig, parseConfig } from '../../../src/core/config/Config.js';
import type { Observation } from '../../../src/core/index.js';
import { silentLogger } from '../../../src/core/index.js';
import { AgentNode, agentLoopConfig, parseRosParams, SimRobot, simRobotParamsSchema } from '../../../src/ros/node/index.js';
import { getMessageCodec, InProcessBus, InProcessTransport } from '../../../src/ros/index.js';
import { SimEnv } from '../../../src/sim/SimEnv.js';
import { filterRobotPoints } from '../../../src/perception/index.js';
import { nodeParams, recordingLogger, waitFor } from './fixtures.js';
import { ARM7_JOINTS, testArmSimConfig, writeTestArm } from '../../sim/testArm.js';

// Small and quick: 32x32 camera, 64 points, episodes long enough not to reset mid-test.
function simConfig(actionSpace: 'ee_delta' | 'joint_delta'): ReturnType<typeof defaultConfig>['sim'] {
  return parseConfig({
    sim: { actionSpace, controlHz: 20, episodeSteps: 1000, pointCount: 64, camera: { width: 32, height: 32 }, task: 'reach' },
  }).sim;
}

/** A controller that knows the true goal (test only): what it checks is the ROS path around it. */
class ScriptedController implements Controller {
  goals = 0;
  constructor(readonly policy: (observation: Observation) => Float32Array) {}
  setGoal(): void {
    this.goals++;
  }
  decide(observation: Observation): Decision {
    return { values: this.policy(observation), planningMs: 0 };
  }
}

interface Run {
  readonly robot: SimRobot;
  readonly node: AgentNode;
  readonly bus: InProcessBus;
  readonly controller: ScriptedController;
  stop(): void;
}

function startClosedLoop(env: SimEnv, overrides: string[], policy: (o: Observation) => Float32Array): Run {
  const bus = new InProcessBus();
  const robotTransport = new InProcessTransport(bus, 'jepa_sim_robot');
  const agentTransport = new InProcessTransport(bus, 'jepa_agent');
  // One episode for the whole test: success does not start a new one (the goal stays put).
  const robotParams = parseRosParams(simRobotParamsSchema, 'jepa_sim_robot', undefined, ['reset_when_done=false']);
  const robot = new SimRobot(robotTransport, env, { params: robotParams, logger: silentLogger });
  const params = nodeParams([
    'topics.ee_pose=/jepa_sim/ee_pose',
    'topics.goal_image=/jepa_sim/goal_image',
    'control_rate_hz=20',
    'watchdog.observation_timeout_ms=3000',
    'watchdog.plan_timeout_ms=3000',
    ...overrides,
  ]);
  const controller = new ScriptedController(policy);
  const node = new AgentNode(agentTransport, {
    params,
    controller,
    agentConfig: agentLoopConfig(params, defaultConfig().agent),
    pointCount: 64,
    logger: silentLogger,
  });
  node.start();
  robot.start();
  return {
    robot,
    node,
    bus,
    controller,
    stop: () => {
      node.shutdown();
      robot.stop();
      agentTransport.close();
      robotTransport.close();
    },
  };
}

const clip = (v: number, bound: number): number => Math.max(-bound, Math.min(bound, v));

describe('SimRobot with the agent node over the in-process transport', () => {
  let eeEnv: SimEnv;
  let jointEnv: SimEnv;
  before(async () => {
    eeEnv = await SimEnv.create(simConfig('ee_delta'));
    jointEnv = await SimEnv.create(simConfig('joint_delta'));
  });
  after(() => {
    eeEnv.close();
    jointEnv.close();
  });

  test('twist commands (MoveIt Servo interface) reach the arm and move the tool toward the goal', async () => {
    let goal: readonly number[] = [];
    const seen: Observation[] = [];
    const run = startClosedLoop(eeEnv, ['action_interface=twist', 'topics.command=/servo_node/delta_twist_cmds'], (o) => {
      seen.push(o);
      const ee = o.proprio!.endEffector.position;
      return Float32Array.from([0, 1, 2].map((i) => clip(2 * (goal[i] - ee[i]), 0.025)).concat([1]));
    });
    try {
      await waitFor(() => run.robot.stats.episodes === 1, 'the first episode');
      goal = eeEnv.trueState().goal.position;
      const dist = (): number => Math.hypot(...[0, 1, 2].map((i) => eeEnv.trueState().toolPosition[i] - goal[i]));
      const start = dist();
      await waitFor(() => dist() < 0.3 * start || run.robot.stats.steps >= 120, 'the tool to approach the goal', 20000);
      assert.equal(run.controller.goals, 1, 'the latched goal image arrived through the goal topic');
      assert.ok(run.node.hasGoal);
      assert.ok(run.robot.stats.commands.twist > 5, `twists received: ${run.robot.stats.commands.twist}`);
      assert.equal(run.robot.stats.rejected, 0);
      assert.ok(dist() < 0.3 * start, `tool distance to the goal went from ${start.toFixed(3)} to ${dist().toFixed(3)} m`);
      const status = run.node.status();
      assert.equal(status.state, 'active');
      assert.equal(status.activity, 'acting');
      assert.ok(status.ticks > 5);
      assert.equal(status.bad_messages, 0);
      assert.deepEqual(run.bus.incompatible, []);
      // The arm's shapes came over /robot_description and /tf: every observation the controller
      // decided on carries them, at its cloud's stamp, and they hold the tool.
      assert.ok(seen.length > 5);
      const shapeCount = seen[0].robotShapes?.shapes.length ?? 0;
      assert.ok(shapeCount > 5, `the simulated arm came as ${shapeCount} shapes`);
      for (const o of seen) {
        assert.equal(o.robotShapes?.shapes.length, shapeCount, 'shapes on every observation');
        assert.deepEqual(o.robotShapes.stamp, o.points!.stamp);
        assert.equal(o.robotShapes.frameId, o.points!.frameId);
        const tool = Float32Array.from(o.proprio!.endEffector.position);
        assert.equal(filterRobotPoints(tool, o.robotShapes, 0.05).length, 0, `the tool point at ${[...tool].map((v) => v.toFixed(3)).join(', ')} is within 5 cm of a shape (it lies between the open fingers)`);
      }
    } finally {
      run.stop();
    }
  });

  for (const [iface, topic] of [
    ['joint_trajectory', '/arm_controller/joint_trajectory'],
    ['forward_position', '/forward_position_controller/commands'],
  ] as const) {
    test(`${iface} commands drive the joints toward the goal pose`, async () => {
      let target: Float64Array | undefined;
      const run = startClosedLoop(jointEnv, [`action_interface=${iface}`, `topics.command=${topic}`], (o) => {
        const q = o.proprio!.positions;
        return Float32Array.from([...q].map((qi, i) => (target === undefined ? 0 : clip(0.5 * (target[i] - qi), 0.08))).concat([1]));
      });
      try {
        await waitFor(() => run.robot.stats.episodes >= 1 && run.controller.goals === 1, 'the first episode and its goal');
        target = jointEnv.trueState().goal.armPositions!;
        const goalPose = target;
        const error = (): number => Math.max(...[...jointEnv.trueState().armPositions].map((q, i) => Math.abs(q - goalPose[i])));
        const start = error();
        await waitFor(() => error() < 0.3 * start || run.robot.stats.steps >= 120, 'the joints to approach the goal pose', 20000);
        const key = iface === 'joint_trajectory' ? 'joint_trajectory' : 'position_commands';
        assert.ok(run.robot.stats.commands[key] > 5, `commands received: ${run.robot.stats.commands[key]}`);
        assert.ok(error() < 0.3 * start, `largest joint error went from ${start.toFixed(3)} to ${error().toFixed(3)} rad`);
        assert.equal(run.node.bad.count(), 0);
      } finally {
        run.stop();
      }
    });
  }

  test('commands that do not fit the action space are counted and named, and the robot keeps stepping', async () => {
    const bus = new InProcessBus();
    const robotTransport = new InProcessTransport(bus, 'jepa_sim_robot');
    const robot = new SimRobot(robotTransport, eeEnv, { params: parseRosParams(simRobotParamsSchema, 'jepa_sim_robot', undefined), logger: silentLogger });
    const other = new InProcessTransport(bus, 'tester');
    const pub = other.createPublisher('/forward_position_controller/commands', 'std_msgs/msg/Float64MultiArray', { reliability: 'reliable', durability: 'volatile', depth: 10 });
    robot.start();
    try {
      pub.publish(getMessageCodec('std_msgs/msg/Float64MultiArray').encode({ layout: { dim: [], data_offset: 0 }, data: Float64Array.of(0, 0, 0, 0, 0) }));
      await waitFor(() => robot.stats.rejected === 1 && robot.stats.steps >= 2, 'the rejection');
      assert.equal(robot.bad.count('/forward_position_controller/commands'), 1);
      assert.ok(bus.published('/camera/image_raw') >= 2);
    } finally {
      robot.stop();
      robotTransport.close();
      other.close();
    }
  });
});

describe('SimRobot with another arm: names and sizes from sim.robot', () => {
  let env: SimEnv;
  before(async () => {
    env = await SimEnv.create(testArmSimConfig('arm7', writeTestArm('arm7'), { actionSpace: 'joint_delta', episodeSteps: 1000, pointCount: 64, camera: { width: 32, height: 32 } }));
  });
  after(() => env.close());

  test('joint states carry its 7 joints and the gripper; position commands of that size drive them, others are named errors', async () => {
    const bus = new InProcessBus();
    const robotTransport = new InProcessTransport(bus, 'jepa_sim_robot');
    const logger = recordingLogger();
    const robot = new SimRobot(robotTransport, env, { params: parseRosParams(simRobotParamsSchema, 'jepa_sim_robot', undefined, ['reset_when_done=false']), logger });
    const other = new InProcessTransport(bus, 'tester');
    const names: string[][] = [];
    const sub = other.subscribe('/joint_states', 'sensor_msgs/msg/JointState', { reliability: 'reliable', durability: 'volatile', depth: 10 }).subscribe((bytes) => {
      names.push([...getMessageCodec('sensor_msgs/msg/JointState').decode(bytes).name]);
    });
    const pub = other.createPublisher('/forward_position_controller/commands', 'std_msgs/msg/Float64MultiArray', { reliability: 'reliable', durability: 'volatile', depth: 10 });
    const command = (data: number[]): void => pub.publish(getMessageCodec('std_msgs/msg/Float64MultiArray').encode({ layout: { dim: [], data_offset: 0 }, data: Float64Array.from(data) }));
    robot.start();
    try {
      await waitFor(() => names.length >= 1, 'a joint state');
      assert.deepEqual(names[0], [...ARM7_JOINTS, 'gripper']);
      const home = env.config.robot.home;
      command([...home.slice(0, 2), 0.5, ...home.slice(3)]);
      await waitFor(() => Math.abs(env.trueState().armPositions[2] - 0.5) < 0.05, 'the upper roll to reach 0.5 rad');
      command([0, 0, 0, 0, 0]);
      await waitFor(() => robot.stats.rejected === 1, 'the rejection');
      assert.ok(logger.lines.some((l) => /expected 7 positions \(a1_yaw, a2_shoulder, .*a7_flange\) or 8 with the gripper, got 5/.test(l.message)), logger.lines.map((l) => l.message).join('\n'));
    } finally {
      sub.unsubscribe();
      robot.stop();
      robotTransport.close();
      other.close();
    }
  });
});
