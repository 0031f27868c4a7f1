import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { modelConfigSchema, Rng } from '../../src/core/index.js';
import { augmentImages, augments, rotateObjectViews } from '../../src/model/augment.js';

const SIZE = 8;
const FRAME = SIZE * SIZE * 3;
const off = { brightness: 0, contrast: 0, color: 0, hue: 0, saturation: 0, shift: 0 };

/** B sequences of F frames, each pixel's red byte its column x 20 + 10, green its row x 20 + 10, blue 128. */
function gradientFrames(sequences: number, frames: number): Uint8Array {
  const out = new Uint8Array(sequences * frames * FRAME);
  for (let f = 0; f < sequences * frames; f++) {
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const i = f * FRAME + (y * SIZE + x) * 3;
        out[i] = x * 20 + 10;
        out[i + 1] = y * 20 + 10;
        out[i + 2] = 128;
      }
    }
  }
  return out;
}

describe('augmentImages', () => {
  test('the defaults augment; all amplitudes 0 give an exact copy in a new array, the input untouched', () => {
    assert.equal(augments(modelConfigSchema.parse({}).augment), true);
    assert.equal(augments(off), false);
    const rgb = gradientFrames(2, 3);
    const before = Uint8Array.from(rgb);
    const out = augmentImages(rgb, 2, 3, SIZE, off, new Rng(1));
    assert.notEqual(out, rgb);
    assert.deepEqual(out, before);
    assert.deepEqual(rgb, before);
  });

  test('one shift per sequence: every frame of a sequence moves by the same pixels, edges repeated', () => {
    const rgb = gradientFrames(6, 3);
    const out = augmentImages(rgb, 6, 3, SIZE, { ...off, shift: 2 }, new Rng(3));
    const shifts = new Set<string>();
    for (let s = 0; s < 6; s++) {
      // Column and row of the source pixel that landed at (4, 4): the shift is 4 minus them.
      const at = (f: number): [number, number] => {
        const i = (s * 3 + f) * FRAME + (4 * SIZE + 4) * 3;
        return [(out[i] - 10) / 20, (out[i + 1] - 10) / 20];
      };
      const [sx, sy] = at(0);
      for (let f = 1; f < 3; f++) assert.deepEqual(at(f), [sx, sy], `sequence ${s} frame ${f} shifted like frame 0`);
      assert.ok(Math.abs(4 - sx) <= 2 && Math.abs(4 - sy) <= 2, `shift within 2 px, got ${4 - sx}, ${4 - sy}`);
      shifts.add(`${sx},${sy}`);
      // Pixel (0, 0) repeats the frame's edge when the view moves right or down.
      const corner = (s * 3) * FRAME;
      assert.equal(out[corner], Math.max(0, -(4 - sx)) * 20 + 10);
    }
    assert.ok(shifts.size > 1, 'sequences draw their own shifts');
  });

  test('photometric jitter is drawn per frame: frames of one sequence differ, stay in range, keep the picture', () => {
    const rgb = gradientFrames(1, 4);
    const out = augmentImages(rgb, 1, 4, SIZE, { brightness: 0.3, contrast: 0.3, color: 0.15, hue: 0, saturation: 0.4, shift: 0 }, new Rng(5));
    const means = [0, 1, 2, 3].map((f) => out.subarray(f * FRAME, (f + 1) * FRAME).reduce((a, b) => a + b, 0) / FRAME);
    assert.equal(new Set(means.map((m) => m.toFixed(3))).size, 4, `per-frame means differ: ${means.join(', ')}`);
    // The gradient survives: red still grows along each row.
    for (let f = 0; f < 4; f++) {
      const row = (x: number): number => out[f * FRAME + (2 * SIZE + x) * 3];
      assert.ok(row(7) > row(0), `frame ${f}: red ${row(0)} -> ${row(7)}`);
    }
  });

  test('hue turns colours about the grey axis: greys stay grey, each pixel keeps its channel sum, colours change', () => {
    const rgb = gradientFrames(1, 3);
    // A grey pixel in each frame.
    for (let f = 0; f < 3; f++) rgb.fill(90, f * FRAME, f * FRAME + 3);
    const out = augmentImages(rgb, 1, 3, SIZE, { ...off, hue: 0.5 }, new Rng(11));
    let changed = 0;
    for (let p = 0; p < rgb.length; p += 3) {
      const sumIn = rgb[p] + rgb[p + 1] + rgb[p + 2];
      const sumOut = out[p] + out[p + 1] + out[p + 2];
      // Rounding (and clipping of a channel rotated past 0 or 255) moves the sum a little.
      if (Math.max(...out.subarray(p, p + 3)) < 255 && Math.min(...out.subarray(p, p + 3)) > 0) assert.ok(Math.abs(sumIn - sumOut) <= 2, `pixel ${p / 3}: ${sumIn} -> ${sumOut}`);
      if (Math.abs(out[p] - rgb[p]) > 10) changed++;
    }
    for (let f = 0; f < 3; f++) assert.deepEqual([...out.subarray(f * FRAME, f * FRAME + 3)], [90, 90, 90]);
    assert.ok(changed > rgb.length / 3 / 4, `hue moved the red channel of ${changed} pixels`);
  });

  test('the same seed gives the same views; another seed other views', () => {
    const rgb = gradientFrames(3, 2);
    const cfg = modelConfigSchema.parse({}).augment;
    assert.deepEqual(augmentImages(rgb, 3, 2, SIZE, cfg, new Rng(7)), augmentImages(rgb, 3, 2, SIZE, cfg, new Rng(7)));
    assert.notDeepEqual(augmentImages(rgb, 3, 2, SIZE, cfg, new Rng(7)), augmentImages(rgb, 3, 2, SIZE, cfg, new Rng(8)));
  });

  test('a buffer of the wrong size is refused, naming the sizes', () => {
    assert.throws(() => augmentImages(new Uint8Array(10), 2, 3, SIZE, off, new Rng(1)), /10 bytes for 2 x 3 frames of 8x8x3/);
  });
});

