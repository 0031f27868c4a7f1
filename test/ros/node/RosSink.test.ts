import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { asyncScheduler, Subject } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import type { RosMessageMap, RosMessageType } from '../../../src/ros/index.js';
import { DEFAULT_QOS, getMessageCodec, InProcessBus, InProcessTransport } from '../../../src/ros/index.js';
import type { JointVectors } from '../../../src/ros/index.js';
import { actionSpaceFor, BadMessageLog, RosSink } from '../../../src/ros/node/index.js';
import { nodeParams, recordingLogger, waitFor } from './fixtures.js';

function setup(overrides: string[]) {
  const bus = new InProcessBus({ clock: () => ({ sec: 42, nanosec: 7 }) });
  const node = new InProcessTransport(bus, 'jepa_agent');
  const tester = new InProcessTransport(bus, 'tester');
  const params = nodeParams(['joint_names=[a, b]', ...overrides]);
  let now = 0;
  const scheduler = { now: () => now, schedule: asyncScheduler.schedule.bind(asyncScheduler) } as SchedulerLike;
  const joints$ = new Subject<JointVectors>();
  const logger = recordingLogger();
  const bad = new BadMessageLog(logger);
  const sink = new RosSink(node, { params, actionSpace: actionSpaceFor(params), joints$, bad, logger, scheduler });
  const received = <K extends RosMessageType>(topic: string, type: K): Array<RosMessageMap[K]> => {
    const out: Array<RosMessageMap[K]> = [];
    tester.subscribe(topic, type, DEFAULT_QOS).subscribe((b) => out.push(getMessageCodec(type).decode(b)));
    return out;
  };
  const estop = (on: boolean): void => tester.createPublisher('/estop', 'std_msgs/msg/Bool', DEFAULT_QOS).publish(getMessageCodec('std_msgs/msg/Bool').encode({ data: on }));
  return { sink, joints$, received, estop, bad, logger, advance: (ms: number) => (now += ms) };
}

const joints = (positions: number[]): JointVectors => ({ stamp: { sec: 1, nanosec: 0 }, frameId: 'base_link', jointNames: ['a', 'b'], positions: Float64Array.from(positions) });

