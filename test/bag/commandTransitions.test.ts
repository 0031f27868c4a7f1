// A bag as `ros2 bag record` writes it from a robot: camera, depth, joint states and commands
// as CDR, no agent records, no metadata, topic names of its own. Episodes are built from it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BagRecorder, readBagEpisodes, topicRoles } from '../../src/bag/index.js';
import type { Observation } from '../../src/core/index.js';
import { toNanoseconds } from '../../src/core/index.js';
import { getMessageCodec } from '../../src/ros/index.js';
import { gripperMetadata } from '../../src/bag/bagMetadata.js';
import { plainBagStamp as at, tempDir, writePlainBag } from './fixtures.js';

function assertClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) < 1e-6, `${what}: [${i}] ${actual[i]} vs ${expected[i]}`);
}

describe('episodes of a bag without agent records', () => {
  const tmp = tempDir('plain-bag-');
  let twists: number[][];
  let trajectories: number[][];
  before(async () => {
    twists = await writePlainBag(join(tmp.dir, 'twist'), 'twist');
    trajectories = await writePlainBag(join(tmp.dir, 'trajectory'), 'trajectory');
  });
  after(() => tmp.cleanup());

  test('twist commands: one step per command, from the frame before it to the next one, the twist over one command period', async () => {
    const how: string[] = [];
    const episodes = await readBagEpisodes<Observation>(join(tmp.dir, 'twist'), { convert: (o) => o, jointNames: ['j1', 'j2'], onBag: (_bag, _n, h) => how.push(h) });
    assert.equal(episodes.length, 1);
    const [ep] = episodes;
    assert.match(how[0], /no agent records: \d+ transitions built from 20 commands on \/servo\/cmd and the rgb frames on \/cam\/color/);
    // 20 commands at 7, 57, ..., 957 ms; the last has no next frame.
    assert.equal(ep.actions.length, 19);
    for (let k = 0; k < ep.actions.length; k++) {
      assertClose(ep.actions[k], twists[k], `action ${k}`);
    }
    for (const [k, f] of ep.frames.entries()) {
      assert.ok(f.rgb !== undefined && f.depth !== undefined && f.proprio !== undefined, `frame ${k} has colour, depth and joints`);
      assert.equal(toNanoseconds(f.proprio.stamp), toNanoseconds(f.rgb.stamp), 'the joint state of the frame instant');
      assert.ok(toNanoseconds(f.rgb.stamp) <= toNanoseconds(at(7 + 50 * k)), 'the newest frame at or before the command');
    }
    // Joint states arrive every 10 ms and frames every 33: a frame at 33 ms pairs with the interpolation of 30 and 40.
    const frame33 = ep.frames.find((f) => toNanoseconds(f.rgb!.stamp) === toNanoseconds(at(33)));
    assert.ok(frame33 !== undefined);
    assertClose(frame33.proprio!.positions, [0.2 + 33 / 10000, -0.1 + 33 / 20000], 'interpolated joints');
  });

  test('trajectory commands: the target minus the joint state at the command, by joint name', async () => {
    const episodes = await readBagEpisodes<Observation>(join(tmp.dir, 'trajectory'), { convert: (o) => o, jointNames: ['j1', 'j2'] });
    const actions = episodes.flatMap((e) => e.actions);
    assert.equal(actions.length, 19);
    for (let k = 0; k < actions.length; k++) assertClose(actions[k], trajectories[k], `action ${k}`);
  });

  test('a bag with neither agent records nor a command topic is reported, not read as episodes', async () => {
    const dir = join(tmp.dir, 'sensors-only');
    const recorder = await BagRecorder.start({ dir, thread: 'inline' });
    recorder.writeRaw('/cam/color', 'sensor_msgs/msg/Image', 1n, getMessageCodec('sensor_msgs/msg/Image').encode({ header: { stamp: at(0), frame_id: '' }, height: 1, width: 1, encoding: 'rgb8', is_bigendian: 0, step: 3, data: new Uint8Array(3) }));
    await recorder.close();
    const how: string[] = [];
    assert.deepEqual(await readBagEpisodes(dir, { convert: (o) => o, onBag: (_b, _n, h) => how.push(h) }), []);
    assert.match(how[0], /skipped: no agent transitions, and no command topic \(TwistStamped, JointTrajectory or Float64MultiArray\) with messages to build them from/);
  });

  test('a trajectory that carries the gripper as one more joint (as our node sends it) gives the gripper component', async () => {
    const sent = await writePlainBag(join(tmp.dir, 'gripper'), 'trajectory', 1, { gripper: true });
    const how: string[] = [];
    const episodes = await readBagEpisodes<Observation>(join(tmp.dir, 'gripper'), { convert: (o) => o, jointNames: ['j1', 'j2'], onBag: (_b, _n, h) => how.push(h) });
    const actions = episodes.flatMap((e) => e.actions);
    assert.equal(actions.length, 19);
    for (let k = 0; k < actions.length; k++) assertClose(actions[k], sent[k], `action ${k}`);
    assert.equal(actions[0][2], -0.5, 'opening 0.25 is gripper command -0.5');
    assert.match(how[0], /gripper from 20 commands/);
    const twistHow: string[] = [];
    await readBagEpisodes<Observation>(join(tmp.dir, 'twist'), { convert: (o) => o, onBag: (_b, _n, h) => twistHow.push(h) });
    assert.match(twistHow[0], /gripper 1: the commands do not carry it/);
  });

  test('two colour cameras: inference fails naming both, --rgb settles it', async () => {
    const dir = join(tmp.dir, 'two-cameras');
    const sent = await writePlainBag(dir, 'twist', 1, { secondCamera: '/cam2/color' });
    await assert.rejects(readBagEpisodes(dir, { convert: (o) => o }), (error: Error) => {
      assert.match(error.message, /two-cameras: 2 topics could be its rgb \((\/cam\/color, \/cam2\/color|\/cam2\/color, \/cam\/color)\).*--rgb TOPIC or in a --topics FILE/);
      return true;
    });
    const episodes = await readBagEpisodes<Observation>(dir, { convert: (o) => o, roles: { rgb: '/cam2/color' } });
    assert.equal(episodes.length, 1);
    assert.equal(episodes[0].actions.length, 19);
    assertClose(episodes[0].actions[3], sent[3], 'action 3');
    // The first camera's pixels carry their millisecond; the second's are black.
    assert.ok(episodes[0].frames.every((f) => f.rgb!.data.every((v) => v === 0)), 'the colour frames of the topic given');
  });

  test('a mapping file gives the roles (YAML or JSON), the flags override it; unknown roles are errors', () => {
    const yaml = join(tmp.dir, 'roles.yaml');
    writeFileSync(yaml, 'rgb: /cam/color\ncommand: /servo/cmd\n');
    assert.deepEqual(topicRoles({ topicsFile: yaml }), { rgb: '/cam/color', command: '/servo/cmd' });
    assert.deepEqual(topicRoles({ topicsFile: yaml, rgb: '/cam2/color', joints: '/my_arm/joint_states' }), { rgb: '/cam2/color', command: '/servo/cmd', joints: '/my_arm/joint_states' });
    const json = join(tmp.dir, 'roles.json');
    writeFileSync(json, JSON.stringify({ depth: '/cam/depth', colour: '/cam/color' }));
    assert.throws(() => topicRoles({ topicsFile: json }), /--topics .*roles\.json: unknown role 'colour' \(known: rgb, depth, points, joints, command\)/);
  });

  test('a named topic the bag does not hold is an error naming the bag, the topic and its topics', async () => {
    const dir = join(tmp.dir, 'twist');
    await assert.rejects(
      readBagEpisodes(dir, { convert: (o) => o, roles: { command: '/arm/cmd' } }),
      /bag .*twist: topic \/arm\/cmd \(given as --command\) is not in it; it holds .*\/servo\/cmd \(geometry_msgs\/msg\/TwistStamped\)/,
    );
    await assert.rejects(readBagEpisodes(dir, { convert: (o) => o, roles: { command: '/cam/color' } }), /command topic \/cam\/color carries sensor_msgs\/msg\/Image/);
  });
  test('a start/end window and a topic list: only the messages in them are read, as a replay reads them', async () => {
    const dir = join(tmp.dir, 'twist');
    // Log times are stamps + 2 ms. The window holds commands 4..11 (207 .. 557 ms) and the frames from 198 ms.
    const startTime = toNanoseconds(at(200));
    const endTime = toNanoseconds(at(600));
    const how: string[] = [];
    const episodes = await readBagEpisodes<Observation>(dir, { convert: (o) => o, startTime, endTime, onBag: (_b, _n, h) => how.push(h) });
    assert.equal(episodes.length, 1);
    const [ep] = episodes;
    assert.match(how[0], /built from 8 commands on \/servo\/cmd .* \(of the messages in the window read: start, end, topics\)/);
    // Command 4's frame (198 ms) has no joint state before it in the window (190 ms is outside), so its
    // step has no observation: one step per command from command 5 on, but the last.
    assert.equal(ep.actions.length, 6);
    for (let k = 0; k < ep.actions.length; k++) assertClose(ep.actions[k], twists[k + 5], `action ${k}`);
    for (const f of ep.frames) {
      const t = toNanoseconds(f.rgb!.stamp) + 2_000_000n;
      assert.ok(t >= startTime && t <= endTime, 'every frame logged in the window');
    }
    // A topic list without the depth camera: frames without depth; without the command topic: no transitions.
    const noDepth = await readBagEpisodes<Observation>(dir, { convert: (o) => o, topics: ['/cam/color', '/my_arm/joint_states', '/servo/cmd'] });
    assert.equal(noDepth[0].actions.length, 19);
    assert.ok(noDepth[0].frames.every((f) => f.depth === undefined && f.rgb !== undefined && f.proprio !== undefined));
    const noCommands: string[] = [];
    assert.deepEqual(await readBagEpisodes(dir, { convert: (o) => o, topics: ['/cam/color', '/my_arm/joint_states'], onBag: (_b, _n, h) => noCommands.push(h) }), []);
    assert.match(noCommands[0], /skipped: no agent transitions, and no command topic .* with messages to build them from \(of the messages in the window read/);
  });

  test('the gripper range declared (node parameters, or the bag metadata) maps the gripper joint; a position outside it is an error naming bag, topic and message', async () => {
    // The robot's gripper joint runs from 0 (closed) to 0.08 (open); the bag holds 0.02 and 0.08.
    const dir = join(tmp.dir, 'gripper-0.08');
    await writePlainBag(dir, 'trajectory', 1, { gripper: true, gripperPositions: [0.02, 0.08] });
    const gripper = { joint: 'gripper', closed: 0, open: 0.08, source: 'gripper.closed 0, gripper.open 0.08 of --params robot.yaml' };
    const how: string[] = [];
    const episodes = await readBagEpisodes<Observation>(dir, { convert: (o) => o, jointNames: ['j1', 'j2'], gripper, onBag: (_b, _n, h) => how.push(h) });
    const actions = episodes.flatMap((e) => e.actions);
    assert.equal(actions.length, 19);
    for (let k = 0; k < actions.length; k++) assert.ok(Math.abs(actions[k][2] - (k % 2 === 0 ? -0.5 : 1)) < 1e-6, `gripper of action ${k}: ${actions[k][2]}`);
    assert.match(how[0], /gripper from 20 commands, range from gripper\.closed 0, gripper\.open 0\.08 of --params robot\.yaml/);
    // A reversed range (open at the lower position) maps the other way round.
    const reversed = await readBagEpisodes<Observation>(dir, { convert: (o) => o, jointNames: ['j1', 'j2'], gripper: { closed: 0.08, open: 0, source: 'test' } });
    assert.ok(Math.abs(reversed[0].actions[0][2] - 0.5) < 1e-6);
    // The node's defaults (0 .. 1) fit these positions too; a range of 0 .. 0.05 does not: message 1 holds 0.08.
    await assert.rejects(readBagEpisodes(dir, { convert: (o) => o, jointNames: ['j1', 'j2'], gripper: { ...gripper, open: 0.05, source: 'gripper.open 0.05 of -p gripper.open=0.05' } }), (error: Error) => {
      assert.match(
        error.message,
        new RegExp(`^bag ${dir}: /arm/joint_trajectory: message 1 \\(logged at ${toNanoseconds(at(57)) + 2_000_000n} ns\\): gripper joint gripper at 0\\.08 is outside its declared range, closed 0 \\.\\. open 0\\.05 \\(gripper\\.open 0\\.05 of -p gripper\\.open=0\\.05\\); declare the range the robot ran with: --params FILE`),
      );
      return true;
    });
    await assert.rejects(readBagEpisodes(dir, { convert: (o) => o, gripper: { closed: 1, open: 1, source: 'test' } }), /the gripper range from test is closed 1 \.\. open 1: expected two different finite positions/);
  });

  test('a bag whose metadata declares the gripper range (as our node records it) is read by it; the node defaults otherwise', async () => {
    const dir = join(tmp.dir, 'gripper-metadata');
    await writePlainBag(dir, 'trajectory', 1, { gripper: true, gripperPositions: [0.5, 2], metadata: gripperMetadata({ joint: 'gripper', closed: 0, open: 2 }) });
    const episodes = await readBagEpisodes<Observation>(dir, { convert: (o) => o, jointNames: ['j1', 'j2'] });
    assert.ok(Math.abs(episodes[0].actions[0][2] - -0.5) < 1e-6, 'position 0.5 of 0 .. 2 is gripper command -0.5');
    // Without that metadata the node's defaults (0 .. 1) apply, and position 2 does not fit them.
    const plain = join(tmp.dir, 'gripper-2');
    await writePlainBag(plain, 'trajectory', 1, { gripper: true, gripperPositions: [0.5, 2] });
    await assert.rejects(readBagEpisodes(plain, { convert: (o) => o, jointNames: ['j1', 'j2'] }), /message 1 \(logged at \d+ ns\): gripper joint gripper at 2 is outside its declared range, closed 0 \.\. open 1 \(the node's defaults gripper\.closed 0, gripper\.open 1\)/);
  });
});
