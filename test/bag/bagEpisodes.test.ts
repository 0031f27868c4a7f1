import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { SimWorld } from '../../src/agent/sources/SimWorld.js';
import { BagRecorder } from '../../src/bag/BagRecorder.js';
import { EpisodeAssembler, findBags, readBagEpisodes } from '../../src/bag/bagEpisodes.js';
import { recordSimEpisodes, simBagMetadata } from '../../src/cli/commands/record.js';
import { Rng } from '../../src/core/index.js';
import type { Observation } from '../../src/core/index.js';
import { makeEnv } from '../sim/fixtures.js';
import { BagMessageError } from '../../src/bag/bagEpisodes.js';
import { damagePlainBagMessage, recordingLogger, tempDir, writePlainBag } from './fixtures.js';

describe('readBagEpisodes', () => {
  const { dir: root, cleanup } = tempDir();
  after(cleanup);
  const bags = join(root, 'bags');
  const applied: number[][] = [];

  before(async () => {
    const env = await makeEnv('camera.width=16', 'camera.height=16', 'pointCount=16', 'episodeSteps=3');
    try {
      const world = new SimWorld(env, { clock: 'lockstep' });
      world.events$.subscribe((e) => {
        if (e.type === 'step') applied.push([...e.result!.action.values]);
      });
      const recorder = await BagRecorder.start({ dir: join(bags, 'a'), thread: 'inline', metadata: simBagMetadata(world) });
      await recordSimEpisodes(world, recorder, { episodes: 3, seedBase: 1, tasks: ['reach', 'push'], split: 'train', holdSteps: 1, rng: new Rng(2) });
      world.close();
      await recorder.close();
    } finally {
      env.close();
    }
    cpSync(join(bags, 'a'), join(bags, 'b'), { recursive: true });
  });

  test('episodes with every observation and applied action, across shared stamps at episode boundaries', async () => {
    const episodes = await readBagEpisodes<Observation>(join(bags, 'a'), { convert: (o) => o });
    assert.equal(episodes.length, 3);
    for (const ep of episodes) {
      assert.equal(ep.actions.length, 3);
      assert.equal(ep.frames.length, 4);
      for (let t = 1; t < ep.frames.length; t++) assert.ok(ep.frames[t].rgb && ep.frames[t].points && ep.frames[t].proprio && ep.frames[t].depth);
      // The arm's shapes, recorded as /robot_description and /tf, are posed again for each cloud: the learner's self-filter has them.
      for (const f of ep.frames) {
        assert.ok(f.robotShapes !== undefined && f.robotShapes.shapes.length > 5, 'shapes on every frame');
        assert.deepEqual(f.robotShapes.stamp, f.points!.stamp);
      }
    }
    assert.deepEqual(episodes.flatMap((e) => e.actions.map((a) => [...a])), applied);
    // The last observation of episode 0 and the first of episode 1 share a stamp but are different scenes.
    assert.deepEqual(episodes[0].frames[3].stamp, episodes[1].frames[0].stamp);
    assert.notDeepEqual(episodes[0].frames[3].rgb!.data, episodes[1].frames[0].rgb!.data);
  });

  test('a folder of bags: each bag read; episodes split where observations are missing', async () => {
    assert.deepEqual(findBags(bags).map((p) => p.slice(bags.length + 1)), ['a', 'b']);
    const all = await readBagEpisodes<number>(bags, { convert: () => 0 });
    assert.equal(all.length, 6);
    assert.throws(() => findBags(join(root, 'nothing')), /does not exist/);
    // An assembler fed a transition whose observations never came: no episode.
    const assembler = new EpisodeAssembler<number>('x', () => 0);
    assembler.add({ kind: 'transition', value: { stamp: { sec: 1, nanosec: 0 }, episode: 0, step: 0, actionSpace: 'ee_delta', actionNames: [], action: [], appliedAction: [1], cost: 0, done: true, success: false, nextStamp: { sec: 2, nanosec: 0 } } });
    assert.deepEqual(assembler.episodes(), []);
  });

  test('transitions that name their parts (a live robot: each modality its own stamp) join exactly those messages, and split where one is missing', () => {
    const t = (sec: number, nanosec = 0): { sec: number; nanosec: number } => ({ sec, nanosec });
    const assembler = new EpisodeAssembler<Observation>('live', (o) => o);
    const rgb = (ts: { sec: number; nanosec: number }, v: number): Observation['rgb'] => ({ stamp: ts, frameId: 'cam', width: 1, height: 1, data: Uint8Array.of(v, v, v) });
    const proprio = (ts: { sec: number; nanosec: number }, q: number): Observation['proprio'] => ({
      stamp: ts,
      frameId: 'base',
      jointNames: ['j'],
      positions: Float64Array.of(q),
      velocities: Float64Array.of(0),
      endEffector: { position: [0, 0, 0], quaternion: [1, 0, 0, 0] },
      gripper: 1,
    });
    // Camera at 10, 20, 30, 40 ms; joints at 12, 21, 33, 41 ms, plus one the agent never used (15 ms).
    const ms = (k: number): { sec: number; nanosec: number } => t(1, k * 1e6);
    for (const [c, j] of [[10, 12], [20, 21], [30, 33], [40, 41]]) {
      assembler.add({ kind: 'rgb', value: rgb(ms(c), c)! });
      assembler.add({ kind: 'proprio', value: proprio(ms(j), j)! });
      if (c === 10) assembler.add({ kind: 'proprio', value: proprio(ms(15), 15)! });
    }
    const parts = (c: number, j: number): Array<{ modality: 'rgb' | 'proprio'; stamp: { sec: number; nanosec: number } }> => [
      { modality: 'rgb', stamp: ms(c) },
      { modality: 'proprio', stamp: ms(j) },
    ];
    const step = (k: number, [c, j]: number[], [nc, nj]: number[]) => ({
      kind: 'transition' as const,
      value: { stamp: ms(Math.max(c, j)), episode: 0, step: k, actionSpace: 'ee_delta', actionNames: ['a'], action: [k], appliedAction: [k], cost: 0, done: false, success: false, nextStamp: ms(Math.max(nc, nj)), parts: parts(c, j), nextParts: parts(nc, nj) },
    });
    assembler.add(step(0, [10, 12], [20, 21]));
    assembler.add(step(1, [20, 21], [30, 33]));
    // Names a joint state that is not in the bag (a lost chunk): the episode splits here.
    assembler.add(step(2, [30, 33], [40, 99]));
    assembler.add(step(3, [30, 33], [40, 41]));
    const episodes = assembler.episodes();
    assert.equal(episodes.length, 2);
    assert.deepEqual(episodes[0].frames.map((f) => [f.rgb!.data[0], f.proprio!.positions[0]]), [[10, 12], [20, 21], [30, 33]]);
    assert.deepEqual(episodes[0].actions.map((a) => a[0]), [0, 1]);
    assert.deepEqual(episodes[1].frames.map((f) => [f.rgb!.data[0], f.proprio!.positions[0]]), [[30, 33], [40, 41]]);
  });
});

