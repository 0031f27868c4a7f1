import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { encodePng, linePlot, plotPalette } from '../../src/viz/index.js';
import type { LinePlot, LinePlotSpec } from '../../src/viz/index.js';

const INK = [34, 34, 34];

function px(img: LinePlot, x: number, y: number): number[] {
  const k = 3 * (y * img.width + x);
  return [...img.rgb.subarray(k, k + 3)];
}

function is(img: LinePlot, x: number, y: number, color: readonly number[]): boolean {
  return px(img, x, y).every((v, i) => v === color[i]);
}

/** Pixel row of a y value on a linear axis, as the plot area says. */
function rowOf(img: LinePlot, y: number): number {
  const { top, bottom } = img.plotArea;
  return Math.round(bottom - ((y - img.yRange[0]) / (img.yRange[1] - img.yRange[0])) * (bottom - top));
}

function colOf(img: LinePlot, x: number): number {
  const { left, right } = img.plotArea;
  return Math.round(left + ((x - img.xRange[0]) / (img.xRange[1] - img.xRange[0])) * (right - left));
}

/** Length of the run of axis-ink pixels going left from x along row y (frame plus tick mark). */
function inkRunLeft(img: LinePlot, x: number, y: number): number {
  while (x > 0 && !is(img, x, y, INK)) x--;
  let n = 0;
  while (x - n >= 0 && is(img, x - n, y, INK)) n++;
  return n;
}

function inkRunDown(img: LinePlot, x: number, y: number): number {
  while (y < img.height && !is(img, x, y, INK)) y++;
  let n = 0;
  while (y + n < img.height && is(img, x, y + n, INK)) n++;
  return n;
}

function spec(over: Partial<LinePlotSpec>): LinePlotSpec {
  return { title: 'success', xLabel: 'episode', yLabel: 'rate', series: [], ...over };
}

