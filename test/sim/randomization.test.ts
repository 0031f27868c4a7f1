import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/Rng.js';
import { SPLIT_NAMES } from '../../src/core/config/simConfig.js';
import { hsvToRgb, sampleAppearance, sampleObjectLook } from '../../src/sim/randomization.js';
import { loadSceneData } from '../../src/sim/sceneData.js';

const { splits } = loadSceneData('tabletop');

function draws(split: (typeof SPLIT_NAMES)[number], n = 200) {
  const rng = new Rng(11);
  return Array.from({ length: n }, () => {
    const a = sampleAppearance(splits, split, rng);
    return { a, look: sampleObjectLook(a, rng) };
  });
}

const tableHue = (rgb: readonly number[]): number => {
  const max = Math.max(...rgb);
  const min = Math.min(...rgb);
  const d = max - min;
  if (d === 0) return 0;
  let h = max === rgb[0] ? ((rgb[1] - rgb[2]) / d) % 6 : max === rgb[1] ? (rgb[2] - rgb[0]) / d + 2 : (rgb[0] - rgb[1]) / d + 4;
  h /= 6;
  return h < 0 ? h + 1 : h;
};

test('every declared split exists and samples', () => {
  for (const s of SPLIT_NAMES) assert.ok(draws(s, 3).length === 3);
  assert.throws(() => sampleAppearance(splits, 'nope' as 'train', new Rng(0)), /unknown split 'nope'/);
});

test('unseen colours lie outside the training colour ranges; other factors stay in training ranges', () => {
  const train = draws('train');
  const unseen = draws('unseen_colors');
  const trainHues = train.map((d) => tableHue(d.a.table));
  const unseenHues = unseen.map((d) => tableHue(d.a.table));
  assert.ok(Math.max(...trainHues) < Math.min(...unseenHues), 'table hues disjoint');
  const az = (d: (typeof train)[number]) => Math.atan2(-d.a.lighting.direction[1], -d.a.lighting.direction[0]);
  for (const d of unseen) assert.ok(Math.abs(az(d)) <= 0.6 + 1e-9, 'lighting as in train');
});

test('unseen lighting comes from another side and is dimmer in ambient', () => {
  const train = draws('train');
  const unseen = draws('unseen_lighting');
  assert.ok(Math.max(...unseen.map((d) => d.a.lighting.ambient)) < Math.min(...train.map((d) => d.a.lighting.ambient)));
  const x = (d: (typeof train)[number]) => d.a.lighting.direction[0];
  assert.ok(train.every((d) => x(d) < 0) && unseen.every((d) => x(d) > 0), 'light from behind vs from the front');
});

test('unseen objects are larger than any training object, with lying cylinders', () => {
  const train = draws('train');
  const unseen = draws('unseen_objects');
  assert.ok(Math.max(...train.map((d) => d.look.scale)) < Math.min(...unseen.map((d) => d.look.scale)));
  const lying = unseen.filter((d) => d.look.shape === 'cylinder').every((d) => Math.abs(d.look.quaternion[0]) < 0.99);
  assert.ok(lying);
});

test('unseen camera jitter is larger than any training jitter', () => {
  const len = (p: readonly number[]) => Math.hypot(p[0], p[1], p[2]);
  const train = draws('train');
  const unseen = draws('unseen_camera');
  assert.ok(Math.max(...train.map((d) => len(d.a.cameraJitter.position))) < Math.min(...unseen.map((d) => len(d.a.cameraJitter.position))));
});

test('unseen_all changes every family at once', () => {
  const d = draws('unseen_all', 20);
  assert.ok(d.every((x) => x.look.scale >= 1.15 && x.a.lighting.ambient < 0.25));
});

test('hsvToRgb maps primaries', () => {
  const near = (a: readonly number[], b: readonly number[]) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-9, `${a} vs ${b}`));
  near(hsvToRgb([0, 1, 1]), [1, 0, 0]);
  near(hsvToRgb([1 / 3, 1, 1]), [0, 1, 0]);
  near(hsvToRgb([2 / 3, 1, 0.5]), [0, 0, 0.5]);
});
