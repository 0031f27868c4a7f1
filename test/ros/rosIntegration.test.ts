// Two real processes over real ROS 2: `jepa-agent sim-robot` and `jepa-agent run`, with this
// test process as a third rclnodejs node that watches the topics (and, at the end, drives
// the arm with a scripted controller through the same AgentNode the `run` command uses).
// Runs only when ROS 2 is sourced and rclnodejs is built; otherwise it says why it skipped.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Controller, Decision } from '../../src/agent/Controller.js';
import { BagReader, readBagEpisodes } from '../../src/bag/index.js';
import { defaultConfig } from '../../src/core/config/Config.js';
import type { Observation, Timestamp } from '../../src/core/index.js';
import { silentLogger, toSeconds } from '../../src/core/index.js';
import { DEFAULT_QOS, getMessageCodec, LATCHED_QOS, loadRclnodejs, RclnodejsTransport, rosPreflight, SENSOR_DATA_QOS, stampedPoseFromRos } from '../../src/ros/index.js';
import { AgentNode, agentLoopConfig } from '../../src/ros/node/index.js';
import { nodeParams, waitFor } from './node/fixtures.js';
import { TEST_ENGINE_OVERRIDE } from '../backend.js';

const preflight = rosPreflight(process.env);
const skip = preflight.ok ? false : `ROS 2 is not available: ${preflight.problems.join('; ')}`;
if (skip !== false) process.stdout.write(`# rosIntegration skipped: ${skip}\n`);

const CLI = new URL('../../src/cli/main.js', import.meta.url).pathname;
const SIM = ['--set', 'sim.camera.width=64', '--set', 'sim.camera.height=64', '--set', 'sim.episodeSteps=100000', '--set', 'sim.controlHz=20'];

function start(args: string[]): ChildProcess & { output: string[] } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }) as ChildProcess & { output: string[] };
  child.output = [];
  child.stdout?.on('data', (d: Buffer) => child.output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => child.output.push(d.toString()));
  return child;
}

