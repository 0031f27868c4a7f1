// A recording agent node in a closed loop with the simulated robot over the in-process
// transport: the bag must hold the bytes the robot published, as they were, plus the agent's
// records, and read back as the episodes the node lived.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { LoopEvent } from '../../../src/agent/controlLoop.js';
import { BagReader, BagRecorder, BagSource, readBagEpisodes } from '../../../src/bag/index.js';
import { defaultConfig, parseConfig } from '../../../src/core/config/Config.js';
import type { Observation } from '../../../src/core/index.js';
import { silentLogger, toNanoseconds } from '../../../src/core/index.js';
import { actionSpaceFor, AgentNode, agentLoopConfig, nodeBagMetadata, nodeBagTopics, parseRosParams, SimRobot, simRobotParamsSchema } from '../../../src/ros/node/index.js';
import { InProcessBus, InProcessTransport, SENSOR_DATA_QOS } from '../../../src/ros/index.js';
import { SimEnv } from '../../../src/sim/SimEnv.js';
import { tempDir } from '../../bag/fixtures.js';
import { nodeParams, waitFor } from './fixtures.js';

const sha = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex');
const clip = (v: number): number => Math.max(-0.025, Math.min(0.025, v));

describe('a recording agent node (sim robot, in-process transport)', () => {
  let env: SimEnv;
  const tmp = tempDir('node-recording-');
  const bag = `${tmp.dir}/bag`;
  const published = new Map<string, string[]>();
  const ticks: Array<Extract<LoopEvent, { type: 'tick' }>> = [];
  let episodesSeen = 0;

  before(async () => {
    env = await SimEnv.create(parseConfig({ sim: { actionSpace: 'ee_delta', controlHz: 20, episodeSteps: 1000, pointCount: 64, camera: { width: 32, height: 32 }, task: 'reach' } }).sim);
    const bus = new InProcessBus();
    const watcher = new InProcessTransport(bus, 'watcher');
    for (const [topic, type] of [
      ['/camera/image_raw', 'sensor_msgs/msg/Image'],
      ['/joint_states', 'sensor_msgs/msg/JointState'],
      ['/camera/points', 'sensor_msgs/msg/PointCloud2'],
    ] as const) {
      published.set(topic, []);
      watcher.subscribe(topic, type, SENSOR_DATA_QOS).subscribe((b) => published.get(topic)!.push(sha(b)));
    }
    const robotTransport = new InProcessTransport(bus, 'jepa_sim_robot');
    const robot = new SimRobot(robotTransport, env, { params: parseRosParams(simRobotParamsSchema, 'jepa_sim_robot', undefined, ['reset_when_done=false']), logger: silentLogger });
    const params = nodeParams([
      'action_interface=twist',
      'topics.command=/servo_node/delta_twist_cmds',
      'topics.ee_pose=/jepa_sim/ee_pose',
      'topics.goal_image=/jepa_sim/goal_image',
      'required_modalities=[rgb, depth, points, proprio]',
      'control_rate_hz=20',
      'watchdog.observation_timeout_ms=3000',
      'watchdog.plan_timeout_ms=3000',
      'record.exclude=[/jepa_agent/learner]',
    ]);
    const recorder = await BagRecorder.start({ dir: bag, thread: 'inline', metadata: nodeBagMetadata(params, '/jepa_agent', actionSpaceFor(params)) });
    let goal: readonly number[] = [];
    const node = new AgentNode(new InProcessTransport(bus, 'jepa_agent'), {
      params,
      controller: {
        setGoal: () => undefined,
        decide: (o: Observation) => {
          const ee = o.proprio!.endEffector.position;
          return { values: Float32Array.from([0, 1, 2].map((i) => clip(2 * (goal[i] - ee[i]))).concat([1])), planningMs: 0, predictedCost: 0.5 };
        },
      },
      agentConfig: agentLoopConfig(params, defaultConfig().agent),
      pointCount: 64,
      logger: silentLogger,
      recording: { recorder, exclude: params.record.exclude },
      onEvent: (e) => {
        if (e.type === 'tick') ticks.push(e);
        else episodesSeen++;
      },
    });
    node.start();
    robot.start();
    try {
      await waitFor(() => robot.stats.episodes === 1, 'the first episode');
      goal = env.trueState().goal.position;
      await waitFor(() => ticks.length >= 25, '25 control ticks', 30000);
    } finally {
      node.shutdown();
      robot.stop();
      robotTransport.close();
      watcher.close();
      await recorder.close();
    }
  });
  after(() => {
    env.close();
    tmp.cleanup();
  });

  test('every received message is in the bag as the bytes the robot published, once, at its receive time', async () => {
    const reader = await BagReader.open(bag);
    const seen = new Map<string, string[]>();
    const logTimes: bigint[] = [];
    for await (const m of reader.messages()) {
      if (m.messageEncoding !== 'cdr') continue;
      if (published.has(m.topic)) {
        seen.set(m.topic, [...(seen.get(m.topic) ?? []), sha(m.data)]);
        logTimes.push(m.logTime);
      }
    }
    for (const [topic, hashes] of published) {
      const recorded = seen.get(topic) ?? [];
      assert.ok(recorded.length >= 20, `${topic}: ${recorded.length} recorded`);
      // The node subscribed after the watcher and stopped first: its messages are a run of the published ones.
      const at = hashes.indexOf(recorded[0]);
      assert.ok(at >= 0, `${topic}: the first recorded message was published`);
      assert.deepEqual(recorded, hashes.slice(at, at + recorded.length), `${topic}: byte-identical, in order, none twice`);
    }
    assert.deepEqual(logTimes, [...logTimes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  test('what the node published (commands, status) is recorded; an excluded topic is not', async () => {
    const topics = new Map((await BagReader.open(bag).then((r) => r.channels())).map((c) => [c.topic, c.schemaName]));
    assert.equal(topics.get('/servo_node/delta_twist_cmds'), 'geometry_msgs/msg/TwistStamped');
    assert.equal(topics.get('/jepa_agent/status'), 'jepa_agent_msgs/msg/AgentStatus');
    assert.equal(topics.get('/jepa_agent/plan'), 'jepa_agent_msgs/msg/PlanStatus');
    assert.equal(topics.get('/jepa_sim/goal_image'), 'sensor_msgs/msg/Image');
    assert.equal(topics.get('/jepa_agent/transition'), undefined, 'agent records go under /agent');
    assert.equal(topics.get('/agent/transition'), 'jepa_agent.Transition');
    assert.ok(!topics.has('/jepa_agent/learner'));
  });

  test('the bag reads back as the episode the node lived: the messages it decided on and the actions it sent', async () => {
    const episodes = await readBagEpisodes(bag, { convert: (o) => o });
    assert.equal(episodes.length, 1, 'one unbroken run of ticks');
    const [episode] = episodes;
    // The last tick has no observed outcome: one transition fewer than ticks.
    assert.equal(episode.actions.length, ticks.length - 1);
    for (let k = 0; k < episode.actions.length; k++) {
      assert.deepEqual([...episode.actions[k]], [...ticks[k].action.values], `action ${k}`);
      const frame = episode.frames[k];
      const lived = ticks[k].observation;
      for (const part of ['rgb', 'depth', 'points', 'proprio'] as const) {
        assert.equal(toNanoseconds(frame[part]!.stamp), toNanoseconds(lived[part]!.stamp), `tick ${k} ${part} stamp`);
      }
      assert.deepEqual(frame.rgb!.data, lived.rgb!.data);
      assert.deepEqual([...frame.proprio!.positions], [...lived.proprio!.positions]);
      assert.deepEqual(frame.proprio!.endEffector.position, lived.proprio!.endEffector.position, 'end effector from the arm-state record');
      // The arm's shapes the node posed from sim-robot's /robot_description and /tf are posed again from the recorded ones.
      assert.ok(lived.robotShapes !== undefined && lived.robotShapes.shapes.length > 5, `tick ${k}: the node perceived the arm's shapes`);
      assert.deepEqual(frame.robotShapes, lived.robotShapes, `tick ${k} robot shapes`);
    }
  });

  test('its metadata names the node topics, so a replay needs no configuration', async () => {
    const source = await BagSource.open(bag, { rate: 'max' });
    assert.equal(source.actionSpace.kind, 'ee_delta');
    let rgb = 0;
    let proprio = 0;
    source.rgb$.subscribe(() => rgb++);
    source.proprio$.subscribe(() => proprio++);
    await source.start();
    const recorded = (await (await BagReader.open(bag)).channels()).length;
    assert.ok(recorded > 5);
    assert.ok(rgb >= 20 && proprio >= 20, `rgb ${rgb}, proprio ${proprio}`);
    assert.equal(episodesSeen, 1, 'one goal event: the latched goal image');
    assert.equal(nodeBagTopics(nodeParams(['topics.rgb_compressed=cam/compressed']), '/ns/agent').rgb, '/ns/cam/compressed');
  });
});
