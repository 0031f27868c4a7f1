// `train --bags` and `eval --bags` on bags as `ros2 bag record` writes them (no agent records,
// no metadata, topic names of the robot's own), and on a folder mixing action spaces.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { evalBags } from '../../../src/cli/commands/evalBags.js';
import { replayBag } from '../../../src/cli/commands/replayBag.js';
import { trainFromBags } from '../../../src/cli/commands/trainFromBags.js';
import type { Runtime } from '../../../src/cli/runtime.js';
import { readBagEpisodes } from '../../../src/bag/index.js';
import { silentLogger, toNanoseconds } from '../../../src/core/index.js';
import { damagePlainBagMessage, plainBagStamp, recordingLogger, tempDir, writePlainBag } from '../../bag/fixtures.js';
import { tinyConfig } from '../../learn/fixtures.js';

const runtime = (): Runtime => ({ config: tinyConfig(), logger: silentLogger, close: () => Promise.resolve() });

describe('train --bags and eval --bags on plain rosbag2 bags', () => {
  const tmp = tempDir('plain-train-');
  after(() => tmp.cleanup());

  test('a twist bag without agent records trains a checkpoint and evaluates against it', async () => {
    await writePlainBag(join(tmp.dir, 'bags', 'robot'), 'twist', 2);
    const trained = await trainFromBags(runtime(), { bags: join(tmp.dir, 'bags'), out: join(tmp.dir, 'ckpt'), steps: '2' });
    assert.equal(trained.episodes, 1);
    assert.equal(trained.frames, 40, '39 transitions from 40 commands: 40 frames');
    assert.equal(trained.steps, 2);
    assert.ok(existsSync(join(tmp.dir, 'ckpt', 'manifest.json')));
    const tensors = tf.memory().numTensors;
    const report = await evalBags(runtime(), { bags: join(tmp.dir, 'bags'), ckpt: join(tmp.dir, 'ckpt'), horizon: '2' });
    assert.equal(report.episodes, 1);
    assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind');
  });

  test('replay --ckpt on a bag without agent records builds its transitions from the command topic', async () => {
    const tensors = tf.memory().numTensors;
    const result = await replayBag(runtime(), { bag: join(tmp.dir, 'bags', 'robot'), ckpt: join(tmp.dir, 'ckpt'), rate: 'max', horizon: '2' });
    assert.equal(result.episodes, 1);
    assert.equal(result.horizons?.length, 2);
    assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind');
  });

  test('two colour cameras: a --topics file names the one to use, a flag overrides it; a missing topic fails before anything is written', async () => {
    await writePlainBag(join(tmp.dir, 'ambiguous', 'robot'), 'twist', 2, { secondCamera: '/cam2/color' });
    const bags = join(tmp.dir, 'ambiguous');
    const out = join(tmp.dir, 'ambiguous-ckpt');
    await assert.rejects(trainFromBags(runtime(), { bags, out, steps: '1' }), /2 topics could be its rgb .*--rgb TOPIC/);
    const file = join(tmp.dir, 'roles.yaml');
    writeFileSync(file, 'rgb: /cam/missing\ncommand: /servo/cmd\n');
    await assert.rejects(trainFromBags(runtime(), { bags, out, steps: '1', topicsFile: file }), /bag .*robot: topic \/cam\/missing \(given as --rgb\) is not in it; it holds .*\/cam2\/color \(sensor_msgs\/msg\/Image\)/);
    assert.ok(!existsSync(out), 'no checkpoint written');
    const trained = await trainFromBags(runtime(), { bags, out, steps: '1', topicsFile: file, rgb: '/cam2/color' });
    assert.equal(trained.frames, 40);
    const tensors = tf.memory().numTensors;
    const replayed = await replayBag(runtime(), { bag: join(bags, 'robot'), ckpt: out, rate: 'max', horizon: '2', topicsFile: file, rgb: '/cam/color' });
    assert.equal(replayed.episodes, 1);
    await assert.rejects(evalBags(runtime(), { bags, ckpt: out, horizon: '2', depth: '/cam/nowhere' }), /topic \/cam\/nowhere \(given as --depth\) is not in it/);
    assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind');
  });

  test('a folder mixing action spaces fails naming both bags before anything is written', async () => {
    await writePlainBag(join(tmp.dir, 'mixed', 'a_twist'), 'twist');
    await writePlainBag(join(tmp.dir, 'mixed', 'b_trajectory'), 'trajectory');
    const out = join(tmp.dir, 'mixed-ckpt');
    await assert.rejects(
      trainFromBags({ ...runtime(), config: tinyConfig() }, { bags: join(tmp.dir, 'mixed'), out, steps: '1' }),
      /train: .*a_twist has actions of 4 values but .*b_trajectory of 3: train on bags of one action space/,
    );
    assert.ok(!existsSync(out), 'no checkpoint written');
  });
  test('replay --ckpt --start --end --topics on a bag without agent records: the built transitions are those of the window replayed', async () => {
    const bag = join(tmp.dir, 'bags', 'robot');
    const logger = recordingLogger();
    const tensors = tf.memory().numTensors;
    // The bag's first message is logged at 2 ms: --start 0.5 --end 1.5 is log time 502 .. 1502 ms.
    const windowed = await replayBag({ ...runtime(), logger }, { bag, ckpt: join(tmp.dir, 'ckpt'), rate: 'max', horizon: '2', start: '0.5', end: '1.5' });
    const expected = await readBagEpisodes(bag, { convert: () => 0, startTime: toNanoseconds(plainBagStamp(502)), endTime: toNanoseconds(plainBagStamp(1502)) });
    const steps = expected.reduce((n, e) => n + e.actions.length, 0);
    assert.ok(steps > 10 && steps < 25, `${steps} steps in the window`);
    assert.equal(windowed.episodes, expected.length);
    assert.equal(windowed.horizons?.[0].starts, expected.reduce((n, e) => n + Math.max(0, e.actions.length - 1), 0), 'prediction starts of the window only');
    const whole = await replayBag(runtime(), { bag, ckpt: join(tmp.dir, 'ckpt'), rate: 'max', horizon: '2' });
    assert.ok(whole.horizons![0].starts > windowed.horizons![0].starts);
    assert.ok(logger.lines.some((l) => /transitions built from \d+ commands on \/servo\/cmd .*\(of the messages in the window read: start, end, topics\)/.test(l.message)));
    // Without the command topic among --topics there is nothing to build transitions from: no episode, said.
    const noCommands = recordingLogger();
    const topics = await replayBag({ ...runtime(), logger: noCommands }, { bag, ckpt: join(tmp.dir, 'ckpt'), rate: 'max', horizon: '2', topics: '/cam/color,/cam/depth,/my_arm/joint_states' });
    assert.equal(topics.episodes, 0);
    assert.deepEqual(Object.keys(topics.topics).sort(), ['/cam/color', '/cam/depth', '/my_arm/joint_states']);
    assert.ok(noCommands.lines.some((l) => l.level === 'warn' && /replay: no episode in .*robot: no agent transitions, and none could be built from its command topic/.test(l.message)));
    assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind');
  });

  test('a damaged bag: train and eval skip and count what cannot be decoded (one warning per bag); with --strict they stop, and nothing on disk changes', async () => {
    const bags = join(tmp.dir, 'damaged');
    await writePlainBag(join(bags, 'robot'), 'trajectory', 2, { uncompressed: true });
    await damagePlainBagMessage(join(bags, 'robot'), ['j2', 'j1'], 50);
    await damagePlainBagMessage(join(bags, 'robot'), ['j1', 'j2'], 20);
    const out = join(tmp.dir, 'damaged-ckpt');
    const logger = recordingLogger();
    const trained = await trainFromBags({ ...runtime(), logger }, { bags, out, steps: '1' });
    assert.equal(trained.frames, 40, '39 commands decoded, the damaged one splits the episode: 38 transitions, 40 frames');
    assert.equal(trained.episodes, 2);
    const warnings = logger.lines.filter((l) => l.level === 'warn' && l.message.includes('could not be decoded'));
    assert.deepEqual(warnings.map((w) => w.message), [`bag ${join(bags, 'robot')}: skipped 2 messages that could not be decoded (/my_arm/joint_states: 1, /arm/joint_trajectory: 1)`]);
    const manifest = readFileSync(join(out, 'manifest.json'), 'utf8');
    await assert.rejects(trainFromBags(runtime(), { bags, out, steps: '1', strict: true, resume: out }), /^BagMessageError: bag .*robot: a message on \/my_arm\/joint_states logged at \d+ ns \(.*robot_0\.mcap, chunk at byte \d+\) cannot be decoded: .*claims 4294967295 elements/);
    assert.equal(readFileSync(join(out, 'manifest.json'), 'utf8'), manifest, 'the checkpoint there is as it was');
    const fresh = join(tmp.dir, 'damaged-strict-ckpt');
    await assert.rejects(trainFromBags(runtime(), { bags, out: fresh, steps: '1', strict: true }), /without --strict it would be skipped/);
    assert.ok(!existsSync(fresh), 'no checkpoint written');
    const tensors = tf.memory().numTensors;
    const evalLogger = recordingLogger();
    const report = await evalBags({ ...runtime(), logger: evalLogger }, { bags, ckpt: out, horizon: '2' });
    assert.equal(report.episodes, 2);
    assert.equal(evalLogger.lines.filter((l) => l.level === 'warn' && l.message.includes('could not be decoded')).length, 1);
    await assert.rejects(evalBags(runtime(), { bags, ckpt: out, horizon: '2', strict: true }), /BagMessageError|cannot be decoded/);
    assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind');
  });

  test('the gripper range comes from the node parameters the robot ran with (--params, -p); a position outside it fails before anything is written', async () => {
    const bags = join(tmp.dir, 'gripper');
    await writePlainBag(join(bags, 'robot'), 'trajectory', 2, { gripper: true, gripperPositions: [0.02, 0.08] });
    const params = join(tmp.dir, 'robot.yaml');
    writeFileSync(params, 'jepa_agent:\n  ros__parameters:\n    gripper:\n      joint: gripper\n      closed: 0.0\n      open: 0.08\n');
    const out = join(tmp.dir, 'gripper-ckpt');
    await assert.rejects(trainFromBags(runtime(), { bags, out, steps: '1', params, param: ['gripper.open=0.05'] }), (error: Error) => {
      assert.match(error.message, /^bag .*gripper\/robot: \/arm\/joint_trajectory: message 1 \(logged at \d+ ns\): gripper joint gripper at 0\.08 is outside its declared range, closed 0 \.\. open 0\.05 \(gripper\.closed 0, gripper\.open 0\.05 of --params .*robot\.yaml -p gripper\.open=0\.05\)/);
      return true;
    });
    assert.ok(!existsSync(out), 'no checkpoint written');
    const logger = recordingLogger();
    const trained = await trainFromBags({ ...runtime(), logger }, { bags, out, steps: '1', params });
    assert.equal(trained.frames, 40);
    assert.ok(logger.lines.some((l) => /gripper from 40 commands, range from gripper\.closed 0, gripper\.open 0\.08 of --params/.test(l.message)));
  });
});