describe('readBagEpisodes on a damaged bag without agent records', () => {
  const { dir: root, cleanup } = tempDir('damaged-plain-');
  after(cleanup);
  const bag = join(root, 'robot');
  let damaged: { joints: { file: string; chunkOffset: bigint }; command: { file: string; chunkOffset: bigint } };

  before(async () => {
    await writePlainBag(bag, 'trajectory', 1, { uncompressed: true });
    // The 30th joint state (290 ms) and the 10th command (457 ms): CDR that claims 2^32 - 1 names, in chunks whose CRC is gone too.
    damaged = { joints: await damagePlainBagMessage(bag, ['j2', 'j1'], 29), command: await damagePlainBagMessage(bag, ['j1', 'j2'], 9) };
  });

  test('undecodable messages are skipped and counted per topic, with one warning per bag; the rest is read', async () => {
    const logger = recordingLogger();
    const how: string[] = [];
    const episodes = await readBagEpisodes<Observation>(bag, { convert: (o) => o, jointNames: ['j1', 'j2'], logger, onBag: (_b, _n, h) => how.push(h) });
    const warnings = logger.lines.filter((l) => l.level === 'warn');
    assert.equal(warnings.length, 1, warnings.map((w) => w.message).join('\n'));
    assert.equal(warnings[0].message, `bag ${bag}: skipped 2 messages that could not be decoded (/my_arm/joint_states: 1, /arm/joint_trajectory: 1)`);
    assert.match(how[0], /built from 19 commands on \/arm\/joint_trajectory .*; 2 undecodable messages skipped$/);
    // What the arm did after the damaged command is unknown: its step is left out and the episode splits there
    // (the step before it still ends at its frame, not at the next command's).
    assert.deepEqual(episodes.map((e) => e.actions.length), [9, 9]);
    for (const e of episodes) for (const f of e.frames) assert.ok(f.proprio !== undefined && f.proprio.positions.every(Number.isFinite));
  });

  test('strict: the first undecodable message ends the read, naming the bag, file, chunk, topic and log time', async () => {
    await assert.rejects(readBagEpisodes(bag, { convert: (o) => o, strict: true }), (error: Error) => {
      assert.ok(error instanceof BagMessageError);
      assert.match(
        error.message,
        new RegExp(
          `^bag ${bag}: a message on /my_arm/joint_states logged at \\d+ ns \\(${damaged.joints.file}, chunk at byte ${damaged.joints.chunkOffset}\\) cannot be decoded: topic /my_arm/joint_states: MessageCodec sensor_msgs/msg/JointState: cannot decode \\d+ bytes: CDR: a sequence length at byte \\d+ claims 4294967295 elements.*\\(without --strict it would be skipped\\)$`,
        ),
      );
      return true;
    });
  });

  test('a first depth and colour image that cannot be decoded: the topic roles are still inferred from the next ones, and the two are skipped', async () => {
    const dir = join(root, 'garbage-first');
    await writePlainBag(dir, 'twist', 1, { garbageFirst: ['/cam/depth', '/cam/color'] });
    const logger = recordingLogger();
    const how: string[] = [];
    const episodes = await readBagEpisodes<Observation>(dir, { convert: (o) => o, logger, onBag: (_b, _n, h) => how.push(h) });
    assert.match(how[0], /built from 20 commands on \/servo\/cmd and the rgb frames on \/cam\/color.*; 2 undecodable messages skipped$/);
    assert.ok(episodes[0].frames.every((f) => f.depth !== undefined), 'the depth topic found past its damaged first message');
    assert.deepEqual(logger.lines.filter((l) => l.level === 'warn').map((l) => l.message), [`bag ${dir}: skipped 2 messages that could not be decoded (/cam/color: 1, /cam/depth: 1)`]);
  });
});
