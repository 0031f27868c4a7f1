import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_PUSH_DIAGNOSIS, pushMarkdown, runPushDiagnosis } from '../../../src/eval/push/index.js';
import type { PushDiagnosisOptions, PushDiagnosisReport } from '../../../src/eval/push/index.js';
import { tinyConfig, tinySetup } from '../common/fixtures.js';
import { useTestBackend } from '../../backend.js';

// Long enough episodes for the scripted pusher to reach the pre-push pose in the first half; a cloud
// dense enough for perception to find the object in the goal and the current view (a stance needs both).
const config = tinyConfig(['sim.episodeSteps=60', 'sim.pointCount=2048', 'plan.samples=32', 'plan.elites=4', 'agent.planning.objectFirst.stance.minMoments=4', 'agent.planning.objectFirst.stance.near=0.5']);
// Two object-play episodes give the stance its practice moments.
const options: PushDiagnosisOptions = { episodes: 2, splits: ['train', 'unseen_all'], starts: ['home', 'pre-push'], seed: config.seed, ...DEFAULT_PUSH_DIAGNOSIS, practiceEpisodes: 2 };

async function run(): Promise<PushDiagnosisReport> {
  const setup = await tinySetup(config, { babbleEpisodes: 4, trainSteps: 20 });
  try {
    return runPushDiagnosis(setup.env, setup.models.trained, config, options);
  } finally {
    setup.close();
  }
}

