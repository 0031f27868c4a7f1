import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/core/Rng.js';
import { Autoencoder } from '../../../src/eval/crossmodal/autoencoder.js';
import { useTestBackend } from '../../backend.js';

test('the autoencoder learns to reconstruct, is seeded, and frees its tensors', async () => {
  await useTestBackend();
  const before = tf.memory().numTensors;
  const rng = new Rng(1);
  // Images on a 1-d manifold: a bright bar at a random place among 16 pixels.
  const n = 64;
  const x = new Float32Array(n * 16);
  for (let i = 0; i < n; i++) x[i * 16 + rng.int(0, 16)] = 1;
  const train = (): { losses: number[]; recon: Float32Array } => {
    const ae = new Autoencoder({ inputDim: 16, hidden: 16, latent: 2, rng: new Rng(5) });
    try {
      const { losses } = ae.train(x, n, { epochs: 30, batchSize: 16, learningRate: 1e-2, rng: new Rng(6) });
      const z = ae.encode(x, n);
      assert.equal(z.length, n * 2);
      return { losses, recon: ae.decode(z, n) };
    } finally {
      ae.dispose();
    }
  };
  const a = train();
  assert.ok(a.losses.at(-1)! < a.losses[0] / 2, `loss ${a.losses[0]} -> ${a.losses.at(-1)}`);
  assert.ok(a.recon.every((v) => v >= 0 && v <= 1));
  assert.deepEqual(train().losses, a.losses, 'same seeds, same training');
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => new Autoencoder({ inputDim: 4, hidden: 2, latent: 1, rng }).train(new Float32Array(3), 1, { epochs: 1, batchSize: 1, learningRate: 1, rng }), /3 values, expected 1 x 4/);
});
