import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { probeCell, runProbeExperiment } from '../../../src/eval/probe/probeExperiment.js';
import type { ProbeOptions, ProbeReport } from '../../../src/eval/probe/probeExperiment.js';
import { probeImages, probeMarkdown, probePlots } from '../../../src/eval/probe/probeReport.js';
import { tinyConfig, tinySetup } from '../common/fixtures.js';
import { useTestBackend } from '../../backend.js';

const config = tinyConfig();
const SHAPES = ['box', 'cylinder', 'sphere', 'capsule', 'ellipsoid', 'tee', 'wedge'];
const options: ProbeOptions = {
  shapes: SHAPES,
  splits: ['train', 'unseen_all'],
  poolPerClass: 5,
  testPerClass: 2,
  shots: [1, 5],
  repeats: 3,
  k: 3,
  pixelSide: 8,
  minPixels: 2,
  view: 'scene',
  zoom: 2,
  seed: 3,
};

async function run(o: ProbeOptions = options): Promise<ProbeReport> {
  const setup = await tinySetup(config, { babbleEpisodes: 4, trainSteps: 20 });
  try {
    return runProbeExperiment(setup.env, setup.models, o);
  } finally {
    setup.close();
  }
}

test('probe (tiny): every representation, classifier, label count and split is measured; reproducible; no tensor leaks', async () => {
  await useTestBackend();
  const before = tf.memory().numTensors;
  const a = await run();
  assert.equal(tf.memory().numTensors, before, 'every tensor was freed');
  assert.deepEqual(a.representations, [
    'trained fused', 'trained rgb', 'trained points', 'trained object',
    'random fused', 'random rgb', 'random points', 'random object',
    'raw pixels', 'raw points', 'raw object view',
  ]);
  assert.equal(a.chance, 1 / 7);
  // 11 representations x 2 classifiers x (2 shot counts + all) x 2 splits
  assert.equal(a.cells.length, 11 * 2 * 3 * 2);
  for (const c of a.cells) {
    assert.ok(c.mean >= 0 && c.mean <= 1 && c.std >= 0, `${c.representation} ${c.classifier} ${c.shots} ${c.split}: ${c.mean}`);
    assert.equal(c.draws, c.shots === 'all' ? 1 : 3);
  }
  // Draws of one label per class differ, so their accuracies spread somewhere.
  assert.ok(a.cells.some((c) => c.shots === 1 && c.std > 0), 'few-shot draws differ');
  // With the whole pool as its own labels the 1-NN of a pool scene would be itself; the test scenes are fresh, so accuracy is a real measurement (below 1 somewhere).
  assert.ok(a.cells.some((c) => c.mean < 1));
  assert.ok(a.data.meanVisiblePixels.train >= options.minPixels, 'every scene shows its object');
  assert.equal(probeCell(a, 'raw pixels', 'linear', 'all', 'unseen_all').split, 'unseen_all');
  assert.throws(() => probeCell(a, 'nope', 'linear', 1, 'train'), /no cell nope/);
  const b = await run();
  assert.deepEqual(b, a, 'same seed, same report');
});

test('probe report: tables per classifier and label count, plots per split, example scenes', async () => {
  const r = await run({ ...options, splits: ['train'], shots: [1], repeats: 1, view: 'glimpse' });
  const md = probeMarkdown(r, { command: 'jepa-agent eval probe', code: { version: '0.0.0' }, seed: 3, durationS: 1, quick: true, source: { kind: 'checkpoint', dir: 'x' }, configSummary: '' });
  assert.match(md, /## linear probe \(ridge\), 1 label per class/);
  assert.match(md, /## k-NN, all pool labels/);
  assert.match(md, /\| trained fused \| \d+\.\d% ± \d+\.\d \|/);
  assert.deepEqual(Object.keys(probePlots(r)), ['accuracy_train']);
  const examples = probeImages(r).examples;
  assert.equal(examples.width, 7 * 32 + 6 * 2, 'one glimpse per class, camera-sized');
});
