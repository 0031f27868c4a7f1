import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupedBarChart, renderChart } from '../../src/report/index.js';
import { countColor, overlaps, readPng, scaled, svgTexts } from './fixtures.js';

test('bars are as tall as their values, in their series colour, with error bars, dashed references and legends off the plot', async () => {
  const red = '#c80000';
  const blue = '#0000c8';
  const chart = await renderChart(
    groupedBarChart({
      title: 'T',
      yLabel: 'rate',
      groups: ['a', 'a much longer arm name'],
      series: [
        { name: 'low', values: [0.2, 0.2], color: red },
        { name: 'high', values: [0.8, Number.NaN], errors: [0.1, 0], color: blue },
      ],
      yRange: [0, 1],
      references: [{ name: 'chance', value: 0.5, color: '#00a000' }],
    }),
  );
  const texts = svgTexts(chart.svg);
  for (const t of ['T', 'rate', 'a', 'a much longer arm name', 'low', 'high', 'chance']) assert.ok(texts.includes(t), `"${t}" in ${texts.join(' | ')}`);
  assert.equal(chart.layout.legends.length, 2, 'one legend for the bars, one for the references');
  for (const legend of chart.layout.legends) assert.ok(!overlaps(legend, chart.layout.plot), `legend ${JSON.stringify(legend)} off the plot`);
  assert.match(chart.svg, /stroke="#00a000"[^>]*stroke-dasharray="6,4"/, 'the reference is dashed');

  // Inside the plot area only bars have these colours: two red bars of 0.2 against one blue bar of 0.8 (the NaN draws nothing).
  const png = readPng(chart.png);
  const plot = scaled(chart.layout.plot, 2);
  const redBars = countColor(png, red, plot);
  const blueBar = countColor(png, blue, plot);
  assert.ok(redBars > 0 && blueBar > 0);
  const ratio = blueBar / (redBars / 2);
  assert.ok(Math.abs(ratio - 4) < 0.3, `the 0.8 bar is ${ratio.toFixed(2)} x a 0.2 bar`);
});

test('mismatched lengths, repeated names and an empty chart are errors naming the chart', () => {
  assert.throws(() => groupedBarChart({ title: 'X', yLabel: '', groups: ['a'], series: [{ name: 's', values: [1, 2] }] }), /groupedBarChart\("X"\): series "s" has 2 values for 1 groups/);
  assert.throws(() => groupedBarChart({ title: 'X', yLabel: '', groups: ['a'], series: [{ name: 's', values: [1], errors: [] }] }), /series "s" has 0 errors for 1 groups/);
  assert.throws(() => groupedBarChart({ title: 'X', yLabel: '', groups: ['a'], series: [{ name: 's', values: [1] }], references: [{ name: 's', value: 0 }] }), /name "s" is used twice/);
  assert.throws(() => groupedBarChart({ title: 'X', yLabel: '', groups: [], series: [] }), /needs at least one series and one group/);
});