/** SIGINT (as Ctrl-C; `ros2 run` and plain timeouts are avoided, see NOTES.md) and the exit code. */
function interrupt(child: ChildProcess, timeoutMs = 30000): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process ${child.pid} did not exit within ${timeoutMs} ms of SIGINT`)), timeoutMs);
    if (child.exitCode !== null || child.signalCode !== null) {
      // Already gone (e.g. it failed at startup): its 'exit' event has fired and will not again.
      clearTimeout(timer);
      resolve(child.exitCode);
      return;
    }
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGINT');
  });
}

const seconds = (t: Timestamp): number => toSeconds(t);

// One rclnodejs context for the whole file (its test node watches the topics of each suite), closed after the last.
let shared: Promise<RclnodejsTransport> | undefined;
const testTransport = (): Promise<RclnodejsTransport> =>
  (shared ??= loadRclnodejs('the integration test').then((rcl) => RclnodejsTransport.create(rcl, { nodeName: 'jepa_integration_test' })));
after(async () => {
  if (shared !== undefined) (await shared).close();
});
const sha = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex');

describe('ROS 2 integration: sim-robot and run as separate processes', { skip }, () => {
  let robot: ChildProcess & { output: string[] };
  let transport: RclnodejsTransport;
  const dir = mkdtempSync(join(tmpdir(), 'jepa-ros-'));
  const bag = join(dir, 'bag');
  before(async () => {
    robot = start(['sim-robot', ...SIM]);
    transport = await testTransport();
  });
  after(async () => {
    if (robot !== undefined && robot.exitCode === null) await interrupt(robot);
    rmSync(dir, { recursive: true, force: true });
  });

  test('sim-robot publishes at its rate; run sends twist commands and exits 0 on SIGINT with a checkpoint', async () => {
    const images: number[] = [];
    const imageHashes = new Set<string>();
    const latencies: number[] = [];
    let twists = 0;
    const subs = [
      transport.subscribe('/camera/image_raw', 'sensor_msgs/msg/Image', SENSOR_DATA_QOS).subscribe((b) => {
        const msg = getMessageCodec('sensor_msgs/msg/Image').decode(b);
        images.push(Date.now());
        imageHashes.add(sha(b));
        latencies.push((seconds(transport.now()) - seconds(msg.header.stamp)) * 1000);
      }),
      transport.subscribe('/servo_node/delta_twist_cmds', 'geometry_msgs/msg/TwistStamped', DEFAULT_QOS).subscribe(() => twists++),
    ];
    await waitFor(() => images.length >= 40, '40 images from sim-robot', 60000);
    const rate = (images.length - 1) / ((images.at(-1)! - images[0]) / 1000);
    process.stdout.write(`# sim-robot images: ${rate.toFixed(1)} Hz, stamp-to-receive latency p50 ${latencies.sort((a, b) => a - b)[Math.floor(latencies.length / 2)].toFixed(1)} ms\n`);
    assert.ok(rate > 10, `image rate ${rate} Hz`);

    const checkpoint = join(dir, 'checkpoint');
    const run = start([
      'run', '-p', 'action_interface=twist', '-p', 'topics.command=/servo_node/delta_twist_cmds', '-p', 'topics.ee_pose=/jepa_sim/ee_pose',
      '-p', 'topics.goal_image=/jepa_sim/goal_image', '-p', 'learn=false', '-p', 'without_goal=explore', '-p', `checkpoint_out=${checkpoint}`,
      '-p', 'watchdog.plan_timeout_ms=5000', '--record', bag, '--set', TEST_ENGINE_OVERRIDE, '--set', 'model.points.count=64', '--set', 'plan.samples=16', '--set', 'plan.elites=4', '--set', 'plan.iterations=1',
    ]);
    try {
      await waitFor(() => twists >= 10, 'ten twist commands from run', 120000);
    } finally {
      const code = await interrupt(run, 60000);
      subs.forEach((s) => s.unsubscribe());
      assert.equal(code, 0, run.output.join(''));
    }
    assert.ok(existsSync(join(checkpoint, 'manifest.json')), 'the checkpoint saved on SIGINT');

    // The bag run recorded: the robot's topics as the bytes that arrived, its own commands, its records.
    const reader = await BagReader.open(bag);
    const channels = new Map((await reader.channels()).map((c) => [c.topic, c.schemaName]));
    for (const [topic, type] of [
      ['/camera/image_raw', 'sensor_msgs/msg/Image'],
      ['/joint_states', 'sensor_msgs/msg/JointState'],
      ['/servo_node/delta_twist_cmds', 'geometry_msgs/msg/TwistStamped'],
      ['/jepa_agent/status', 'jepa_agent_msgs/msg/AgentStatus'],
      ['/agent/transition', 'jepa_agent.Transition'],
    ]) {
      assert.equal(channels.get(topic), type, `${topic} recorded`);
    }
    let recorded = 0;
    let seen = 0;
    for await (const m of reader.messages({ topics: ['/camera/image_raw'] })) {
      recorded++;
      if (imageHashes.has(sha(m.data))) seen++;
    }
    process.stdout.write(`# run --record: ${recorded} images recorded, ${seen} byte-identical to what this test's subscriber received (both best effort)\n`);
    assert.ok(recorded >= 10 && seen >= 0.8 * recorded, `${seen} of ${recorded} recorded images match received bytes`);
    const episodes = await readBagEpisodes(bag, { convert: () => 0 });
    const transitions = episodes.reduce((n, e) => n + e.actions.length, 0);
    assert.ok(transitions >= 5, 'transitions join the recorded messages');

    // The final status went out after SIGINT (the bag keeps what the node published): it says so.
    const statusCodec = getMessageCodec('jepa_agent_msgs/msg/AgentStatus');
    let last: ReturnType<typeof statusCodec.decode> | undefined;
    for await (const m of reader.messages({ topics: ['/jepa_agent/status'] })) last = statusCodec.decode(m.data);
    process.stdout.write(
      `# run final status: ${last?.state}, decisions ${last?.ticks}, commands ${last?.commands_sent} (${last?.control_hz.toFixed(1)}/s), held back ${last?.held_back}, ` +
        `stale pairs ${last?.stale_pairs} (${((last?.stale_pair_share ?? 0) * 100).toFixed(1)}%), transitions ${transitions}\n`,
    );
    assert.ok(last !== undefined, 'a status in the bag');
    assert.equal(last.state, 'finalized');
    assert.equal(last.last_safe_stop_reason, 'shutdown');
    assert.ok(last.safe_stops >= 1);
    assert.ok(last.commands_sent >= 10);
    assert.ok(transitions <= last.commands_sent, 'no more transitions than commands that went out');
    assert.ok(last.stale_pair_share < 0.05, `stale pairs ${last.stale_pairs} of ${last.ticks}`);
  });

  test('commands arrive through ROS 2 and the simulated arm moves toward the goal (scripted controller)', async () => {
    let goal: readonly number[] | undefined;
    let ee: readonly number[] | undefined;
    const subs = [
      transport.subscribe('/jepa_sim/goal_pose', 'geometry_msgs/msg/PoseStamped', LATCHED_QOS).subscribe((b) => (goal = stampedPoseFromRos(getMessageCodec('geometry_msgs/msg/PoseStamped').decode(b)).pose.position)),
      transport.subscribe('/jepa_sim/ee_pose', 'geometry_msgs/msg/PoseStamped', DEFAULT_QOS).subscribe((b) => (ee = stampedPoseFromRos(getMessageCodec('geometry_msgs/msg/PoseStamped').decode(b)).pose.position)),
    ];
    await waitFor(() => goal !== undefined && ee !== undefined, 'the goal and tool poses', 30000);
    const distance = (): number => Math.hypot(...[0, 1, 2].map((i) => ee![i] - goal![i]));
    const initial = distance();
    const controller: Controller = {
      setGoal: () => undefined,
      decide: (o: Observation): Decision => {
        const p = o.proprio!.endEffector.position;
        return { values: Float32Array.from([0, 1, 2].map((i) => Math.max(-0.025, Math.min(0.025, 2 * (goal![i] - p[i])))).concat([1])), planningMs: 0 };
      },
    };
    const params = nodeParams(['action_interface=twist', 'topics.command=/servo_node/delta_twist_cmds', 'topics.ee_pose=/jepa_sim/ee_pose', 'topics.goal_image=/jepa_sim/goal_image', 'control_rate_hz=20']);
    const node = new AgentNode(transport, { params, controller, agentConfig: agentLoopConfig(params, defaultConfig().agent), pointCount: 64, logger: silentLogger });
    node.start();
    try {
      await waitFor(() => distance() < 0.5 * initial, `the tool to halve its distance to the goal (${initial.toFixed(3)} m)`, 30000);
      assert.ok(node.status().ticks > 0);
    } finally {
      node.shutdown();
      subs.forEach((s) => s.unsubscribe());
    }
  });

  test('replay --ros publishes the recorded bytes onto the graph; a subscriber receives them, in order, with /clock', async () => {
    // The robot goes first, so what arrives on its topics now is the replay.
    await interrupt(robot);
    const expected: string[] = [];
    for await (const m of (await BagReader.open(bag)).messages({ topics: ['/camera/image_raw', '/joint_states'] })) expected.push(`${m.topic} ${sha(m.data)}`);
    const received: string[] = [];
    let clocks = 0;
    const deep = { ...DEFAULT_QOS, depth: 1000 };
    const subs = [
      transport.subscribe('/camera/image_raw', 'sensor_msgs/msg/Image', deep).subscribe((b) => received.push(`/camera/image_raw ${sha(b)}`)),
      transport.subscribe('/joint_states', 'sensor_msgs/msg/JointState', deep).subscribe((b) => received.push(`/joint_states ${sha(b)}`)),
      transport.subscribe('/clock', 'rosgraph_msgs/msg/Clock', deep).subscribe(() => clocks++),
    ];
    try {
      const replay = start(['replay', bag, '--ros', '--rate', '2', '--clock', '20', '--delay', '2']);
      const code = await new Promise<number | null>((resolve) => (replay.exitCode !== null ? resolve(replay.exitCode) : replay.once('exit', resolve)));
      assert.equal(code, 0, replay.output.join(''));
      await waitFor(() => received.length >= expected.length, `${expected.length} replayed messages`, 10000).catch(() => undefined);
      const summary = JSON.parse(replay.output.join('').split('\n').find((l) => l.startsWith('{'))!) as { graph: { published: Record<string, number>; clock: number } };
      process.stdout.write(`# replay --ros: ${received.length} of ${expected.length} messages received byte-identical, ${clocks} /clock of ${summary.graph.clock}\n`);
      // Order holds per topic; DDS does not order messages across topics.
      const byTopic = (list: string[]): Record<string, string[]> => {
        const out: Record<string, string[]> = {};
        for (const l of list) (out[l.split(' ')[0]] ??= []).push(l);
        return out;
      };
      assert.deepEqual(byTopic(received), byTopic(expected), 'every replayed message, as recorded, in order on its topic');
      assert.ok(clocks > 0 && clocks === summary.graph.clock);
    } finally {
      subs.forEach((s) => s.unsubscribe());
    }
  });
});