test('eval push (tiny): a cell per split and start; the pre-push start puts the hand behind the object before the planner acts; reproducible; no tensor leaks', async () => {
  await useTestBackend();
  const before = tf.memory().numTensors;
  const a = await run();
  assert.equal(tf.memory().numTensors, before, 'every tensor was freed');
  assert.deepEqual(a.cells.map((c) => `${c.split} ${c.start}`), ['train home', 'train pre-push', 'unseen_all home', 'unseen_all pre-push']);
  for (const c of a.cells) {
    assert.equal(c.episodes + c.notReached, options.episodes, `${c.split} ${c.start}: every episode played or counted`);
    assert.ok(c.successes <= c.episodes && Math.abs(c.meanFirstActionCosine) <= 1, JSON.stringify(c));
    assert.ok(c.meanStartDistance > 0.05, `push goals lie away from the object: ${c.meanStartDistance}`);
    if (c.start === 'home') assert.equal(c.notReached, 0, 'home needs no scripted approach');
  }
  assert.ok(a.stanceMoments >= 4, `object play left ${a.stanceMoments} moments near the object`);
  const prePush = a.cells.filter((c) => c.start === 'pre-push' && c.episodes > 0);
  assert.ok(prePush.length > 0, 'the scripted pusher reaches the pre-push pose in at least one cell');
  // Handed over within 2 cm of a point 7 cm behind the middle, below 3 cm: the hand starts within reach.
  for (const c of prePush) assert.ok(c.meanClosestHand < 0.12, `${c.split}: closest hand ${c.meanClosestHand} m`);
  const home = a.cells.filter((c) => c.start === 'home');
  assert.ok(Math.min(...prePush.map((c) => c.meanClosestHand)) < Math.max(...home.map((c) => c.meanClosestHand)), 'the pre-push start is closer to the object than home');
  // The way to the stance: counts within their episodes, and geometry wherever an episode had a stance.
  for (const { split, start, episodes, stance } of a.cells) {
    const where = `${split} ${start}: ${JSON.stringify(stance)}`;
    assert.ok(stance.episodes <= episodes && stance.reached <= stance.episodes && stance.touchedOnTheWay <= stance.episodes, where);
    assert.equal(Number.isFinite(stance.meanReachTick), stance.reached > 0, where);
    if (stance.episodes > 0) {
      assert.ok(stance.meanAcross >= 0 && [stance.meanBehind, stance.meanAbove, stance.meanMovedOnTheWay].every(Number.isFinite), where);
      // The stance sits near the object (objectFirst.stance.near is 0.5 m here), not at some unrelated place.
      assert.ok(Math.hypot(stance.meanBehind, stance.meanAcross, stance.meanAbove) < 0.5, where);
    }
  }
  assert.ok(a.cells.some((c) => c.start === 'home' && c.stance.episodes > 0), 'from home, the controller chose a stance from practice');
  // Pushing begins where the stance was reached or, without one, at the planner's first tick: a push start per such episode.
  for (const { split, start, episodes, stance, pushStart } of a.cells) {
    assert.equal(pushStart.episodes, episodes - stance.episodes + stance.reached, `${split} ${start}: ${JSON.stringify(pushStart)}`);
    if (pushStart.episodes > 0) assert.ok(pushStart.meanAcross >= 0 && Number.isFinite(pushStart.meanTick), `${split} ${start}`);
  }
  // The push's actions: counted over episodes whose push had ticks, a cosine, a planar change within the action bounds, a share.
  for (const { split, start, pushStart, pushActions } of a.cells) {
    const where = `${split} ${start}: ${JSON.stringify(pushActions)}`;
    assert.ok(pushActions.episodes <= pushStart.episodes, where);
    if (pushActions.episodes > 0) {
      assert.ok(Math.abs(pushActions.meanCosine) <= 1 && pushActions.meanChange >= 0 && pushActions.meanChange < 0.2 && pushActions.gripperFlips >= 0 && pushActions.gripperFlips <= 1, where);
    }
  }
  assert.ok(a.cells.some((c) => c.pushActions.episodes > 0), 'some push had ticks');
  // The pre-push start hands over with the hand behind the object (7 cm on the line, within 2 cm).
  for (const c of prePush) if (c.stance.episodes === 0) assert.ok(c.pushStart.meanBehind > 0.04, `${c.split}: ${JSON.stringify(c.pushStart)}`);
  // Every played episode counts under its object's shape, and a shape's successes under its episodes.
  for (const c of a.cells) {
    assert.equal(c.byShape.reduce((n, b) => n + b.episodes, 0), c.episodes, `${c.split} ${c.start}: ${JSON.stringify(c.byShape)}`);
    assert.equal(c.byShape.reduce((n, b) => n + b.successes, 0), c.successes, `${c.split} ${c.start}`);
    for (const b of c.byShape) assert.ok(b.episodes > 0 && b.successes <= b.episodes && b.shape.length > 0, JSON.stringify(b));
  }
  const b = await run();
  assert.deepEqual(b.cells, a.cells, 'same seed, same result');
  const md = pushMarkdown(a, { command: 'jepa-agent eval push --quick', code: { version: '0.0.0' }, seed: 3, durationS: 1, quick: true, source: { kind: 'checkpoint', dir: 'ckpt' }, configSummary: '' });
  assert.match(md, /\| train \| pre-push \| \d\/\d \|/);
  assert.match(md, /about ±10 points/);
  assert.match(md, /## Where the push began[\s\S]*\| train \| pre-push \| \d\/\d \|/);
  assert.match(md, /## The push\n[\s\S]*\| train \| pre-push \| \d\/\d \| -?\d\.\d\d \| \d+\.\d \| \d+% \|/);
  assert.match(md, /## The way to the stance[\s\S]*\| train \| home \| \d\/\d \| \d\/\d \|/);
  const firstShape = a.cells[0].byShape[0];
  assert.match(md, new RegExp(`## By shape[\\s\\S]*\\| split \\| start \\| ${firstShape.shape} \\|[\\s\\S]*\\| train \\| home \\| ${firstShape.successes}/${firstShape.episodes} \\|`));
  assert.match(md, new RegExp(`2 object-play episodes first .* left ${a.stanceMoments} practice moments`));
  const none = pushMarkdown({ ...a, stanceMoments: 0 }, { command: 'x', code: { version: '0.0.0' }, seed: 3, durationS: 1, quick: true, source: { kind: 'checkpoint', dir: 'ckpt' }, configSummary: '' });
  assert.match(none, /Stance \(agent.planning.objectFirst.stance\): none/);
});
