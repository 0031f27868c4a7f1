import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { modelConfigSchema, Rng } from '../../../src/core/index.js';
import { imageEncoder, patchify } from '../../../src/model/encoders/imageEncoder.js';
import { ParamStore } from '../../../src/model/index.js';
import { assertNoLeak, maxAbsDiff, take, useTestBackend } from '../fixtures.js';

before(useTestBackend);

test('patchify cuts row-major patches scaled to [0, 1] and zeroes absent frames', () => {
  // A 4x4 image, 2x2 patches: patch 1 (top right) holds pixels (0,2) (0,3) (1,2) (1,3).
  const rgb = Uint8Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => i % 256);
  const out = patchify({ count: 2, rgb, present: { rgb: Uint8Array.of(1, 0) } }, [0, 1], 4, 2);
  const pixel = (y: number, x: number): number[] => [0, 1, 2].map((c) => (y * 4 + x) * 3 + c);
  const patch1 = Array.from(out.subarray(12, 24)).map((v) => Math.round(v * 255));
  assert.deepEqual(patch1, [...pixel(0, 2), ...pixel(0, 3), ...pixel(1, 2), ...pixel(1, 3)]);
  assert.ok(out.subarray(48).every((v) => v === 0), 'absent frame');
});

for (const encoder of ['mixer', 'conv'] as const) {
  // On wasm the conv filter gradient comes from the engine's kernel fix (initBackend installs it).
  test(`${encoder} encoder: [n, latentDim], trainable, sensitive to the image`, () => {
    const image = { encoder, size: 8, patchSize: 4, width: 8, mixerDepth: 2, tokenHidden: 4, channelHidden: 8 };
    const config = modelConfigSchema.parse({ latentDim: 5, image });
    const store = new ParamStore(new Rng(1));
    const enc = imageEncoder(store, config);
    const rng = new Rng(2);
    const rgb = new Uint8Array(3 * 8 * 8 * 3).map(() => rng.int(0, 256));
    const x = enc.input({ count: 3, rgb }, [0, 1, 2]);
    assertNoLeak('apply', () => {
      const e = take(enc.apply(store.weights, x));
      assert.equal(e.length, 15);
      assert.ok(maxAbsDiff(e.subarray(0, 5), e.subarray(5, 10)) > 1e-4);
    });
    const vars = store.trainable();
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(enc.apply(store.weights, x))), vars);
    assert.equal(Object.keys(grads).length, vars.length, 'every weight gets a gradient');
    tf.dispose([value, grads, x]);
    store.dispose();
  });
}
