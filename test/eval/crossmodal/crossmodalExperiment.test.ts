import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { runCrossmodalExperiment } from '../../../src/eval/crossmodal/crossmodalExperiment.js';
import type { CrossmodalOptions, CrossmodalReport } from '../../../src/eval/crossmodal/crossmodalExperiment.js';
import { crossmodalImages, crossmodalMarkdown, crossmodalPlots } from '../../../src/eval/crossmodal/crossmodalReport.js';
import { tinyConfig, tinySetup } from '../common/fixtures.js';
import { useTestBackend } from '../../backend.js';

const config = tinyConfig();
const options: CrossmodalOptions = {
  samples: 150,
  trainFraction: 0.8,
  split: 'train',
  imageSide: 8,
  ae: { hidden: 32, latent: 4, epochs: 4, batchSize: 16, learningRate: 3e-3 },
  som: { width: 5, height: 5, epochs: 6, batchSize: 10, learningRate: [0.5, 0.05], sigma: [2, 0.5] },
  seed: 3,
};

async function run(): Promise<CrossmodalReport> {
  const setup = await tinySetup(config, { babbleEpisodes: 4, trainSteps: 20 });
  try {
    return runCrossmodalExperiment(setup.env, setup.models, options);
  } finally {
    setup.close();
  }
}

/** Everything but wall-clock timings and memory peaks. */
const numbers = (r: CrossmodalReport) => ({ ...r, rows: r.rows.map(({ somSeconds: _s, aeSeconds: _a, note: _n, ...rest }) => rest) });

test('crossmodal (tiny): SOM joints->joints beats the mean predictor; all four mappings measured; reproducible; no tensor leaks', async () => {
  await useTestBackend();
  const before = tf.memory().numTensors;
  const a = await run();
  assert.equal(tf.memory().numTensors, before, 'every tensor was freed');
  assert.deepEqual(a.rows.map((r) => r.method), ['SOM-AE', 'SOM-JEPA (trained encoder)', 'world model heads (trained)', 'SOM-JEPA (random encoder)', 'mean predictor']);
  const row = (m: string) => a.rows.find((r) => r.method === m)!;
  const mean = row('mean predictor').errors['joints->joints']!.mean;
  for (const m of ['SOM-AE', 'SOM-JEPA (trained encoder)', 'SOM-JEPA (random encoder)']) {
    const r = row(m);
    assert.equal(Object.keys(r.errors).length, 4, `${m} has the four mappings`);
    assert.ok(r.errors['joints->joints']!.mean < mean, `${m} joints->joints ${r.errors['joints->joints']!.mean} should be below the mean predictor ${mean}`);
    // The JEPA latent: four parts of latentDim 16 (gated fusion: rgb, points, proprio, the object view).
    assert.ok(r.somBytes === 25 * 4 * (r.method === 'SOM-AE' ? 4 + 5 : 4 * 16 + 5), `${m} map bytes ${r.somBytes}`);
    assert.ok(r.somSeconds! >= 0);
  }
  assert.ok(row('SOM-AE').aeSeconds! >= 0 && row('SOM-AE').aeBytes === 3 * 4 * (64 * 3 * 32 + 32 + 32 * 4 + 4 + 4 * 32 + 32 + 32 * 64 * 3 + 64 * 3));
  assert.equal(a.data.train, 120);
  assert.equal(a.data.test, 30);
  assert.ok(a.aeLosses.at(-1)! < a.aeLosses[0], 'the autoencoder learns');
  const b = await run();
  assert.deepEqual(numbers(b), numbers(a), 'same seed, same numbers');

  const md = crossmodalMarkdown(a, { command: 'jepa-agent eval crossmodal', code: { version: '0.0.0', commit: 'abc' }, seed: 3, durationS: 1, quick: true, source: { kind: 'checkpoint', dir: 'x' }, configSummary: '' });
  assert.match(md, /\| Test loss: joints->joints \| \d\.\d{3} ± \d\.\d{3} \|/);
  assert.match(md, /commit abc/);
  assert.deepEqual(Object.keys(crossmodalPlots(a)), ['som_quantisation', 'autoencoder_loss']);
  assert.equal(crossmodalImages(a).som_ae_examples.height, 3 * 16 + 2 * 2, 'three rows of 2x images');
});
