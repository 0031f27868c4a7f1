import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, noiseConfigSchema } from '../../../src/core/index.js';
import type { NoiseConfig } from '../../../src/core/index.js';
import { applySensorNoise, pinholeIntrinsics } from '../../../src/sim/camera/index.js';
import type { CameraFrame } from '../../../src/sim/camera/index.js';

const W = 100;
const H = 100;

/** Left half at depth 1 m, right half at 2 m, a NaN column, a colour gradient. */
function frame(): CameraFrame {
  const n = W * H;
  const depth = new Float32Array(n);
  const rgb = new Uint8Array(3 * n);
  for (let i = 0; i < n; i++) {
    const u = i % W;
    depth[i] = u === 0 ? NaN : u < W / 2 ? 1 : 2;
    rgb.set([u * 2, 255 - u * 2, 128], 3 * i);
  }
  return {
    width: W,
    height: H,
    rgb,
    depth,
    segmentation: new Int32Array(n).fill(3),
    intrinsics: pinholeIntrinsics(W, H, 60),
    pose: { position: [0, 0, 0], quaternion: [1, 0, 0, 0] },
  };
}

const noise = (c: Partial<NoiseConfig>): NoiseConfig => noiseConfigSchema.parse(c);

function std(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}

describe('applySensorNoise', () => {
  test('all-zero noise changes nothing and draws nothing', () => {
    const f = frame();
    const rng = new Rng(1);
    applySensorNoise(f, noise({}), rng);
    assert.deepEqual(f, frame());
    assert.equal(rng.next(), new Rng(1).next());
  });

  test('same seed, same noisy frame; another seed, another', () => {
    const config = noise({ depthStd: 0.01, dropout: 0.1, colorJitter: 0.1 });
    const a = frame(), b = frame(), c = frame();
    applySensorNoise(a, config, new Rng(5));
    applySensorNoise(b, config, new Rng(5));
    applySensorNoise(c, config, new Rng(6));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.depth, c.depth);
    assert.notDeepEqual(a.rgb, c.rgb);
  });

  test('dropout removes depth with the asked probability and leaves colour alone', () => {
    const f = frame();
    const before = Float32Array.from(f.depth);
    applySensorNoise(f, noise({ dropout: 0.2 }), new Rng(2));
    let valid = 0, dropped = 0;
    for (let i = 0; i < before.length; i++) {
      if (Number.isNaN(before[i])) continue;
      valid++;
      if (Number.isNaN(f.depth[i])) dropped++;
      else assert.equal(f.depth[i], before[i]);
    }
    assert.ok(Math.abs(dropped / valid - 0.2) < 0.02, `dropped ${dropped / valid}`);
    assert.deepEqual(f.rgb, frame().rgb);
    assert.deepEqual(f.segmentation, frame().segmentation);
  });

  test('depth noise is zero-mean with std depthStd * z^2', () => {
    const f = frame();
    applySensorNoise(f, noise({ depthStd: 0.01 }), new Rng(3));
    const near: number[] = [], far: number[] = [];
    for (let i = 0; i < f.depth.length; i++) {
      const u = i % W;
      if (u === 0) assert.ok(Number.isNaN(f.depth[i]), 'no return stays no return');
      else if (u < W / 2) near.push(f.depth[i] - 1);
      else far.push(f.depth[i] - 2);
    }
    assert.ok(Math.abs(std(near) - 0.01) < 0.001, `std at 1 m: ${std(near)}`);
    assert.ok(Math.abs(std(far) - 0.04) < 0.004, `std at 2 m: ${std(far)}`);
    assert.ok(Math.abs(far.reduce((a, b) => a + b, 0) / far.length) < 0.002);
  });

  test('colour jitter is one gain and offset per channel for the whole frame', () => {
    const f = frame();
    applySensorNoise(f, noise({ colorJitter: 0.2 }), new Rng(4));
    assert.notDeepEqual(f.rgb, frame().rgb);
    assert.deepEqual(f.depth, frame().depth);
    // Equal inputs stay equal: every row is the same gradient, so every row stays the same.
    for (let v = 1; v < H; v++) assert.deepEqual(f.rgb.subarray(3 * W * v, 3 * W * (v + 1)), f.rgb.subarray(0, 3 * W));
    // Blue was 128 everywhere: still one value.
    const blues = new Set<number>();
    for (let i = 2; i < f.rgb.length; i += 3) blues.add(f.rgb[i]);
    assert.equal(blues.size, 1);
  });
});