// A camera faster than the control rate (issue 14): sim-robot publishes at 30 Hz, image before joint
// state, and takes joint trajectories; `run` decides and commands at 20 Hz through the trajectory
// interface and records everything it receives and publishes. Its bag then shows, with the receive
// and send times of the node itself, that the transitions are the commands that went out and that
// the hold on SIGINT is the newest joint state the node had received, not the one it last decided on.
const FAST_CAMERA = ['--set', 'sim.camera.width=64', '--set', 'sim.camera.height=64', '--set', 'sim.episodeSteps=100000', '--set', 'sim.controlHz=30', '--set', 'sim.actionSpace=joint_delta'];
const ARM = ['shoulder_pan', 'shoulder_lift', 'elbow', 'wrist_pitch', 'wrist_roll'];
const TRAJECTORY_TOPIC = '/arm_controller/joint_trajectory';

describe('ROS 2 integration: a 30 Hz camera, 20 Hz joint-trajectory control and the safe stop', { skip }, () => {
  let robot: ChildProcess & { output: string[] };
  let transport: RclnodejsTransport;
  const dir = mkdtempSync(join(tmpdir(), 'jepa-ros-trajectory-'));
  const bag = join(dir, 'bag');
  before(async () => {
    robot = start(['sim-robot', ...FAST_CAMERA]);
    transport = await testTransport();
  });
  after(async () => {
    if (robot !== undefined && robot.exitCode === null) await interrupt(robot);
    rmSync(dir, { recursive: true, force: true });
  });

  test('transitions agree with the trajectories that went out; decisions at the control rate; the hold on SIGINT is the newest joint state received', async () => {
    const images: number[] = [];
    let commands = 0;
    const subs = [
      transport.subscribe('/camera/image_raw', 'sensor_msgs/msg/Image', SENSOR_DATA_QOS).subscribe(() => images.push(Date.now())),
      transport.subscribe(TRAJECTORY_TOPIC, 'trajectory_msgs/msg/JointTrajectory', DEFAULT_QOS).subscribe(() => commands++),
    ];
    await waitFor(() => images.length >= 60, '60 images from sim-robot', 60000);
    const rate = (images.length - 1) / ((images.at(-1)! - images[0]) / 1000);
    process.stdout.write(`# sim-robot camera: ${rate.toFixed(1)} Hz\n`);
    assert.ok(rate > 20, `camera rate ${rate} Hz: faster than the 20 Hz control rate`);

    const run = start([
      'run', '-p', 'action_interface=joint_trajectory', '-p', `topics.command=${TRAJECTORY_TOPIC}`, '-p', 'control_rate_hz=20', '-p', 'topics.ee_pose=/jepa_sim/ee_pose',
      '-p', 'topics.goal_image=/jepa_sim/goal_image', '-p', 'learn=false', '-p', 'without_goal=explore', '-p', `checkpoint_out=${join(dir, 'checkpoint')}`,
      '-p', 'watchdog.plan_timeout_ms=5000', '--record', bag, '--set', TEST_ENGINE_OVERRIDE, '--set', 'model.actionDim=6', '--set', 'model.points.count=64', '--set', 'plan.samples=16', '--set', 'plan.elites=4', '--set', 'plan.iterations=1',
    ]);
    try {
      // Three seconds of commands at 20 Hz, so that the arm is moving when the stop comes.
      await waitFor(() => commands >= 60, 'sixty trajectory commands from run', 120000);
    } finally {
      const code = await interrupt(run, 60000);
      subs.forEach((s) => s.unsubscribe());
      assert.equal(code, 0, run.output.join(''));
    }

    // The node's own record: every joint state as it arrived, every trajectory as it went out, in the node's clock.
    const reader = await BagReader.open(bag);
    const jointCodec = getMessageCodec('sensor_msgs/msg/JointState');
    const trajectoryCodec = getMessageCodec('trajectory_msgs/msg/JointTrajectory');
    /** The newest joint state (by stamp, as the sink keeps it) received so far, as arm positions by name. */
    let newest: { stamp: number; positions: number[] } | undefined;
    const sent: Array<{ targets: number[]; from: number[]; logTime: bigint }> = [];
    for await (const m of reader.messages({ topics: ['/joint_states', TRAJECTORY_TOPIC] })) {
      if (m.topic === '/joint_states') {
        const js = jointCodec.decode(m.data);
        const stamp = seconds(js.header.stamp);
        if (newest === undefined || stamp >= newest.stamp) newest = { stamp, positions: ARM.map((j) => js.position[js.name.indexOf(j)]) };
      } else {
        const t = trajectoryCodec.decode(m.data);
        assert.ok(newest !== undefined, 'a trajectory goes out only after a joint state arrived');
        const point = t.points[0];
        sent.push({ targets: ARM.map((j) => point.positions[t.joint_names.indexOf(j)]), from: newest.positions, logTime: m.logTime });
      }
    }
    const statusCodec = getMessageCodec('jepa_agent_msgs/msg/AgentStatus');
    let last: ReturnType<typeof statusCodec.decode> | undefined;
    for await (const m of reader.messages({ topics: ['/jepa_agent/status'] })) last = statusCodec.decode(m.data);
    assert.ok(last !== undefined, 'a status in the bag');
    assert.equal(last.state, 'finalized');
    assert.equal(last.last_safe_stop_reason, 'shutdown');
    assert.ok(last.safe_stops >= 1);
    // The commands counted as sent come first; what follows them is the safe stop's hold.
    const holds = sent.slice(last.commands_sent);
    assert.ok(last.commands_sent >= 60 && holds.length >= 1, `${sent.length} trajectories in the bag for ${last.commands_sent} commands sent: the commands, then the hold`);

    // The hold on SIGINT is exactly the newest joint state received before it (not the one last decided on).
    for (const hold of holds) assert.deepEqual(hold.targets, hold.from, 'the commanded hold equals the newest received joint state');
    const hold = holds[0];
    const lastCommand = sent[last.commands_sent - 1];
    const moved = Math.max(...ARM.map((_, i) => Math.abs(hold.from[i] - lastCommand.from[i])));
    process.stdout.write(`# safe stop: hold ${(Number(hold.logTime - lastCommand.logTime) / 1e6).toFixed(1)} ms after the last command; the arm moved up to ${moved.toFixed(4)} rad since the joint state that command was built on\n`);

    // Every recorded transition is a command that went out: its applied delta is the command's target minus the
    // joint state the sink built it from (matched in order; a transition matching no command disagrees).
    const episodes = await readBagEpisodes<number>(bag, { convert: () => 0 });
    const actions = episodes.flatMap((e) => e.actions);
    const deltas = sent.slice(0, last.commands_sent).map((c) => c.targets.map((t, i) => t - c.from[i]));
    let next = 0;
    let disagree = 0;
    for (const a of actions) {
      const k = deltas.findIndex((d, i) => i >= next && d.every((v, j) => Math.abs(v - a[j]) < 1e-6));
      if (k < 0) disagree++;
      else next = k + 1;
    }
    process.stdout.write(
      `# 30 Hz camera, 20 Hz trajectories: decisions ${last.ticks} (${last.decision_hz.toFixed(1)}/s), commands ${last.commands_sent} (${last.control_hz.toFixed(1)}/s), held back ${last.held_back}, ` +
        `stale pairs ${last.stale_pairs} (${(100 * last.stale_pair_share).toFixed(1)}%), transitions ${actions.length}, disagreeing ${disagree}\n`,
    );
    assert.ok(last.decision_hz < 20 * 1.15, `decisions at the control rate, not the camera's: ${last.decision_hz.toFixed(1)}/s`);
    assert.ok(actions.length >= 30, `${actions.length} transitions`);
    assert.ok(actions.length <= last.commands_sent, 'no more transitions than commands that went out');
    assert.ok(disagree / actions.length < 0.02, `${disagree} of ${actions.length} transitions disagree with the commands that went out`);
    assert.ok(last.stale_pair_share < 0.05, `stale pairs ${last.stale_pairs} of ${last.ticks}`);
  });
});
