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
import { tempDir } from './fixtures.js';

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
});
