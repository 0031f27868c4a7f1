import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHART_COLORS, lineChart, renderChart } from '../../src/report/index.js';
import type { LineSeries } from '../../src/report/index.js';
import { countColor, overlaps, readPng, scaled, svgTexts } from './fixtures.js';

const linePaths = (svg: string): Array<{ stroke: string; d: string; dash: string }> =>
  [...svg.matchAll(/<g class="mark-line[^>]*>((?:<path[^>]*\/>)+)/g)].flatMap((g) =>
    [...g[1].matchAll(/<path[^>]*\bd="([^"]*)"[^>]*stroke="([^"]*)"[^>]*stroke-dasharray="([^"]*)"/g)].map((m) => ({ d: m[1], stroke: m[2], dash: m[3] })),
  );

test('a line chart renders to SVG and PNG: title, axis titles, each series in its colour, dashes where asked, the legend under the plot', async () => {
  const chart = await renderChart(
    lineChart({
      title: 'Evaluation success rate',
      xLabel: 'minutes of online learning',
      yLabel: 'success rate',
      yRange: [0, 1],
      series: [
        { name: 'reach / train', markers: true, points: [[0, 0.1], [5, 0.4], [10, 0.8]] },
        { name: 'push / train', markers: true, points: [[0, 0], [5, 0.2], [10, 0.3]] },
        { name: 'random: reach / train', dashed: true, color: '#8c8c8c', points: [[0, 0.05], [10, 0.05]] },
      ],
    }),
  );
  const texts = svgTexts(chart.svg);
  for (const t of ['Evaluation success rate', 'minutes of online learning', 'success rate', 'reach / train', 'push / train', 'random: reach / train', '0.0', '1.0']) {
    assert.ok(texts.includes(t), `"${t}" is written in the SVG; texts: ${texts.join(' | ')}`);
  }
  const lines = linePaths(chart.svg);
  assert.deepEqual(lines.map((l) => [l.stroke, l.dash]), [[CHART_COLORS[0], '1,0'], [CHART_COLORS[1], '1,0'], ['#8c8c8c', '6,4']]);

  const png = readPng(chart.png);
  assert.equal(png.width, 2 * chart.width, 'the PNG is drawn at twice the SVG size');
  assert.equal(png.height, 2 * chart.height);
  assert.equal(chart.layout.legends.length, 1);
  const [legend] = chart.layout.legends;
  assert.ok(legend.y1 >= chart.layout.plot.y2, `legend ${JSON.stringify(legend)} below the plot ${JSON.stringify(chart.layout.plot)}`);
  const plot = scaled(chart.layout.plot, 2);
  for (const c of [CHART_COLORS[0], CHART_COLORS[1], '#8c8c8c']) assert.ok(countColor(png, c, plot) > 100, `the ${c} curve is drawn in the plot area`);
  // The text is drawn (the bundled font was found): dark pixels where the title is.
  const titleBand = { x1: 0, y1: 0, x2: png.width, y2: 2 * chart.layout.plot.y1 };
  assert.ok(countColor(png, '#000000', titleBand, 60) > 200, 'the title is rasterised');
});

test('the legend stays outside the plot however the curves fill its corners', async () => {
  const corners: Array<Array<readonly [number, number]>> = [
    [[0, 1], [1, 1]],
    [[0, 0], [1, 0]],
    [[0, 0], [0.1, 1]],
    [[0.9, 0], [1, 1]],
    [[0, 0.5], [1, 0.5]],
    [[0, 0.9], [1, 0.1]],
    [[0, 0.1], [1, 0.9]],
    [[0.5, 0], [0.5, 1]],
  ];
  const series: LineSeries[] = corners.map((points, i) => ({ name: `a long series name number ${i}`, points, markers: i % 2 === 0 }));
  const chart = await renderChart(lineChart({ title: 'Crowded', xLabel: 'x', yLabel: 'y', series }));
  assert.ok(chart.layout.legends.length > 0);
  for (const legend of chart.layout.legends) assert.ok(!overlaps(legend, chart.layout.plot), `legend ${JSON.stringify(legend)} is off the plot ${JSON.stringify(chart.layout.plot)}`);
  const png = readPng(chart.png);
  const plot = scaled(chart.layout.plot, 2);
  CHART_COLORS.forEach((c) => assert.ok(countColor(png, c, plot) > 50, `series in ${c} is visible in the plot`));
  assert.ok(chart.layout.legends.every((l) => l.x2 <= chart.width && l.y2 <= chart.height), 'the legend fits in the picture');
});

test('a non-finite point breaks its line; a log axis labels decades', async () => {
  const chart = await renderChart(
    lineChart({
      title: 'Training losses',
      xLabel: 'learner steps',
      yLabel: 'loss',
      logY: true,
      series: [{ name: 'total', points: [[0, 1], [1, 0.1], [2, Number.NaN], [3, 0.01], [4, 0.005]] }],
    }),
  );
  const [line] = linePaths(chart.svg);
  assert.equal(line.d.match(/M/g)?.length, 2, `two pieces: ${line.d}`);
  const texts = svgTexts(chart.svg);
  for (const t of ['0.01', '0.1', '1']) assert.ok(texts.includes(t), `log tick ${t} in ${texts.join(' | ')}`);
});

test('the same spec renders to the same bytes', async () => {
  const spec = lineChart({ title: 'T', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', points: [[0, 1], [1, 2], [2, 1.5]] }] });
  const [a, b] = [await renderChart(spec), await renderChart(spec)];
  assert.ok(a.svg === b.svg, 'same SVG');
  assert.ok(a.png.equals(b.png), 'same PNG');
});

test('bad input is an error naming the chart', () => {
  const one = [{ name: 'a', points: [[0, 1]] as Array<[number, number]> }];
  assert.throws(() => lineChart({ title: 'X', xLabel: '', yLabel: '', series: [] }), /lineChart\("X"\): no series to plot/);
  assert.throws(() => lineChart({ title: 'X', xLabel: '', yLabel: '', series: [...one, ...one] }), /lineChart\("X"\): series name "a" is used twice/);
  assert.throws(() => lineChart({ title: 'X', xLabel: '', yLabel: '', series: one, yRange: [1, 0] }), /yRange must be finite with min < max, got \[1, 0\]/);
  assert.throws(() => lineChart({ title: 'X', xLabel: '', yLabel: '', series: [{ name: 'a', points: [[0, 0]] }], logY: true }), /logY needs positive y, series "a" point 0 has y = 0/);
  assert.throws(() => lineChart({ title: 'X', xLabel: '', yLabel: '', series: one, logY: true, yRange: [0, 1] }), /yRange on a log axis must be positive/);
});