describe('RosSink', () => {
  test('joint_trajectory: targets = current + delta, stamped, named, one control period ahead; rate-limited', async () => {
    const { sink, joints$, received, advance } = setup(['control_rate_hz=10', 'gripper.joint=finger', 'gripper.closed=0', 'gripper.open=0.04']);
    const out = received('/arm_controller/joint_trajectory', 'trajectory_msgs/msg/JointTrajectory');
    joints$.next(joints([0.5, -0.5]));
    const applied = sink.send({ space: 'joint_delta', values: Float32Array.of(0.05, 1, 1) });
    assert.deepEqual([...applied.values].map((v) => +v.toFixed(3)), [0.05, 0.08, 1], 'clipped to max_joint_delta');
    const held = sink.send({ space: 'joint_delta', values: Float32Array.of(0.05, 0, 1) });
    assert.deepEqual([...held.values], [0, 0, 1], 'too soon: held back, hold returned');
    assert.equal(held.unsent, 'held_back');
    assert.equal(applied.unsent, undefined);
    advance(100);
    sink.send({ space: 'joint_delta', values: Float32Array.of(-0.01, 0, -1) });
    await waitFor(() => out.length === 2, 'two trajectories');
    assert.deepEqual(out[0].header, { stamp: { sec: 42, nanosec: 7 }, frame_id: '' });
    assert.deepEqual(out[0].joint_names, ['a', 'b', 'finger']);
    assert.deepEqual([...out[0].points[0].positions].map((v) => +v.toFixed(4)), [0.55, -0.42, 0.04]);
    assert.deepEqual(out[0].points[0].time_from_start, { sec: 0, nanosec: 100_000_000 });
    assert.deepEqual([...out[1].points[0].positions].map((v) => +v.toFixed(4)), [0.49, -0.5, 0]);
    assert.deepEqual(sink.stats, { sent: 2, heldBack: 1, safeStops: 0 });
    assert.equal(sink.state, 'acting');
  });

  test('forward_position: Float64MultiArray of targets in joint order; safe stop commands the current positions', async () => {
    const { sink, joints$, received } = setup(['action_interface=forward_position', 'topics.command=/fpc/commands']);
    const out = received('/fpc/commands', 'std_msgs/msg/Float64MultiArray');
    joints$.next(joints([1, 2]));
    sink.send({ space: 'joint_delta', values: Float32Array.of(0.01, -0.01, 1) });
    sink.safeStop('observations late');
    await waitFor(() => out.length === 2, 'command and stop');
    assert.deepEqual([...out[0].data].map((v) => +v.toFixed(4)), [1.01, 1.99]);
    assert.deepEqual([...out[1].data], [1, 2]);
    assert.equal(sink.state, 'safe_stop');
    assert.equal(sink.lastStopReason, 'observations late');
  });

  test('without a joint state a joint command cannot be made: counted, hold returned', () => {
    const { sink, bad } = setup([]);
    const applied = sink.send({ space: 'joint_delta', values: Float32Array.of(0.01, 0, 1) });
    assert.deepEqual([...applied.values], [0, 0, 1]);
    assert.equal(bad.count(), 1);
    assert.match(Object.keys(bad.counts())[0], /^\/arm_controller\/joint_trajectory \(command\)$/);
  });

  test('twist: velocity = delta / period in the base frame; e-stop latches until false', async () => {
    const { sink, received, estop, advance, logger } = setup(['action_interface=twist', 'topics.command=/servo/delta_twist_cmds', 'control_rate_hz=20']);
    const out = received('/servo/delta_twist_cmds', 'geometry_msgs/msg/TwistStamped');
    sink.send({ space: 'ee_delta', values: Float32Array.of(0.01, -0.02, 0, 1) });
    await waitFor(() => out.length === 1, 'twist');
    assert.equal(out[0].header.frame_id, 'base_link');
    assert.deepEqual([out[0].twist.linear.x, out[0].twist.linear.y, out[0].twist.linear.z].map((v) => +v.toFixed(6)), [0.2, -0.4, 0]);
    estop(true);
    await waitFor(() => sink.estopped, 'the e-stop');
    await waitFor(() => out.length === 2, 'the stop twist');
    assert.deepEqual(out[1].twist.linear, { x: 0, y: 0, z: 0 });
    advance(1000);
    const applied = sink.send({ space: 'ee_delta', values: Float32Array.of(0.01, 0, 0, 1) });
    assert.deepEqual([...applied.values], [0, 0, 0, 1]);
    assert.equal(sink.state, 'estopped');
    assert.match(logger.lines.map((l) => l.message).join('\n'), /e-stop: \/estop is true; holding until it is false/);
    estop(false);
    await waitFor(() => !sink.estopped, 'the release');
    sink.send({ space: 'ee_delta', values: Float32Array.of(0.01, 0, 0, 1) });
    await waitFor(() => out.length === 3, 'a twist after the release');
    assert.equal(out.length, 3, 'nothing but the stop went out while e-stopped');
  });

  test('a safe stop holds at the joint state with the newest stamp received; a late older one does not move it back', async () => {
    const { sink, joints$, received } = setup(['action_interface=forward_position', 'topics.command=/fpc/commands']);
    const out = received('/fpc/commands', 'std_msgs/msg/Float64MultiArray');
    const at = (sec: number, positions: number[]): JointVectors => ({ ...joints(positions), stamp: { sec, nanosec: 0 } });
    joints$.next(at(1, [1, 2]));
    joints$.next(at(3, [1.25, 2.5]));
    joints$.next(at(2, [1.125, 2.25]));
    assert.deepEqual([...sink.holdPositions!], [1.25, 2.5]);
    sink.safeStop('deactivated');
    await waitFor(() => out.length === 1, 'the hold');
    assert.deepEqual([...out[0].data], [1.25, 2.5]);
    assert.equal(sink.stats.safeStops, 1);
  });

  test('twist: a held-back decision returns the twist the controller keeps executing; after a stop, zero', () => {
    const { sink, advance } = setup(['action_interface=twist', 'topics.command=/servo/twist', 'control_rate_hz=20']);
    sink.send({ space: 'ee_delta', values: Float32Array.of(0.01, -0.02, 0, 1) });
    const held = sink.send({ space: 'ee_delta', values: Float32Array.of(-0.01, 0, 0.02, 1) });
    assert.equal(held.unsent, 'held_back');
    assert.deepEqual([...held.values].map((v) => +v.toFixed(4)), [0.01, -0.02, 0, 1], 'the persisting twist, not zero');
    sink.safeStop('observations late');
    advance(10);
    const afterStop = sink.send({ space: 'ee_delta', values: Float32Array.of(-0.01, 0, 0.02, 1) });
    assert.equal(afterStop.unsent, 'held_back');
    assert.deepEqual([...afterStop.values], [0, 0, 0, 1], 'the stop ended the twist');
    assert.deepEqual(sink.stats, { sent: 1, heldBack: 2, safeStops: 1 });
  });

  test('refuses an action interface that does not match the action space', () => {
    const params = nodeParams(['action_interface=twist']);
    const t = new InProcessTransport(new InProcessBus(), 'n');
    assert.throws(() => new RosSink(t, { params, actionSpace: actionSpaceFor(nodeParams()), bad: new BadMessageLog(recordingLogger()), logger: recordingLogger() }), /action_interface twist cannot send joint_delta actions/);
  });
});
