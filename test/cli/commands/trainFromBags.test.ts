// `train --bags` and `eval --bags` on bags as `ros2 bag record` writes them (no agent records,
// no metadata, topic names of the robot's own), and on a folder mixing action spaces.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { evalBags } from '../../../src/cli/commands/evalBags.js';
import { replayBag } from '../../../src/cli/commands/replayBag.js';
import { trainFromBags } from '../../../src/cli/commands/trainFromBags.js';
import type { Runtime } from '../../../src/cli/runtime.js';
import { silentLogger } from '../../../src/core/index.js';
import { tempDir, writePlainBag } from '../../bag/fixtures.js';
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
});