describe('rotateObjectViews', () => {
  const views = 3;
  const perView = 4;
  const object = new Rng(4).fillUniform(new Float32Array(views * perView * 3), -0.03, 0.03);

  test('turns each view about the vertical: heights and distances from the axis kept, angles drawn per view', () => {
    const turned = rotateObjectViews(object, views, perView, Math.PI, new Rng(1));
    assert.notEqual(turned, object);
    const angles: number[] = [];
    for (let p = 0; p < views * perView; p++) {
      const [x, y, z] = object.subarray(3 * p, 3 * p + 3);
      const [u, v, w] = turned.subarray(3 * p, 3 * p + 3);
      assert.equal(w, z, 'height kept');
      assert.ok(Math.abs(Math.hypot(u, v) - Math.hypot(x, y)) < 1e-6, 'distance from the axis kept');
      angles.push(Math.atan2(x * v - y * u, x * u + y * v));
    }
    for (let f = 0; f < views; f++) {
      const own = angles.slice(f * perView, (f + 1) * perView);
      for (const a of own) assert.ok(Math.abs(a - own[0]) < 1e-5, `view ${f}: one angle for all its points`);
    }
    assert.ok(Math.abs(angles[0] - angles[perView]) > 1e-3 && Math.abs(angles[perView] - angles[2 * perView]) > 1e-3, 'each view its own angle');
    assert.deepEqual(rotateObjectViews(object, views, perView, Math.PI, new Rng(1)), turned, 'the same seed turns them alike');
  });

  test('one turn per group of frames (a training sequence) when asked', () => {
    const turned = rotateObjectViews(object, views, perView, Math.PI, new Rng(2), 2);
    const angle = (p: number): number => {
      const [x, y] = object.subarray(3 * p, 3 * p + 2);
      const [u, v] = turned.subarray(3 * p, 3 * p + 2);
      return Math.atan2(x * v - y * u, x * u + y * v);
    };
    assert.ok(Math.abs(angle(0) - angle(perView)) < 1e-5, 'frames 0 and 1 share a turn');
    assert.ok(Math.abs(angle(perView) - angle(2 * perView)) > 1e-3, 'frame 2 starts the next group');
    assert.throws(() => rotateObjectViews(object, views, perView, 1, new Rng(1), 0), /framesPerTurn must be a positive integer, got 0/);
  });

  test('a zero range leaves the views as they are; a size mismatch is named', () => {
    assert.deepEqual(rotateObjectViews(object, views, perView, 0, new Rng(1)), object);
    assert.throws(() => rotateObjectViews(object, views, perView + 1, 1, new Rng(1)), /rotateObjectViews: 36 values for 3 views of 5 points/);
  });
});