describe('linePlot', () => {
  const flat = linePlot(spec({ yRange: [0, 1], xRange: [0, 1], series: [{ name: 'half', points: [[0, 0.5], [1, 0.5]] }] }));

  test('default size, white ground, ticks at round values where the axes put them', () => {
    assert.equal(flat.width, 640);
    assert.equal(flat.height, 400);
    assert.deepEqual(px(flat, 0, 0), [255, 255, 255]);
    assert.deepEqual(flat.yTicks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.ok(flat.xTicks.length >= 5 && flat.xTicks[0] === 0 && flat.xTicks.at(-1) === 1, `x ticks ${flat.xTicks.join(',')}`);
    const { left, bottom } = flat.plotArea;
    // A tick row has the frame plus a 5 px tick mark left of it; a row between ticks only the frame.
    for (const t of flat.yTicks) assert.equal(inkRunLeft(flat, left, rowOf(flat, t)), 6, `y tick ${t}`);
    assert.equal(inkRunLeft(flat, left, rowOf(flat, 0.3)), 1);
    for (const t of flat.xTicks) assert.equal(inkRunDown(flat, colOf(flat, t), bottom), 6, `x tick ${t}`);
    assert.equal(inkRunDown(flat, colOf(flat, 0.05), bottom), 1);
  });

  test('a horizontal line at y = 0.5 in [0, 1] runs along the middle row of the plot area', () => {
    const { left, right, top, bottom } = flat.plotArea;
    const mid = Math.round((top + bottom) / 2);
    assert.equal(rowOf(flat, 0.5), mid);
    for (let x = left; x <= right; x += 7) assert.ok(is(flat, x, mid, plotPalette[0]), `column ${x}`);
    for (let x = left; x <= right; x += 7) assert.ok(!is(flat, x, mid - 3, plotPalette[0]) && !is(flat, x, mid + 3, plotPalette[0]));
  });

  test('a sloped line passes through the mapped pixels of its points', () => {
    const img = linePlot(spec({ series: [{ name: 'ramp', points: [[0, 0], [10, 5]], color: [10, 200, 30] }] }));
    assert.deepEqual(img.xRange, [0, 10]);
    assert.deepEqual(img.yRange, [-0.25, 5.25]); // 5% margin
    for (const x of [0, 2.5, 5, 7.5, 10]) {
      const col = colOf(img, x), row = rowOf(img, x / 2);
      const near = [-1, 0, 1].some((d) => is(img, col, row + d, [10, 200, 30]));
      assert.ok(near, `point (${x}, ${x / 2}) at pixel ${col},${row}`);
    }
  });

  test('NaN breaks the line; markers draw discs; dashed lines have gaps', () => {
    const img = linePlot(spec({
      yRange: [0, 1],
      xRange: [0, 1],
      series: [
        { name: 'broken', points: [[0, 0.25], [0.4, 0.25], [NaN, NaN], [0.6, 0.25], [1, 0.25]], markers: true },
        { name: 'baseline', points: [[0, 0.5], [1, 0.5]], dashed: true },
      ],
    }));
    const r = rowOf(img, 0.25), blue = plotPalette[0], red = plotPalette[1];
    assert.ok(is(img, colOf(img, 0.2), r, blue));
    assert.ok(is(img, colOf(img, 0.8), r, blue));
    assert.ok(!is(img, colOf(img, 0.5), r, blue), 'gap at the NaN');
    assert.ok(is(img, colOf(img, 0.4), r - 3, blue), 'marker disc above the point');
    assert.ok(!is(img, colOf(img, 0.2), r - 3, blue), 'no disc between points');
    const m = rowOf(img, 0.5);
    let on = 0, off = 0;
    for (let x = img.plotArea.left; x <= img.plotArea.right; x++) {
      if (is(img, x, m, red)) on++;
      else off++;
    }
    assert.ok(on > 200 && off > 100, `dashes: ${on} on, ${off} off`);
  });

  test('log y: 0.1 sits halfway between 0.01 and 1', () => {
    const img = linePlot(spec({ logY: true, yRange: [0.01, 1], xRange: [0, 1], series: [{ name: 'loss', points: [[0, 0.1], [1, 0.1]] }] }));
    assert.deepEqual(img.yTicks, [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]);
    const mid = Math.round((img.plotArea.top + img.plotArea.bottom) / 2);
    assert.ok(is(img, colOf(img, 0.5), mid, plotPalette[0]));
    assert.equal(inkRunLeft(img, img.plotArea.left, mid), 6, 'tick at 0.1');
  });

  test('legend shows each series colour in a free corner; text is drawn in the margins', () => {
    const img = linePlot(spec({
      yRange: [0, 1],
      series: [{ name: 'low', points: [[0, 0.05], [1, 0.05]] }, { name: 'also low', points: [[0, 0.1], [1, 0.1]], color: [120, 0, 200] }],
    }));
    const { left, right, top } = img.plotArea;
    const found = (c: readonly number[]): boolean => {
      for (let y = top; y < top + 60; y++) for (let x = right - 200; x <= right; x++) if (is(img, x, y, c)) return true;
      return false;
    };
    assert.ok(found(plotPalette[0]) && found([120, 0, 200]), 'legend samples at the top right');
    const inkIn = (x0: number, y0: number, x1: number, y1: number): number => {
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (is(img, x, y, INK)) n++;
      return n;
    };
    assert.ok(inkIn(0, 0, img.width, top - 5) > 50, 'title');
    assert.ok(inkIn(0, img.height - 20, img.width, img.height) > 20, 'x label');
    assert.ok(inkIn(0, top, 20, img.plotArea.bottom) > 10, 'y label');
    const bare = linePlot({ title: '', xLabel: '', yLabel: '', yRange: [0, 1], series: [{ name: '', points: [[0, 0.05], [1, 0.05]] }] });
    assert.equal(bare.rgb.subarray(0, 3 * bare.width * 8).every((v) => v === 255), true, 'no title, nothing on top');
    assert.ok(bare.plotArea.left < left, 'no y label, more room');
  });

  test('palette cycles after 8 series; the result encodes as a PNG', () => {
    const series = Array.from({ length: 9 }, (_, k) => ({ name: `s${k}`, points: [[0, k], [1, k]] as Array<[number, number]> }));
    const img = linePlot(spec({ series, width: 320, height: 240 }));
    const at = (k: number): number[] => px(img, colOf(img, 0.1), rowOf(img, k));
    assert.deepEqual(at(8), [...plotPalette[0]]);
    assert.deepEqual(at(7), [...plotPalette[7]]);
    const png = PNG.sync.read(encodePng(img.width, img.height, img.rgb, 3));
    assert.equal(png.width, 320);
    assert.equal(png.height, 240);
  });

  test('a single value gets a window of +-10% around it', () => {
    const img = linePlot(spec({ series: [{ name: 'one', points: [[3, 0.5]], markers: true }] }));
    assert.deepEqual(img.yRange, [0.45, 0.55]);
    assert.deepEqual(img.xRange, [2.7, 3.3]);
    assert.ok(is(img, colOf(img, 3), rowOf(img, 0.5), plotPalette[0]));
  });

  test('a NaN-only series draws nothing but plots with given ranges', () => {
    const img = linePlot(spec({ xRange: [0, 1], yRange: [0, 1], series: [{ name: 'diverged', points: [[0, NaN], [1, NaN]] }] }));
    let n = 0;
    for (let y = img.plotArea.top + 60; y <= img.plotArea.bottom; y++) for (let x = img.plotArea.left; x <= img.plotArea.right; x++) if (is(img, x, y, plotPalette[0])) n++;
    assert.equal(n, 0);
  });

  test('names bad input', () => {
    const pts: Array<[number, number]> = [[0, 1], [1, 2]];
    assert.throws(() => linePlot(spec({ series: [] })), /linePlot\("success"\): no series to plot/);
    assert.throws(() => linePlot(spec({ series: [{ name: 'x', points: [[NaN, NaN]] }] })), /no series has a finite point to derive xRange from; pass xRange/);
    assert.throws(() => linePlot(spec({ series: [{ name: 'x', points: pts }], yRange: [1, 1] })), /yRange must be finite with min < max, got \[1, 1\]/);
    assert.throws(() => linePlot(spec({ series: [{ name: 'x', points: pts }], xRange: [2, 0] })), /xRange must be finite with min < max, got \[2, 0\]/);
    assert.throws(() => linePlot(spec({ logY: true, series: [{ name: 'loss', points: [[0, 1], [1, -0.5]] }] })), /logY needs positive y, series "loss" point 1 has y = -0.5/);
    assert.throws(() => linePlot(spec({ logY: true, yRange: [0, 1], series: [{ name: 'loss', points: pts }] })), /yRange on a log axis must be positive, got \[0, 1\]/);
    assert.throws(() => linePlot(spec({ width: 100, series: [{ name: 'x', points: pts }] })), /at least 200 x 150, got 100 x 400/);
    assert.throws(() => linePlot(spec({ series: [{ name: 'x', points: pts, color: [0, 300, 0] }] })), /series "x" color must be three integers 0..255, got \[0, 300, 0\]/);
  });
});
